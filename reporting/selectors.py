"""Reads that feed the exports and, later, the dashboards."""

from django.db.models import Prefetch, QuerySet

from objectives.models import Indicator, Objective, Plan, Progress, Target


def plan_objectives(plan: Plan, *, with_progress: bool = False) -> QuerySet[Objective]:
    """Every objective of the plan with what an export shows, in a fixed number of queries."""
    prefetches = [
        "org_units",
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
    return (
        Objective.objects.filter(plan=plan)
        .select_related("programma", "dirigente", "eq", "parent")
        .prefetch_related(*prefetches)
        .order_by("order", "id")
    )
