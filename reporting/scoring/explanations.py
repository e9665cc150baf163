"""One figure and the reports it is made of, whose contributions add up to it."""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Q,
    QuerySet,
)

from objectives.models import MonitoringPeriod, Objective, Plan, Progress
from objectives.rules import (
    Achievement,
    Source,
    achievement_of,
)
from objectives.weights import GroupKey
from reporting.scoring.figures import (
    Score,
    _Accumulator,
    _aggregate,
    _gated_for_period,
    _gated_groups,
    _group_totals,
)
from reporting.scoring.rules import HUNDRED, ZERO, Band, Rules, _dec, _percent
from reporting.scoring.sql import Scope, scored_progress

# -- explanations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """One report behind a figure: how it weighs and what it scores."""

    progress: Progress
    weight: Decimal | None
    share: Decimal | None  # percent of its weight group
    achievement: Decimal | None
    source: str | None
    capped: Decimal | None
    band: Band | None
    score: Decimal | None
    counted: bool
    gated: bool
    is_prerequisite: bool
    prerequisite_met: bool | None
    contribution: Decimal  # percentage points of the figure

    @property
    def source_label(self) -> str:
        return Source.label(self.source)

    @property
    def objective(self) -> Objective:
        return self.progress.objective


@dataclass
class Explanation:
    scope: Scope
    score: Score
    parts: Sequence[Part]
    rules: Rules
    steps: list[str] = field(default_factory=list)


EXPLANATION_ORDER = (
    "responsible__full_name",
    "objective__section",
    "objective__order",
    "objective_id",
)


class Parts(Sequence):
    """The parts of an explanation, built from the database only when read: `len()` is one
    COUNT, a slice one query for those reports (so a page of 50 costs the same whatever the
    figure's size), iterating reads them all in chunks."""

    def __init__(self, reports: QuerySet[Progress], build: Callable[[Progress], Part]) -> None:
        self.reports = reports
        self._build = build
        self._count: int | None = None

    def ordered(self, *fields: str) -> "Parts":
        """The same parts in another order (database fields, "-" for descending)."""
        return Parts(self.reports.order_by(*fields, "pk"), self._build)

    def __len__(self) -> int:
        if self._count is None:
            self._count = self.reports.count()
        return self._count

    def __getitem__(self, key: int | slice) -> Part | list[Part]:
        if isinstance(key, slice):
            return [self._build(progress) for progress in self.reports[key]]
        return self[key : key + 1][0]

    def __iter__(self) -> Iterator[Part]:
        return (self._build(progress) for progress in self.reports.iterator(chunk_size=2000))


def explain(
    plan: Plan, period: MonitoringPeriod, scope: Scope, *, lazy: bool = False
) -> Explanation:
    """One figure (the ente, or the scope's dipartimento, programme, mission or responsible's
    group) and every report behind it; the contributions add up to the figure.

    `.parts` is a list; with `lazy=True` a `Parts` sequence read a slice at a time (for pages).
    """
    rules = Rules.for_period(period, plan)
    totals, _balanced, _names = _group_totals(plan)
    rows = _aggregate(plan, Q(period=period), scope, rules)
    gated = _gated_for_period(_gated_groups(plan, Q(period=period), rules), period.pk)
    acc = _Accumulator(rules, totals, gated)
    for row in rows:
        acc.add("all", row)
    score = acc.finish("all")
    if scope.responsible_id is not None and score.value is not None:
        score.pay_band = rules.pay_band_for(score.value)

    def build(progress: Progress) -> Part:
        group = GroupKey(plan.pk, progress.responsible_id, progress.objective.section)
        total = totals.get(group) or ZERO
        weight = progress.objective.weight
        share = weight * HUNDRED / total if weight is not None and total else None
        if getattr(progress, "frozen_score", None) is not None:
            # The year is validated: the figures stored then, not recomputed.
            achievement = Achievement(_dec(progress.achievement), progress.achievement_source)
            value = achievement.value
            scored = _dec(progress.score)
            band = rules.band_for(_dec(progress.capped))
        else:
            achievement = achievement_of(progress)
            value = achievement.value
            scored, band = rules.apply(value) if value is not None else (None, None)
        is_prereq = progress.objective.is_prerequisite
        counted = share is not None and (value is not None or rules.unreported == "zero")
        contribution = ZERO
        if counted and score.weight_counted and group not in gated:
            contribution = share * (scored or ZERO) / score.weight_counted
        return Part(
            progress=progress,
            weight=weight,
            share=_percent(share) if share is not None else None,
            achievement=value,
            source=achievement.source,
            capped=rules.capped(value) if value is not None else None,
            band=band,
            score=scored,
            counted=counted,
            gated=group in gated,
            is_prerequisite=is_prereq,
            prerequisite_met=(
                rules.prerequisite_met(value) if is_prereq and value is not None else None
            ),
            contribution=_percent(contribution),
        )

    parts = Parts(scored_progress(plan, period, scope).order_by(*EXPLANATION_ORDER), build)
    return Explanation(scope=scope, score=score, parts=parts if lazy else list(parts), rules=rules)
