"""The dashboards' tables: each one also a CSV/XLSX export with the same columns."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _
from django_tables2.data import TableData, TableQuerysetData
from django_tables2.utils import OrderBy

from objectives.tables import NUMERIC, PercentColumn, PlanTable

ATTRS = {"class": "table table-sm table-hover align-middle piao-dashboard-table"}


def _link(field: str):
    return lambda record: record[field]


class NumberColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", NUMERIC)
        super().__init__(*args, **kwargs)


class GroupScoreTable(tables.Table):
    """Dipartimenti, programmes or missions: score, coverage, reports, drill-down."""

    label = tables.Column(verbose_name=_("Voce"), linkify=_link("url"))
    score = PercentColumn(verbose_name=_("Punteggio"))
    coverage = PercentColumn(verbose_name=_("Peso misurato"))
    reports = NumberColumn(verbose_name=_("Avanzamenti"))
    reported = PercentColumn(verbose_name=_("Inviati"))
    validated = PercentColumn(verbose_name=_("Validati"))
    at_risk = NumberColumn(verbose_name=_("A rischio"))

    class Meta:
        attrs = ATTRS
        template_name = "reporting/tables/group_scores.html"  # keep in step with the columns
        empty_text = _("Nessun avanzamento nel periodo.")
        orderable = True


class ResponsibleScoreTable(tables.Table):
    """Each responsible's score per weight group, with the pay band it falls in."""

    label = tables.Column(verbose_name=_("Dirigente / EQ"), linkify=_link("dashboard_url"))
    section = tables.Column(verbose_name=_("Gruppo di peso"))
    score = PercentColumn(verbose_name=_("Punteggio"), linkify=_link("url"))
    coverage = PercentColumn(verbose_name=_("Peso misurato"))
    reports = NumberColumn(verbose_name=_("Avanzamenti"))
    reported = PercentColumn(verbose_name=_("Inviati"))
    validated = PercentColumn(verbose_name=_("Validati"))
    at_risk = NumberColumn(verbose_name=_("A rischio"))
    pay_band = tables.Column(verbose_name=_("Fascia di risultato"))
    note = tables.Column(verbose_name=_("Note"), orderable=False)

    class Meta:
        attrs = ATTRS
        template_name = "reporting/tables/responsible_scores.html"  # keep in step with the columns
        empty_text = _("Nessun responsabile con avanzamenti nel periodo.")


class TrendTable(tables.Table):
    label = tables.Column(verbose_name=_("Periodo"), orderable=False)
    score = PercentColumn(verbose_name=_("Punteggio"), orderable=False)
    coverage = PercentColumn(verbose_name=_("Peso misurato"), orderable=False)
    reports = NumberColumn(verbose_name=_("Avanzamenti"), orderable=False)
    reported = PercentColumn(verbose_name=_("Inviati"), orderable=False)
    validated = PercentColumn(verbose_name=_("Validati"), orderable=False)

    class Meta:
        attrs = ATTRS
        template_name = "reporting/tables/trend.html"  # keep in step with the columns
        empty_text = _("Il piano non ha periodi di monitoraggio.")


class ProgressScoreTable(tables.Table):
    """Reports of the late and at-risk lists (a queryset from reporting.scoring)."""

    code = tables.Column(accessor="objective__code", verbose_name=_("Codice"))
    objective = tables.Column(
        accessor="objective__title",
        verbose_name=_("Obiettivo"),
        linkify=("objectives:objective_detail", [tables.A("objective_id")]),
    )
    responsible = tables.Column(accessor="responsible__full_name", verbose_name=_("Responsabile"))
    status = tables.Column(accessor="status_label", verbose_name=_("Stato"), order_by="status")
    achievement = PercentColumn(verbose_name=_("Raggiungimento"))
    source = tables.Column(accessor="source_label", verbose_name=_("Fonte"), orderable=False)

    class Meta:
        attrs = ATTRS
        template_name = "reporting/tables/progress_scores.html"  # keep in step with the columns
        empty_text = _("Nessuno.")
        order_by = ("code",)


class CountedRows(TableQuerysetData):
    """A queryset whose number of rows is already known (from the dashboard's aggregates), so
    that the paginator does not count it again."""

    def __init__(self, queryset, count: int):
        super().__init__(queryset)
        self._length = count


class PartTable(tables.Table):
    """The reports behind a figure: how each weighs, what it scores, how much it adds.

    Sortable by the columns the database can sort (see `PartPages`); share, band, contribution
    and note are worked out per page and are not."""

    code = tables.Column(verbose_name=_("Codice"), linkify=_link("url"), order_by="objective__code")
    title = tables.Column(
        verbose_name=_("Obiettivo"), linkify=_link("url"), order_by="objective__title"
    )
    responsible = tables.Column(
        verbose_name=_("Responsabile"), order_by=("responsible__full_name", "responsible_id")
    )
    section = tables.Column(verbose_name=_("Gruppo"), order_by="objective__section")
    status = tables.Column(verbose_name=_("Stato"), order_by="status")
    weight_text = tables.Column(verbose_name=_("Peso"), order_by="objective__weight")
    share = PercentColumn(verbose_name=_("Quota del gruppo"), orderable=False)
    achievement = PercentColumn(verbose_name=_("Raggiungimento"), order_by="achievement")
    source = tables.Column(verbose_name=_("Fonte"), order_by="achievement_source")
    band = tables.Column(verbose_name=_("Fascia applicata"), orderable=False)
    score = PercentColumn(verbose_name=_("Punteggio"), order_by="score")
    contribution = PercentColumn(verbose_name=_("Contributo (punti)"), orderable=False)
    note = tables.Column(verbose_name=_("Note"), orderable=False)

    class Meta:
        attrs = ATTRS
        empty_text = _("Nessun avanzamento dietro questa cifra.")


class PartPages(TableData):
    """A PartTable's rows read a page at a time from `reporting.scoring.Parts`: the paginator's
    count is one COUNT, its page one query, and sorting is done by the database."""

    def __init__(self, parts, to_rows):
        super().__init__(parts)
        self.to_rows = to_rows

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, key):
        return self.to_rows(self.data[key]) if isinstance(key, slice) else self[key : key + 1][0]

    def __iter__(self):
        return iter(self.to_rows(self.data))

    def order_by(self, aliases) -> None:
        fields = []
        for alias in aliases:
            column = self.table.columns[OrderBy(alias).bare]
            accessors = column.order_by
            if alias[0] != column.order_by_alias[0]:
                accessors = accessors.opposite
            fields += [str(accessor).replace(".", "__") for accessor in accessors]
        self.data = self.data.ordered(*fields)


class DashboardPlanTable(PlanTable):
    """The plans whose dashboard the user may open."""

    title = tables.Column(
        verbose_name=_("Piano"), linkify=("reporting:dashboard_plan", [tables.A("pk")])
    )

    class Meta(PlanTable.Meta):
        attrs = {"class": "table table-hover", "data-testid": "dashboard-plans"}
