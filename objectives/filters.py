import django_filters
from django.utils.translation import gettext_lazy as _

from objectives.models import Plan
from organisation.access import user_entes


class PlanFilter(django_filters.FilterSet):
    ente = django_filters.ModelChoiceFilter(queryset=None, label=_("Ente"))
    status = django_filters.ChoiceFilter(choices=Plan.Status.choices, label=_("Stato"))
    year = django_filters.NumberFilter(method="filter_year", label=_("Anno"))
    title = django_filters.CharFilter(lookup_expr="icontains", label=_("Titolo"))

    class Meta:
        model = Plan
        fields = ["ente", "status", "year", "title"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["ente"].queryset = user_entes(user)
        for name, field in self.form.fields.items():
            field.widget.attrs["class"] = (
                "form-select" if name in ("ente", "status") else "form-control"
            )

    def filter_year(self, queryset, name, value):
        return queryset.filter(first_year__lte=value, last_year__gte=value)
