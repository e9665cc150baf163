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
