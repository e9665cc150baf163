import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_tables2.data import TableListData

from objectives.models import Plan
from piao.formatting import format_percent

NUMERIC = {"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}}


class PlanTable(tables.Table):
    ente = tables.Column(accessor="ente__name", verbose_name=_("Ente"))
    title = tables.Column(
        verbose_name=_("Piano"), linkify=("objectives:plan_detail", [tables.A("pk")])
    )
    years = tables.TemplateColumn(
        "{{ record.first_year }}–{{ record.last_year }}",
        verbose_name=_("Anni"),
        order_by=("first_year", "last_year"),
    )
    status = tables.Column(verbose_name=_("Stato"))
    n_objectives = tables.Column(verbose_name=_("Obiettivi"), attrs={"td": {"class": "text-end"}})

    class Meta:
        model = Plan
        fields = ["ente", "title", "years", "status", "n_objectives"]
        attrs = {"class": "table table-hover", "data-testid": "plan-table"}
        empty_text = _("Nessun piano per i tuoi enti.")


STATUS_BADGE = {
    "bozza": "bg-secondary",
    "inviato": "bg-primary",
    "verificato": "bg-warning text-dark",
    "validato": "bg-success",
}


class PercentColumn(tables.Column):
    """A percentage, Italian style ("85,5%"), right-aligned."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", NUMERIC)
        super().__init__(*args, **kwargs)

    def render(self, value) -> str:
        return format_percent(value)


class ProgressTable(tables.Table):
    """A report line: objective, plan, period, status and its three figures."""

    code = tables.Column(accessor="objective__code", verbose_name=_("Codice"))
    objective = tables.Column(
        accessor="objective__title",
        verbose_name=_("Obiettivo"),
        linkify=lambda record: reverse("objectives:progress_detail", args=[record.pk]),
    )
    plan = tables.Column(accessor="objective__plan__title", verbose_name=_("Piano"))
    period = tables.Column(accessor="period__name", verbose_name=_("Periodo"))
    responsible = tables.Column(accessor="responsible__full_name", verbose_name=_("Responsabile"))
    status = tables.Column(verbose_name=_("Stato"))
    computed = PercentColumn(accessor="computed_achievement", verbose_name=_("Calcolato"))
    declared = PercentColumn(accessor="declared_achievement", verbose_name=_("Dichiarato"))
    validated = PercentColumn(accessor="validated_achievement", verbose_name=_("Validato NdV"))

    class Meta:
        attrs = {"class": "table table-hover align-middle"}
        empty_text = _("Nessun avanzamento.")
        sequence = [
            "code",
            "objective",
            "plan",
            "period",
            "responsible",
            "status",
            "computed",
            "declared",
            "validated",
        ]

    def render_objective(self, value: str) -> str:
        return value if len(value) <= 90 else value[:89] + "…"

    def render_status(self, record) -> str:
        return format_html(
            '<span class="badge {}">{}</span>',
            STATUS_BADGE.get(record.status, "bg-secondary"),
            record.get_status_display(),
        )


class TodoTable(ProgressTable):
    what = tables.Column(empty_values=(), verbose_name=_("Da fare"), orderable=False)
    due = tables.Column(accessor="period__due_date", verbose_name=_("Scadenza"))

    class Meta(ProgressTable.Meta):
        sequence = [
            "what",
            "due",
            "code",
            "objective",
            "plan",
            "period",
            "status",
            "computed",
            "declared",
            "validated",
        ]
        exclude = ["responsible"]
        empty_text = _("Niente da fare: sei in pari.")

    def render_what(self, record) -> str:
        if record.status == "validato":
            return _("Prendere visione del validato")
        if record.return_note:
            return format_html("<strong>{}</strong>", _("Correggere e rinviare"))
        return _("Compilare e inviare")

    def render_due(self, value) -> str:
        return value.strftime("%d/%m/%Y") if value else "—"


class ValidationQueueTable(ProgressTable):
    select = tables.CheckBoxColumn(
        accessor="pk",
        attrs={
            "th__input": {"aria-label": _("Seleziona tutti")},
            "td__input": {"name": "progress", "form": "bulk-validate"},
        },
        orderable=False,
    )
    evidence = tables.BooleanColumn(accessor="has_evidence", verbose_name=_("Evidenze"))

    class Meta(ProgressTable.Meta):
        sequence = [
            "select",
            "code",
            "objective",
            "plan",
            "period",
            "responsible",
            "status",
            "computed",
            "declared",
            "evidence",
            "validated",
        ]


class PeriodTable(tables.Table):
    plan = tables.Column(accessor="plan__title", verbose_name=_("Piano"))
    ente = tables.Column(accessor="ente__name", verbose_name=_("Ente"))
    name = tables.Column(verbose_name=_("Periodo"))
    reference_date = tables.DateColumn(format="d/m/Y", verbose_name=_("Data di riferimento"))
    due_date = tables.DateColumn(format="d/m/Y", verbose_name=_("Scadenza invio"))
    is_open = tables.BooleanColumn(verbose_name=_("Aperto"))
    n_reports = tables.Column(verbose_name=_("Avanzamenti"), attrs=NUMERIC)
    n_sent = tables.Column(verbose_name=_("Inviati o oltre"), attrs=NUMERIC)
    actions = tables.TemplateColumn(
        template_name="objectives/_period_actions.html",
        verbose_name=_("Azioni"),
        orderable=False,
    )

    class Meta:
        attrs = {"class": "table table-hover align-middle", "data-testid": "period-table"}
        empty_text = _("Nessun periodo: aggiungine uno al piano nell'amministrazione.")


class ImportPreviewTable(tables.Table):
    """Every objective of an uploaded file as it would be stored, with its rows' problems.

    The cells are prepared by `objectives.plan_import.preview.preview_rows`: one template per
    cell would make a preview of a thousand objectives slow to render.
    """

    lines = tables.Column(verbose_name=_("Righe"), orderable=False)
    code = tables.Column(verbose_name=_("Codice"), orderable=False)
    title = tables.Column(
        verbose_name=_("Obiettivo"),
        orderable=False,
        attrs={"td": {"title": lambda record: record["description"][:500]}},
    )
    responsible = tables.Column(verbose_name=_("Responsabile"), orderable=False)
    weight_display = tables.Column(verbose_name=_("Peso"), orderable=False)
    programma_display = tables.Column(
        verbose_name=_("Programma DUP"),
        orderable=False,
        attrs={"td": {"title": lambda record: record["dup_warning"]}},
    )
    units = tables.Column(verbose_name=_("Unità"), orderable=False)
    indicators = tables.Column(verbose_name=_("Indicatori e target"), orderable=False)
    outcome = tables.Column(
        verbose_name=_("Esito"),
        orderable=False,
        attrs={"td": {"class": lambda record: f"piao-import-{record['status']} small"}},
    )

    class Meta:
        attrs = {"class": "table table-sm align-top", "data-testid": "preview-table"}
        row_attrs = {"data-status": lambda record: record["status"]}
        empty_text = _("Nessun obiettivo trovato nel file.")


LINES = {"td": {"class": "piao-lines small"}}


class LazyRowsData(TableListData):
    """Table data that builds only the rows of the page shown (django-tables2 would otherwise
    make a list of every row): one COUNT and one slice of the queryset."""

    def __init__(self, rows) -> None:
        self.data = rows


def _plan_page_column(column) -> tables.Column:
    if column.key == "code":
        return tables.Column(
            verbose_name=column.header,
            linkify=lambda record: reverse("objectives:objective_detail", args=[record["pk"]]),
        )
    if column.kind == "percent":
        return PercentColumn(verbose_name=column.header)
    return tables.Column(verbose_name=column.header, attrs=LINES if column.wrap else {})


class ObjectiveTable(tables.Table):
    """The plan page: the seeds' columns as objectives.plan_table declares them (the same
    declaration feeds the CSV, the XLSX and the PDF), one row per objective."""

    class Meta:
        attrs = {"class": "table table-sm align-top", "data-testid": "objective-table"}
        row_attrs = {"data-code": lambda record: record["code"]}
        orderable = False
        empty_text = _("Nessun obiettivo corrisponde ai filtri.")

    def __init__(self, data, *, columns, **kwargs):
        """`columns`: `plan_columns(plan, page=True)`."""
        extra = [(c.key, _plan_page_column(c)) for c in columns]
        super().__init__(data, extra_columns=extra, sequence=[c.key for c in columns], **kwargs)
