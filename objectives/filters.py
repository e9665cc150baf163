import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from objectives.models import Missione, MonitoringPeriod, Objective, Plan, Programma, Progress
from objectives.rules import objective_in_dipartimento_q, progress_in_dipartimento_q
from organisation.access import user_entes
from organisation.models import OrgUnit, Person


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
        queryset=OrgUnit.objects.none(),
        method="filter_dipartimento",
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

    def filter_dipartimento(self, queryset, name, value):
        # The rule of the plan page and of the dashboards (objectives.rules).
        return queryset.filter(progress_in_dipartimento_q(value.pk, value.ente_id))

    def filter_text(self, queryset, name, value):
        return queryset.filter(
            Q(objective__code__icontains=value)
            | Q(objective__title__icontains=value)
            | Q(responsible__full_name__icontains=value)
        )


class ObjectiveFilter(django_filters.FilterSet):
    """Filters of the plan page: dipartimento/area, dirigente, EQ, DUP, section, kind, text.

    The same filter narrows the page's table and every download of it.
    """

    dipartimento = django_filters.ModelChoiceFilter(
        queryset=OrgUnit.objects.none(),
        method="filter_dipartimento",
        label=_("Dipartimento / Area"),
    )
    dirigente = django_filters.ModelChoiceFilter(
        queryset=Person.objects.none(), method="filter_dirigente", label=_("Dirigente")
    )
    eq = django_filters.ModelChoiceFilter(queryset=Person.objects.none(), label=_("EQ"))
    missione = django_filters.ModelChoiceFilter(
        field_name="programma__missione", queryset=Missione.objects.all(), label=_("Missione DUP")
    )
    programma = django_filters.ModelChoiceFilter(
        queryset=Programma.objects.none(), label=_("Programma DUP")
    )
    section = django_filters.ChoiceFilter(choices=Objective.Section.choices, label=_("Sezione"))
    kind = django_filters.ChoiceFilter(choices=Objective.Kind.choices, label=_("Tipo"))
    q = django_filters.CharFilter(method="filter_text", label=_("Cerca"))

    class Meta:
        model = Objective
        fields = [
            "dipartimento",
            "dirigente",
            "eq",
            "missione",
            "programma",
            "section",
            "kind",
            "q",
        ]

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        people = Person.objects.filter(ente=plan.ente_id)
        self.filters["dipartimento"].queryset = OrgUnit.objects.filter(
            ente=plan.ente_id, kind=OrgUnit.Kind.DIPARTIMENTO
        )
        self.filters["dirigente"].queryset = people
        self.filters["eq"].queryset = people
        self.filters["programma"].queryset = Programma.objects.filter(regions_only=False)
        _bootstrap(self.form)

    def filter_dipartimento(self, queryset, name, value):
        # The rule of the headings and of the dashboards (objectives.rules).
        return queryset.filter(objective_in_dipartimento_q(value.pk, self.plan.ente_id))

    def filter_dirigente(self, queryset, name, value):
        # A cross-cutting objective answers to each of its assignees.
        shared = Objective.assignees.through.objects.filter(
            person=value, objective__plan=self.plan
        ).values("objective_id")
        return queryset.filter(Q(dirigente=value) | Q(pk__in=shared))

    def filter_text(self, queryset, name, value):
        return queryset.filter(
            Q(code__icontains=value) | Q(title__icontains=value) | Q(description__icontains=value)
        )
