import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from objectives.models import MonitoringPeriod, Plan, Programma, Progress
from organisation.access import user_entes
from organisation.models import OrgUnit


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


def _bootstrap(form) -> None:
    for field in form.fields.values():
        widget = field.widget
        is_select = widget.__class__.__name__.endswith("Select")
        widget.attrs["class"] = "form-select" if is_select else "form-control"


class ProgressFilter(django_filters.FilterSet):
    """Filters of the report lists: plan, period, status, dipartimento, programme, text."""

    plan = django_filters.ModelChoiceFilter(
        field_name="objective__plan", queryset=Plan.objects.none(), label=_("Piano")
    )
    period = django_filters.ModelChoiceFilter(
        field_name="period", queryset=MonitoringPeriod.objects.none(), label=_("Periodo")
    )
    status = django_filters.ChoiceFilter(choices=Progress.Status.choices, label=_("Stato"))
    dipartimento = django_filters.ModelChoiceFilter(
        field_name="objective__org_units",
        queryset=OrgUnit.objects.none(),
        label=_("Dipartimento / Area"),
    )
    programma = django_filters.ModelChoiceFilter(
        field_name="objective__programma",
        queryset=Programma.objects.filter(regions_only=False),
        label=_("Programma DUP"),
    )
    q = django_filters.CharFilter(method="filter_text", label=_("Cerca"))

    class Meta:
        model = Progress
        fields = ["plan", "period", "status", "dipartimento", "programma", "q"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        entes = user_entes(user)
        self.filters["plan"].queryset = Plan.objects.filter(ente__in=entes)
        self.filters["period"].queryset = MonitoringPeriod.objects.filter(
            ente__in=entes
        ).select_related("plan")
        self.filters["dipartimento"].queryset = OrgUnit.objects.filter(
            ente__in=entes, kind=OrgUnit.Kind.DIPARTIMENTO
        )
        _bootstrap(self.form)

    def filter_text(self, queryset, name, value):
        return queryset.filter(
            Q(objective__code__icontains=value)
            | Q(objective__title__icontains=value)
            | Q(responsible__full_name__icontains=value)
        )
