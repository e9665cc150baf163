"""Weight groups: each objective's share of the total weight of its responsible.

A weight group is plan + responsible + section. An ordinary objective belongs to the group of its
responsible (the dirigente, or the EQ when no dirigente is named); a cross-cutting objective belongs
to the group of every assignee. A plan whose weights are percentages expects every group to add up
to 100: a group that does not is reported, never rescaled.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from objectives.models import Objective, Plan
from objectives.rules import prerequisite_q, responsible_ids  # noqa: F401 (responsible_ids: here since before)
from piao.formatting import format_percent

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class GroupKey:
    plan_id: int
    person_id: int
    section: str


@dataclass(frozen=True)
class WeightGroup:
    key: GroupKey
    person_name: str
    total: Decimal
    objectives: int
    prerequisites: int
    must_total_100: bool

    @property
    def is_balanced(self) -> bool:
        return not self.must_total_100 or self.total == HUNDRED

    @property
    def section_label(self) -> str:
        return str(Objective.Section(self.key.section).label)

    @property
    def warning(self) -> str:
        if self.is_balanced:
            return ""
        return _("I pesi di %(person)s (%(section)s) sommano %(total)s invece di 100%%.") % {
            "person": self.person_name,
            "section": self.section_label,
            "total": format_percent(self.total),
        }

    def share_of(self, weight: Decimal | None) -> Decimal | None:
        """The percent share of one weight in this group; None for a weightless objective."""
        if weight is None or not self.total:
            return None
        return (weight / self.total * HUNDRED).quantize(Decimal("0.01"))


def weight_groups(
    plans: Iterable[Plan] | Iterable[int], *, people: Iterable[int] | None = None
) -> dict[GroupKey, WeightGroup]:
    """Every weight group of the plans (or only those of `people`), in two aggregate queries
    whatever their size."""
    plan_ids = [p if isinstance(p, int) else p.pk for p in plans]
    person_filter = {} if people is None else {"person_id__in": list(people)}
    totals: dict[GroupKey, dict] = {}

    own = (
        Objective.objects.filter(plan_id__in=plan_ids, assignees__isnull=True)
        .annotate(
            person_id=Coalesce("dirigente_id", "eq_id"),
            person_name=Coalesce("dirigente__full_name", "eq__full_name"),
        )
        .filter(person_id__isnull=False, **person_filter)
        .values("plan_id", "person_id", "person_name", "section", "plan__weight_mode")
        .annotate(
            total=Sum("weight"),
            n=Count("id"),
            prereq=Count("id", filter=prerequisite_q()),
        )
        .order_by()
    )
    shared = (
        Objective.assignees.through.objects.filter(objective__plan_id__in=plan_ids, **person_filter)
        .values(
            "objective__plan_id",
            "person_id",
            "person__full_name",
            "objective__section",
            "objective__plan__weight_mode",
        )
        .annotate(
            total=Sum("objective__weight"),
            n=Count("objective_id"),
            prereq=Count("objective_id", filter=prerequisite_q("objective__")),
        )
        .order_by()
    )
    rows = [
        (r["plan_id"], r["person_id"], r["person_name"], r["section"], r["plan__weight_mode"], r)
        for r in own
    ] + [
        (
            r["objective__plan_id"],
            r["person_id"],
            r["person__full_name"],
            r["objective__section"],
            r["objective__plan__weight_mode"],
            r,
        )
        for r in shared
    ]
    for plan_id, person_id, name, section, mode, row in rows:
        key = GroupKey(plan_id, person_id, section)
        acc = totals.setdefault(
            key,
            {"name": name, "total": Decimal(0), "n": 0, "prereq": 0, "mode": mode},
        )
        acc["total"] += row["total"] or Decimal(0)
        acc["n"] += row["n"]
        acc["prereq"] += row["prereq"]
    return {
        key: WeightGroup(
            key=key,
            person_name=acc["name"],
            total=acc["total"],
            objectives=acc["n"],
            prerequisites=acc["prereq"],
            must_total_100=acc["mode"] == Plan.WeightMode.PERCENT,
        )
        for key, acc in totals.items()
    }


def objective_groups(
    objective: Objective, groups: dict[GroupKey, WeightGroup]
) -> list[WeightGroup]:
    return [
        groups[key]
        for person_id in responsible_ids(objective)
        if (key := GroupKey(objective.plan_id, person_id, objective.section)) in groups
    ]


def weight_share(objective: Objective, groups: dict[GroupKey, WeightGroup]) -> Decimal | None:
    """The objective's share of its group; for a cross-cutting one, the share they all have.

    None when the objective has no weight, no responsible, or its assignees' shares differ.
    """
    shares = {group.share_of(objective.weight) for group in objective_groups(objective, groups)}
    return shares.pop() if len(shares) == 1 else None
