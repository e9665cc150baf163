"""Reads that feed the exports (the page's reads are objectives.selectors)."""

from django.db.models import Prefetch, QuerySet

from objectives.models import Indicator, Objective, Plan, Progress, Target
from objectives.rules import UNIT_PARENTS
from organisation.models import OrgUnit


def export_objectives(
    plan: Plan, *, with_progress: bool = False, only: QuerySet[Objective] | None = None
) -> QuerySet[Objective]:
    """Every objective of the plan (or of `only`, a filtered queryset of them) with what an
    export shows (parent, units in the org chart's order, assignees, indicators and targets,
    and with_progress its reports), in a fixed number of queries. The plan page's rows come
    from `objectives.selectors.plan_objectives`, whose units are in name order."""
    prefetches = [
        Prefetch("org_units", queryset=OrgUnit.objects.select_related(UNIT_PARENTS)),
        "assignees",
        Prefetch(
            "indicators",
            queryset=Indicator.objects.order_by("order", "id").prefetch_related(
                Prefetch("targets", queryset=Target.objects.order_by("year", "id"))
            ),
        ),
    ]
    if with_progress:
        prefetches.append(
            Prefetch(
                "progress",
                queryset=Progress.objects.select_related("period", "responsible").order_by(
                    "period__reference_date", "responsible__full_name"
                ),
            )
        )
    objectives = Objective.objects.filter(ente=plan.ente_id, plan=plan)
    if only is not None:
        objectives = objectives.filter(pk__in=only.values("pk"))
    return (
        objectives.select_related("programma", "dirigente", "eq", "parent")
        .prefetch_related(*prefetches)
        .order_by("order", "id")
    )
