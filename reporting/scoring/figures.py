"""Aggregate figures: responsibles in their weight groups, dipartimenti, DUP programmes and
missions, the ente, and the trend over periods, each in a fixed number of queries."""

from collections.abc import Hashable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    F,
    FloatField,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Cast
from django.db.models.lookups import LessThan

from objectives.models import MonitoringPeriod, Objective, Plan, Programma, Progress
from objectives.rules import (
    NO_KEY,
    SUBMITTED,
    measured_q,
    progress_in_dipartimento_q,
    with_dipartimento,
)
from objectives.weights import GroupKey, weight_groups
from organisation.models import OrgUnit, Person
from reporting.scoring.rules import (
    HUNDRED,
    VERIFIED,
    ZERO,
    PayBand,
    PeriodRules,
    Rules,
    Status,
    _dec,
    _percent,
)
from reporting.scoring.sql import PREREQUISITE, WEIGHTED, Scope, _base, _figures_sql

# -- figures --------------------------------------------------------------------------------


@dataclass
class Score:
    """A weighted achievement and what it is made of, in counts and weight shares.

    Weights are shares: each report weighs its objective's percent share of its weight group.
    `weight_total` sums the weighted reports in scope, `weight_measured` those with an
    achievement, `weight_counted` those in the denominator (the measured ones, or all of them
    when the rules count unreported objectives as zero).
    """

    value: Decimal | None = None
    weight_total: Decimal = ZERO
    weight_measured: Decimal = ZERO
    weight_counted: Decimal = ZERO
    reports: int = 0
    reported: int = 0
    verified: int = 0
    validated: int = 0
    measured: int = 0
    at_risk: int = 0
    prerequisites: int = 0
    prerequisites_unmet: int = 0
    gated: bool = False
    pay_band: PayBand | None = None
    weighted_score: Decimal = ZERO  # the numerator: sum of share x score

    @property
    def coverage(self) -> Decimal | None:
        """The share of the weight in scope that has an achievement (percent)."""
        if not self.weight_total:
            return None
        return _percent(self.weight_measured / self.weight_total * HUNDRED)

    @property
    def drafts(self) -> int:
        return self.reports - self.reported

    def share(self, part: int) -> Decimal | None:
        """`part` reports as a percent of the reports in scope."""
        return _percent(Decimal(part) / self.reports * HUNDRED) if self.reports else None


@dataclass
class ResponsibleScore:
    """A responsible's score in one weight group (plan + responsible + section)."""

    person_id: int
    name: str
    section: str
    score: Score
    group_total: Decimal
    balanced: bool

    @property
    def section_label(self) -> str:
        return str(Objective.Section(self.section).label)

    @property
    def scope(self) -> Scope:
        return Scope(responsible_id=self.person_id, section=self.section)


@dataclass
class GroupScore:
    """The score of a dipartimento, a programme or a mission (key 0: none)."""

    key: int
    code: str
    name: str
    score: Score

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}".strip()


@dataclass
class PlanScores:
    plan: Plan
    period: MonitoringPeriod
    rules: Rules
    ente: Score
    responsibles: list[ResponsibleScore]
    dipartimenti: list[GroupScore]
    programmi: list[GroupScore]
    missioni: list[GroupScore]


# The sums each aggregate row carries, in this order (weights still in points).
SUMS = (
    "reports",
    "reported",
    "verified",
    "validated",
    "measured",
    "at_risk",
    "prerequisites",
    "prerequisites_unmet",
)


@dataclass(frozen=True)
class _Row:
    """One line of an aggregate query: a weight group's reports in one period and one key
    (a programme, or a dipartimento)."""

    group: GroupKey
    period_id: int
    key: int | None
    labels: tuple
    counts: tuple[int, ...]
    w_all: float
    w_measured: float
    w_score: float


def _sums(rules: Rules) -> dict:
    _achievement, _source, capped, score = _figures_sql(rules)
    weight = Cast("objective__weight", FloatField())
    measured = measured_q()
    met_at = rules.met_at_sql()
    risk = rules.at_risk_sql()
    floats = {"output_field": FloatField()}
    return {
        "reports": Count("id"),
        "reported": Count("id", filter=Q(status__in=SUBMITTED)),
        "verified": Count("id", filter=Q(status__in=VERIFIED)),
        "validated": Count("id", filter=Q(status=Status.VALIDATO)),
        "measured": Count("id", filter=measured),
        "at_risk": Count("id", filter=Q(LessThan(capped, risk))),
        "prerequisites": Count("id", filter=PREREQUISITE),
        "prerequisites_unmet": Count("id", filter=PREREQUISITE & Q(LessThan(capped, met_at))),
        "w_all": Sum(weight, filter=WEIGHTED, **floats),
        "w_measured": Sum(weight, filter=WEIGHTED & measured, **floats),
        "w_score": Sum(weight * score, filter=WEIGHTED & measured, **floats),
    }


GROUP_FIELDS = ("period_id", "responsible_id", "objective__section")


def _rows(
    plan: Plan, queryset: QuerySet[Progress], rules: Rules, key: str | None, labels: bool = False
) -> list[_Row]:
    """The aggregate grouped by ids only (grouping on names and labels costs the database more
    than looking them up after); `labels`: the key is a programme, whose code and name and
    mission come from one more small query."""
    fields = GROUP_FIELDS + ((key,) if key else ())
    found = list(queryset.values(*fields).annotate(**_sums(rules)).order_by())
    label_of: dict = {}
    if labels:
        ids = {r[key] for r in found if r[key]}
        label_of = {
            pk: rest
            for pk, *rest in Programma.objects.filter(pk__in=ids).values_list(
                "pk", *PROGRAMME_LABELS
            )
        }
    nothing = (None,) * len(PROGRAMME_LABELS) if labels else ()
    result = []
    for r in found:
        result.append(
            _Row(
                group=GroupKey(plan.pk, r["responsible_id"], r["objective__section"]),
                period_id=r["period_id"],
                key=r[key] if key else None,
                labels=tuple(label_of.get(r[key], nothing)) if labels else (),
                counts=tuple(r[name] for name in SUMS),
                w_all=r["w_all"] or 0.0,
                w_measured=r["w_measured"] or 0.0,
                w_score=r["w_score"] or 0.0,
            )
        )
    return result


PROGRAMME_LABELS = ("code", "name", "missione_id", "missione__code", "missione__name")


def _aggregate(plan: Plan, periods: Q, scope: Scope | None, rules: Rules) -> list[_Row]:
    """Two queries: per period, weight group and DUP programme, the sums; the programmes'
    labels."""
    return _rows(plan, _base(plan, periods, scope), rules, "objective__programma_id", labels=True)


def _aggregate_dipartimenti(
    plan: Plan, periods: Q, scope: Scope | None, rules: Rules
) -> list[_Row]:
    """Per period, weight group and dipartimento, the sums (two queries): each report counts in
    every dipartimento it belongs to (objectives.rules: its objective's units walked up, or its
    responsible's posts when the objective names no unit), NO_KEY when it belongs to none."""
    base = _base(plan, periods, scope)
    rows = _rows(plan, with_dipartimento(base), rules, "dipartimento")
    nowhere = base.filter(progress_in_dipartimento_q(NO_KEY, plan.ente_id))
    for row in _rows(plan, nowhere, rules, None):
        rows.append(
            _Row(
                row.group,
                row.period_id,
                NO_KEY,
                (),
                row.counts,
                row.w_all,
                row.w_measured,
                row.w_score,
            )
        )
    return rows


class _Accumulator:
    """Adds up aggregate rows into Scores, each weight turned into a share of its group."""

    def __init__(self, rules: Rules, totals: dict[GroupKey, Decimal], gated: set[GroupKey]):
        self.zero = rules.unreported == "zero"
        self.factor = {key: 100.0 / float(total) for key, total in totals.items() if total}
        self.gated = gated
        self.sums: dict = {}

    def add(self, key: Hashable, row: _Row) -> None:
        acc = self.sums.get(key)
        if acc is None:
            acc = self.sums[key] = [0] * len(SUMS) + [0.0, 0.0, 0.0, 0.0, False]
        for index, value in enumerate(row.counts):
            acc[index] += value
        factor = self.factor.get(row.group)
        if factor is None:
            return
        n = len(SUMS)
        w_all, w_measured = row.w_all * factor, row.w_measured * factor
        acc[n] += w_all
        acc[n + 1] += w_measured
        acc[n + 2] += w_all if self.zero else w_measured
        if row.group in self.gated:
            acc[n + 4] = True
        else:
            acc[n + 3] += row.w_score * factor

    def figures(self) -> list:
        return list(self.sums)

    def finish(self, key: Hashable) -> Score:
        """The score with its value worked out."""
        acc = self.sums.get(key)
        if acc is None:
            return Score()
        n = len(SUMS)
        score = Score(**dict(zip(SUMS, acc[:n], strict=True)))
        score.weight_total = _dec(acc[n])
        score.weight_measured = _dec(acc[n + 1])
        score.weight_counted = _dec(acc[n + 2])
        score.weighted_score = _dec(acc[n + 3])
        score.gated = acc[n + 4]
        if score.weight_counted:
            score.value = _percent(score.weighted_score / score.weight_counted)
        return score


def _gated_groups(plan: Plan, periods: Q, rules: Rules) -> set[tuple[GroupKey, int]]:
    """(group, period) pairs with a measured pre-requisite under the bar, when the rules gate.

    Looked up over the whole group, whatever the scope: a pre-requisite in another dipartimento
    still gates the responsible's score (one query).
    """
    gating = rules.gate_q()
    if gating is None:
        return set()
    _achievement, _source, capped, _score = _figures_sql(rules)
    unmet = (
        _base(plan, periods, None)
        .filter(PREREQUISITE, gating)
        .annotate(capped=capped)
        .filter(LessThan(F("capped"), rules.met_at_sql()))
        .values_list("responsible_id", "objective__section", "period_id")
        .order_by()
        .distinct()
    )
    return {(GroupKey(plan.pk, person, section), period) for person, section, period in unmet}


def _group_totals(
    plan: Plan,
) -> tuple[dict[GroupKey, Decimal], dict[GroupKey, bool], dict[int, str]]:
    """Each weight group's total and whether it adds up as it should; the people's names."""
    groups = weight_groups([plan.pk])
    return (
        {key: g.total for key, g in groups.items()},
        {key: g.is_balanced for key, g in groups.items()},
        {key.person_id: g.person_name for key, g in groups.items()},
    )


def _gated_for_period(gated: set, period_id: int) -> set[GroupKey]:
    return {group for group, pid in gated if pid == period_id}


def plan_scores(
    plan: Plan,
    period: MonitoringPeriod,
    scope: Scope | None = None,
    *,
    with_dipartimenti: bool = True,
) -> PlanScores:
    """Every figure of a dashboard: the ente, each responsible's groups, dipartimenti,
    programmes and missions, in eight queries whatever the plan's size."""
    rules = Rules.for_period(period, plan)
    totals, balanced, names = _group_totals(plan)  # two queries
    rows = _aggregate(plan, Q(period=period), scope, rules)  # two queries
    units = (
        _aggregate_dipartimenti(plan, Q(period=period), scope, rules) if with_dipartimenti else []
    )  # two
    gated = _gated_for_period(_gated_groups(plan, Q(period=period), rules), period.pk)  # one
    return _plan_scores(plan, period, rules, totals, balanced, gated, rows, units, names)


def plan_scores_with_trend(
    plan: Plan,
    period: MonitoringPeriod,
    scope: Scope | None = None,
    *,
    with_dipartimenti: bool = True,
) -> tuple[PlanScores, list["PeriodScore"]]:
    """`plan_scores` of the period and `trend` of the plan from one aggregate over all periods
    (nine queries whatever the plan's size); each period with its own rules."""
    periods = _periods(plan)
    each = PeriodRules.for_periods(plan, periods)
    rules = Rules.for_period(period, plan)
    totals, balanced, names = _group_totals(plan)
    rows = _aggregate(plan, Q(period__plan=plan), scope, each)
    units = (
        _aggregate_dipartimenti(plan, Q(period=period), scope, rules) if with_dipartimenti else []
    )
    gated = _gated_groups(plan, Q(period__plan=plan), each)
    scores = _plan_scores(
        plan,
        period,
        rules,
        totals,
        balanced,
        _gated_for_period(gated, period.pk),
        [row for row in rows if row.period_id == period.pk],
        units,
        names,
    )
    return scores, _trend(periods, each, totals, gated, rows)


def responsible_scores(
    plan: Plan, period: MonitoringPeriod, person_id: int
) -> tuple[PlanScores, "Score", list["PeriodScore"]]:
    """A responsible's own figures (`plan_scores` scoped to them, without dipartimenti, and
    their `trend`) and the ente's score in the period, all from one aggregate over every period
    of the plan (six queries whatever the plan's size): the aggregate's rows are per
    responsible, so the responsible's are picked from it. Each period with its own rules."""
    periods = _periods(plan)
    each = PeriodRules.for_periods(plan, periods)
    rules = Rules.for_period(period, plan)
    totals, balanced, names = _group_totals(plan)
    rows = _aggregate(plan, Q(period__plan=plan), None, each)
    gated = _gated_groups(plan, Q(period__plan=plan), each)
    period_gated = _gated_for_period(gated, period.pk)
    ente = _Accumulator(rules, totals, period_gated)
    for row in rows:
        if row.period_id == period.pk:
            ente.add("ente", row)
    mine = [row for row in rows if row.group.person_id == person_id]
    own = _plan_scores(
        plan,
        period,
        rules,
        totals,
        balanced,
        period_gated,
        [row for row in mine if row.period_id == period.pk],
        [],
        names,
    )
    return own, ente.finish("ente"), _trend(periods, each, totals, gated, mine)


def _plan_scores(
    plan: Plan,
    period: MonitoringPeriod,
    rules: Rules,
    totals: dict[GroupKey, Decimal],
    balanced: dict[GroupKey, bool],
    gated: set[GroupKey],
    rows: list[_Row],
    unit_rows: list[_Row],
    names: dict[int, str],
) -> PlanScores:
    acc = _Accumulator(rules, totals, gated)
    labels: dict[tuple[str, int], tuple[str, str]] = {}
    for row in rows:
        programma_id = row.key or NO_KEY
        missione_id = row.labels[2] or NO_KEY
        acc.add(("ente", 0), row)
        acc.add(("responsabile", row.group), row)
        acc.add(("programma", programma_id), row)
        acc.add(("missione", missione_id), row)
        if row.key:
            labels[("programma", programma_id)] = row.labels[:2]
            labels[("missione", missione_id)] = row.labels[3:]
    for row in unit_rows:
        acc.add(("dipartimento", row.key), row)
    unit_ids = [key for kind, key in acc.figures() if kind == "dipartimento" and key]
    for unit in OrgUnit.objects.filter(pk__in=unit_ids).only("code", "name"):  # one query
        labels[("dipartimento", unit.pk)] = (unit.code, unit.name)
    person_ids = {key.person_id for kind, key in acc.figures() if kind == "responsabile"}
    if not person_ids <= names.keys():  # a report whose responsible left every weight group
        names = dict(Person.objects.filter(pk__in=person_ids).values_list("pk", "full_name"))

    responsibles = []
    for kind, key in acc.figures():
        if kind == "responsabile":
            score = acc.finish((kind, key))
            score.pay_band = rules.pay_band_for(score.value)
            responsibles.append(
                ResponsibleScore(
                    person_id=key.person_id,
                    name=names[key.person_id],
                    section=key.section,
                    score=score,
                    group_total=totals.get(key, ZERO),
                    balanced=balanced.get(key, True),
                )
            )
    responsibles.sort(key=lambda r: (r.name, r.section))

    def grouped(kind: str, none_label: str) -> list[GroupScore]:
        result = [
            GroupScore(
                key=key,
                code=labels.get((kind, key), ("", none_label))[0] or "",
                name=labels.get((kind, key), ("", none_label))[1],
                score=acc.finish((k, key)),
            )
            for k, key in acc.figures()
            if k == kind
        ]
        return sorted(result, key=lambda g: (g.key == NO_KEY, g.code, g.name))

    return PlanScores(
        plan=plan,
        period=period,
        rules=rules,
        ente=acc.finish(("ente", 0)),
        responsibles=responsibles,
        dipartimenti=grouped("dipartimento", "Senza dipartimento"),
        programmi=grouped("programma", "Senza programma DUP"),
        missioni=grouped("missione", "Senza missione DUP"),
    )


# -- trend and lists ------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodScore:
    period: MonitoringPeriod
    score: Score


def trend(plan: Plan, scope: Scope | None = None) -> list[PeriodScore]:
    """The score in every period of the plan, oldest first, each with the period's own rules
    (six queries)."""
    periods = _periods(plan)
    each = PeriodRules.for_periods(plan, periods)
    totals, _balanced, _names = _group_totals(plan)
    rows = _aggregate(plan, Q(period__plan=plan), scope, each)
    gated = _gated_groups(plan, Q(period__plan=plan), each)
    return _trend(periods, each, totals, gated, rows)


def _periods(plan: Plan) -> list[MonitoringPeriod]:
    """The plan's periods, oldest first (one query)."""
    return list(MonitoringPeriod.objects.filter(plan=plan).order_by("reference_date"))


def _trend(
    periods: list[MonitoringPeriod],
    each: PeriodRules,
    totals: dict[GroupKey, Decimal],
    gated: set[tuple[GroupKey, int]],
    rows: list[_Row],
) -> list[PeriodScore]:
    result = []
    for period in periods:
        acc = _Accumulator(each.of(period.pk), totals, _gated_for_period(gated, period.pk))
        mine = [row for row in rows if row.period_id == period.pk]
        for row in mine:
            acc.add("all", row)
        result.append(PeriodScore(period, acc.finish("all")))
    return result
