import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from objectives.models import Plan


class PlanTable(tables.Table):
    ente = tables.Column(accessor="ente__name", verbose_name=_("Ente"))
    title = tables.Column(verbose_name=_("Piano"))
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
