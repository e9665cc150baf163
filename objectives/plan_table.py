"""The plan's table as the Giunta approves it: the seeds' columns, one row per objective.

One column list and one row builder feed the plan page's HTML table and, in reporting, the PDF
and the CSV of the same rows (the XLSX keeps the importer's one-row-per-indicator layout, whose
columns hold the same facts). Rows are built from objectives prefetched by
`objectives.selectors.plan_objectives`, so a page of rows costs a fixed number of queries.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from objectives.models import Objective, Plan
from objectives.rules import Posts, objective_dipartimenti
from objectives.weights import GroupKey, WeightGroup, weight_groups, weight_share
from organisation.models import OrgUnit
from piao.formatting import format_number, format_percent

NO_DIPARTIMENTO = _("Senza dipartimento / area")


@dataclass(frozen=True)
class PlanColumn:
    key: str
    header: str
    kind: str = "text"  # text | percent | number
    width: int = 18  # characters, for the XLSX and the PDF's relative widths
    wrap: bool = False  # several lines of text: wrapped on the page, in the XLSX and the PDF
    page: bool = True  # shown on the plan page
    export: bool = True  # written in the CSV, the XLSX and the PDF (netbox's exclude_from_export)


def plan_columns(plan: Plan, *, page: bool = False) -> list[PlanColumn]:
    """The seeds' columns, with one target column per year of the plan: those of the exports,
    or with `page` those of the plan page, which heads its rows by dipartimento/area instead of
    listing the objective's own area units."""
    columns = [
        PlanColumn("code", str(_("NR")), width=9),
        PlanColumn("group", str(_("Dipartimento / Area")), width=18, export=False),
        PlanColumn("area", str(_("Ambito organizzativo")), width=18, page=False),
        PlanColumn("servizio", str(_("Servizio")), width=16, wrap=True),
        PlanColumn("ufficio", str(_("Ufficio")), width=16, wrap=True),
        PlanColumn("responsible", str(_("Soggetto competente")), width=16),
        PlanColumn("eq", str(_("EQ")), width=14),
        PlanColumn("dup", str(_("Rif. DUP missione/programma")), width=16, wrap=True),
        PlanColumn("title", str(_("Finalità")), width=24, wrap=True),
        PlanColumn("description", str(_("Obiettivo")), width=32, wrap=True),
        PlanColumn("weight", str(_("Peso")), width=12),
        PlanColumn("weight_share", str(_("Quota del peso")), kind="percent", width=10),
        PlanColumn("indicators", str(_("Indicatore")), width=30, wrap=True),
        PlanColumn("baseline", str(_("Baseline")), width=14, wrap=True),
        *[
            PlanColumn(
                f"target_{year}", str(_("Target %(year)s") % {"year": year}), width=14, wrap=True
            )
            for year in plan.years
        ],
        PlanColumn("expected_result", str(_("Risultato atteso")), width=24, wrap=True),
        PlanColumn("deadline", str(_("Tempi")), width=16, wrap=True),
    ]
    return [c for c in columns if (c.page if page else c.export)]


def _units(objective: Objective, kind: str) -> str:
    return "; ".join(sorted(u.name for u in objective.org_units.all() if u.kind == kind))


def dipartimento_of(objective: Objective, posts: Posts) -> str:
    """The heading the objective is grouped under: its dipartimenti/aree (objectives.rules,
    the same rule as the dashboards': its units walked up, else its responsibles' posts)."""
    names = sorted({unit.name for unit in objective_dipartimenti(objective, posts)})
    return " / ".join(names) if names else str(NO_DIPARTIMENTO)


def _weight(objective: Objective, plan: Plan) -> str:
    if objective.weight_text:
        return objective.weight_text
    if objective.weight is None:
        return ""
    if plan.weights_must_total_100:
        return format_percent(objective.weight)
    return format_number(objective.weight)


def target_text(target) -> str:
    if target.text:
        return target.text
    if target.date:
        return target.date.strftime("%d/%m/%Y")
    comparator = "" if target.comparator in ("=", "yes") else f"{target.comparator} "
    return f"{comparator}{format_number(target.value)}" if target.value is not None else ""


def _baseline(indicator) -> str:
    if indicator.baseline_text:
        return indicator.baseline_text
    if indicator.baseline_value is None:
        return ""
    year = f" ({indicator.baseline_year})" if indicator.baseline_year else ""
    return f"{format_number(indicator.baseline_value)}{year}"


def objective_row(
    objective: Objective,
    plan: Plan,
    groups: dict[GroupKey, WeightGroup],
    posts: Posts | None = None,
) -> dict[str, object]:
    """One objective's cells under `plan_columns(plan)`, plus its group heading and pk.

    Several indicators go one per line in the indicator, baseline and target cells.
    """
    indicators = list(objective.indicators.all())
    assignees = sorted(p.full_name for p in objective.assignees.all())
    dirigente = objective.dirigente.full_name if objective.dirigente else ""
    row: dict[str, object] = {
        "pk": objective.pk,
        "group": dipartimento_of(objective, posts or Posts(plan.ente_id)),
        "code": objective.code,
        "area": _units(objective, OrgUnit.Kind.DIPARTIMENTO),
        "servizio": _units(objective, OrgUnit.Kind.SERVIZIO),
        "ufficio": _units(objective, OrgUnit.Kind.UFFICIO),
        "responsible": "; ".join(assignees) if assignees else dirigente,
        "eq": objective.eq.full_name if objective.eq else "",
        "dup": str(objective.programma) if objective.programma else objective.dup_text,
        "title": objective.title,
        "description": objective.description,
        "weight": _weight(objective, plan),
        "weight_share": weight_share(objective, groups),
        "indicators": "\n".join(i.description for i in indicators),
        "baseline": "\n".join(_baseline(i) for i in indicators),
        "expected_result": objective.expected_result,
        "deadline": objective.deadline_text
        or (objective.deadline.strftime("%d/%m/%Y") if objective.deadline else ""),
    }
    for year in plan.years:
        row[f"target_{year}"] = "\n".join(
            "; ".join(target_text(t) for t in i.targets.all() if t.year == year) for i in indicators
        ).strip("\n")
    return row


def plan_rows(
    plan: Plan,
    objectives: Iterable[Objective],
    groups: dict[GroupKey, WeightGroup] | None = None,
) -> list[dict[str, object]]:
    """The rows of `objectives` (prefetched with `plan_objectives`)."""
    groups = weight_groups([plan.pk]) if groups is None else groups
    posts = Posts(plan.ente_id)  # read only if an objective names no unit
    return [objective_row(objective, plan, groups, posts) for objective in objectives]


class LazyPlanRows(Sequence):
    """The rows of a queryset built only for the slice a table page shows.

    django-tables2 paginates any sequence: it asks its length (one COUNT) and one slice.
    """

    def __init__(self, plan: Plan, queryset) -> None:
        self.plan = plan
        self.queryset = queryset
        self._groups: dict | None = None
        self._count: int | None = None

    def __len__(self) -> int:
        if self._count is None:
            self._count = self.queryset.count()
        return self._count

    def __getitem__(self, index):
        if self._groups is None:
            self._groups = weight_groups([self.plan.pk])
        if isinstance(index, slice):
            return plan_rows(self.plan, self.queryset[index], self._groups)
        return plan_rows(self.plan, [self.queryset[index]], self._groups)[0]
