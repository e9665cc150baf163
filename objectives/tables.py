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
    """Every objective of an uploaded file as it would be stored, with its rows' problems."""

    lines = tables.Column(verbose_name=_("Righe"), orderable=False)
    code = tables.Column(verbose_name=_("Codice"), orderable=False)
    objective = tables.TemplateColumn(
        template_name="objectives/_preview_objective.html",
        verbose_name=_("Obiettivo"),
        orderable=False,
        accessor="title",
    )
    responsible = tables.Column(verbose_name=_("Responsabile"), orderable=False)
    weight = tables.TemplateColumn(
        "{{ record.weight_text|default:'—' }}{% if record.weight is not None %}"
        " <span class='text-muted'>→ {{ record.weight }}</span>{% elif record.weight_text %}"
        " <span class='text-muted'>(prerequisito)</span>{% endif %}",
        verbose_name=_("Peso"),
        orderable=False,
    )
    programma = tables.TemplateColumn(
        "{{ record.programma|default:'—' }}{% if record.dup_warning %}"
        " <span class='text-warning' title='{{ record.dup_warning }}' role='img'"
        " aria-label='{{ record.dup_warning }}'>⚠</span>{% endif %}",
        verbose_name=_("Programma DUP"),
        orderable=False,
    )
    units = tables.Column(verbose_name=_("Unità"), orderable=False)
    indicators = tables.TemplateColumn(
        template_name="objectives/_preview_indicators.html",
        verbose_name=_("Indicatori e target"),
        orderable=False,
    )
    outcome = tables.TemplateColumn(
        template_name="objectives/_preview_outcome.html",
        verbose_name=_("Esito"),
        orderable=False,
        accessor="status",
    )

    class Meta:
        attrs = {"class": "table table-sm align-top", "data-testid": "preview-table"}
        row_attrs = {"data-status": lambda record: record["status"]}
        empty_text = _("Nessun obiettivo trovato nel file.")
