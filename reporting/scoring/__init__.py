"""Scores of a plan in a monitoring period: objectives, responsibles, units, programmes, the ente.

The one place where piao turns achievements into scores. It reads objectives and organisation
and writes nothing. Every figure is computed at read time with its period's rules
(`Rules.for_period`): an open period's are the plan's in force (objectives/scoring_rules.py), so
a change of the rules shows at once there; a closed period's are those recorded when it closed,
so a later change leaves its figures as they were. A year the NdV has validated is frozen: its
reports' figures are read from `reporting.models.FrozenResult`, stored at the validation.

Rules, in the order they apply to one progress report (one objective, one responsible, one
period):

1. **Achievement** = the NdV's validated % if there is one, else the declared % once the report
   has been submitted (a draft's declared figure is not yet a declaration), else the computed %.
   Its **source** is "validated", "declared" or "computed" (`Source`); none: not yet measured.
   This rule, what a pre-requisite is and which dipartimento a report counts in are decided in
   objectives/rules.py (each in Python and in SQL, tested to agree) and only used here.
2. **Cap**: the achievement is capped at `plan.achievement_cap` (100 unless the SMVP says
   otherwise).
3. **Band**: the capped achievement falls in one of the rules' bands, which gives the **score**
   that counts (a fixed figure, or the achievement itself when the band is proportional).
4. **Responsible in a weight group** (plan + responsible + section, objectives.weights): the
   weighted mean of the scores by each objective's share of the group. A cross-cutting
   objective has one report per assignee and counts in each assignee's group separately.
   Objectives without an achievement are left out ("score so far") or count zero, as the rules
   say (`unreported`). Pre-requisites ("X", no weight) carry no points; with the rule `gate`,
   one that was measured below `prerequisite_met_at` zeroes the group's score.
5. **Aggregates** (dipartimento, DUP programme and mission, the ente): the weighted mean of the
   same scores, each report weighing its share of its own group, so that groups in points and
   groups in percentages weigh alike; a gated group's reports count zero there too. A report
   counts in each dipartimento its objective's units sit in (walked up the unit tree) or, only
   when the objective names no unit, in each dipartimento its responsible is posted to: the
   same rule as the plan page's headings (objectives.rules).
6. **Pay band**: a responsible's score in a group falls in one of the rules' pay bands (share of
   the result pay).

Public API (stable: extend, don't rename):

- `Source`: the three sources of an achievement, with Italian labels.
- `Rules.for_plan(plan) -> Rules`: the plan's rules in force; `Rules.for_period(period, plan=None)`
  the rules a period's figures are computed with (recorded at its close, else the plan's);
  `rules.apply(achievement) -> (score, Band)`, `rules.pay_band_for(score) -> PayBand | None`.
  `PeriodRules.for_periods(plan, periods)`: each period's rules, for aggregates over periods.
- `achievement_of(progress) -> Achievement`: value and source of one Progress, in Python.
- `Scope(dipartimento_id=, missione_id=, programma_id=, section=, responsible_id=)`: which reports
  count (None = all); a `Scope` also names one figure to explain (see `explain`).
- `scored_progress(plan, period, scope=None) -> QuerySet[Progress]`: the period's reports
  annotated in SQL with `achievement`, `achievement_source` (and its Italian `source_label`,
  `status_label`), `capped`, `score` and `dipartimento_id`; `objective`, `responsible`,
  `period` selected.
- `plan_scores(plan, period, scope=None) -> PlanScores`: every figure of a dashboard in a fixed
  number of queries (8, whatever the plan's size; 5 `with_dipartimenti=False`, which leaves
  `.dipartimenti` empty): `.ente` (`Score`), `.responsibles`
  (`[ResponsibleScore]`, one per weight group), `.dipartimenti`, `.programmi`, `.missioni`
  (`[GroupScore]`), `.rules`.
- `plan_scores_with_trend(plan, period, scope=None) -> (PlanScores, [PeriodScore])`: both from
  one aggregate over all periods (9 queries).
- `responsible_scores(plan, period, person_id) -> (PlanScores, Score, [PeriodScore])`: a
  responsible's own groups and trend and the ente's score, from one aggregate (6 queries).
- `explain(plan, period, scope, lazy=False) -> Explanation`: one figure and the parts it is
  made of (`[Part]`: objective, responsible, weight, share, achievement, source, band, score,
  contribution), whose contributions add up to the figure; `lazy=True` gives `Parts`, read from
  the database a slice at a time (`.ordered(*fields)` for another order).
- `trend(plan, scope=None) -> [PeriodScore]`: the ente's (or the scope's) score in every period.
- `late_progress(plan, period, today=None)`, `at_risk_progress(plan, period, scope=None)`:
  reports of an overdue period still in draft; reports whose achievement is under the plan's
  at-risk threshold.

`Score.value` is a Decimal percent with two decimals, or None when nothing could be scored.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.db.models.lookups import GreaterThan, LessThan
from django.utils import timezone

from objectives.models import MonitoringPeriod, Objective, Plan, Programma, Progress
from objectives.rules import (
    NO_KEY,
    SUBMITTED,
    Achievement,
    Source,
    achievement_of,
    achievement_sql,
    first_dipartimento_sql,
    measured_q,
    prerequisite_q,
    progress_in_dipartimento_q,
    with_dipartimento,
)
from objectives.scoring_rules import PREREQUISITE_RULES, UNREPORTED_RULES, with_defaults
from objectives.weights import GroupKey, weight_groups
from organisation.models import OrgUnit, Person
from piao.formatting import format_percent

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
ZERO = Decimal(0)
Status = Progress.Status
VERIFIED = [Status.VERIFICATO, Status.VALIDATO]
__all__ = [  # what moved to objectives.rules stays importable from here
    "NO_KEY",
    "SUBMITTED",
    "Achievement",
    "Source",
    "achievement_of",
]


def _dec(value) -> Decimal:
    """A database number (float or Decimal) as a Decimal with six decimals."""
    if value is None:
        return ZERO
    return Decimal(f"{float(value):.6f}")


def _percent(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# -- rules ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    """An achievement band: from `min` up to the next band's min; a fixed score or proportional."""

    min: Decimal
    upto: Decimal | None
    score: Decimal | None
    proportional: bool
    label: str = ""

    @property
    def text(self) -> str:
        span = (
            f"da {format_percent(self.min)} a meno di {format_percent(self.upto)}"
            if self.upto is not None
            else f"da {format_percent(self.min)} in su"
        )
        outcome = "proporzionale" if self.proportional else f"vale {format_percent(self.score)}"
        name = f"{self.label}: " if self.label else ""
        return f"{name}{span}, {outcome}"


@dataclass(frozen=True)
class PayBand:
    """A pay band: a responsible's score from `min` gives `share` % of the result pay."""

    min: Decimal
    share: Decimal
    label: str = ""

    @property
    def text(self) -> str:
        name = f"fascia {self.label}" if self.label else "fascia"
        return f"{name} (da {format_percent(self.min)}): {format_percent(self.share)} del risultato"


@dataclass(frozen=True)
class Rules:
    """The plan's scoring rules, parsed once (see objectives/scoring_rules.py)."""

    cap: Decimal
    bands: tuple[Band, ...]
    at_risk_below: Decimal
    prerequisites: str
    prerequisite_met_at: Decimal
    unreported: str
    pay_bands: tuple[PayBand, ...]
    weight_categories: dict

    @classmethod
    def for_plan(cls, plan: Plan) -> "Rules":
        """The plan's rules in force now (they score its open periods)."""
        return cls._parse(plan.scoring_rules, plan.achievement_cap, plan.weight_categories)

    @classmethod
    def for_period(cls, period: MonitoringPeriod, plan: Plan | None = None) -> "Rules":
        """The rules a period's figures are computed with: those recorded when it closed
        (objectives.services.period_close), else, while it is open, the plan's in force."""
        recorded = period.rules
        if recorded:
            return cls._parse(
                recorded.get("scoring_rules"),
                Decimal(str(recorded.get("achievement_cap", HUNDRED))),
                recorded.get("weight_categories"),
            )
        return cls.for_plan(plan if plan is not None else period.plan)

    @classmethod
    def _parse(cls, scoring_rules, cap, weight_categories) -> "Rules":
        raw = with_defaults(scoring_rules)
        mins = [Decimal(str(b["min"])) for b in raw["bands"]]
        bands = tuple(
            Band(
                min=mins[i],
                upto=mins[i + 1] if i + 1 < len(mins) else None,
                score=None if b.get("proportional") else Decimal(str(b["score"])),
                proportional=bool(b.get("proportional")),
                label=b.get("label", ""),
            )
            for i, b in enumerate(raw["bands"])
        )
        pay = tuple(
            PayBand(Decimal(str(b["min"])), Decimal(str(b["share"])), b.get("label", ""))
            for b in raw["pay_bands"]
        )
        return cls(
            cap=Decimal(cap),
            bands=bands,
            at_risk_below=Decimal(str(raw["at_risk_below"])),
            prerequisites=raw["prerequisites"],
            prerequisite_met_at=Decimal(str(raw["prerequisite_met_at"])),
            unreported=raw["unreported"],
            pay_bands=pay,
            weight_categories=dict(weight_categories or {}),
        )

    @property
    def prerequisites_text(self) -> str:
        return PREREQUISITE_RULES[self.prerequisites]

    @property
    def unreported_text(self) -> str:
        return UNREPORTED_RULES[self.unreported]

    def capped(self, achievement: Decimal) -> Decimal:
        return min(achievement, self.cap)

    def band_for(self, capped: Decimal) -> Band:
        return next(b for b in reversed(self.bands) if capped >= b.min or b is self.bands[0])

    def apply(self, achievement: Decimal) -> tuple[Decimal, Band]:
        """The score that counts for an achievement, and the band that gave it."""
        capped = self.capped(achievement)
        band = self.band_for(capped)
        return (capped if band.proportional else band.score), band

    def pay_band_for(self, score: Decimal | None) -> PayBand | None:
        if score is None:
            return None
        return next((b for b in reversed(self.pay_bands) if score >= b.min), self.pay_bands[0])

    def prerequisite_met(self, achievement: Decimal) -> bool:
        return self.capped(achievement) >= self.prerequisite_met_at

    # SQL twins of the rules above, so that aggregates are computed in the database.

    def capped_sql(self, achievement):
        cap = Value(float(self.cap), output_field=FloatField())
        return Case(When(GreaterThan(achievement, cap), then=cap), default=achievement)

    def score_sql(self, achievement):
        capped = self.capped_sql(achievement)
        whens = []
        for band in self.bands[:-1]:
            value = capped if band.proportional else Value(float(band.score))
            whens.append(When(LessThan(capped, Value(float(band.upto))), then=value))
        last = self.bands[-1]
        default = capped if last.proportional else Value(float(last.score))
        if not whens:
            return default
        return Case(*whens, default=default, output_field=FloatField())

    def met_at_sql(self):
        return Value(float(self.prerequisite_met_at))

    def at_risk_sql(self):
        return Value(float(self.at_risk_below))

    def gate_q(self) -> Q | None:
        """Which reports a pre-requisite gates (None: none, the rules do not gate)."""
        return Q() if self.prerequisites == "gate" else None


class PeriodRules:
    """Each period's own rules (`Rules.for_period`), for an aggregate over several periods:
    its SQL picks, for each report, the rules of the report's period."""

    def __init__(self, by_period: dict[int, Rules], default: Rules):
        self.by_period = by_period
        self.default = default

    @classmethod
    def for_periods(cls, plan: Plan, periods: Sequence[MonitoringPeriod]) -> "PeriodRules":
        default = Rules.for_plan(plan)
        return cls({p.pk: Rules.for_period(p, plan) for p in periods}, default)

    def of(self, period_id: int) -> Rules:
        return self.by_period.get(period_id, self.default)

    def _case(self, make, output_field=None):
        groups: list[tuple[Rules, list[int]]] = []
        for period_id, rules in self.by_period.items():
            if rules == self.default:
                continue
            for known, ids in groups:
                if known == rules:
                    ids.append(period_id)
                    break
            else:
                groups.append((rules, [period_id]))
        if not groups:
            return make(self.default)
        whens = [When(period_id__in=ids, then=make(rules)) for rules, ids in groups]
        return Case(*whens, default=make(self.default), output_field=FloatField())

    def capped_sql(self, achievement):
        return self._case(lambda rules: rules.capped_sql(achievement))

    def score_sql(self, achievement):
        return self._case(lambda rules: rules.score_sql(achievement))

    def met_at_sql(self):
        return self._case(lambda rules: rules.met_at_sql())

    def at_risk_sql(self):
        return self._case(lambda rules: rules.at_risk_sql())

    def gate_q(self) -> Q | None:
        rules = [self.of(period_id) for period_id in self.by_period] or [self.default]
        if all(r.prerequisites == "gate" for r in rules):
            return Q()
        gating = [pid for pid in self.by_period if self.of(pid).prerequisites == "gate"]
        return Q(period_id__in=gating) if gating else None


# -- one objective --------------------------------------------------------------------------


# The rules of one report (which figure counts, what a pre-requisite is, which dipartimento it
# counts in) and their SQL twins live in objectives.rules; the names stay importable from here.
def _figures_sql(rules):
    """Each report's achievement, source, capped achievement and score in SQL: those stored
    when the NdV validated the report's year (reporting.models.FrozenResult), else computed
    with the rules."""
    achievement, source = achievement_sql()
    return (
        Coalesce(F("frozen__achievement"), achievement, output_field=FloatField()),
        Coalesce(F("frozen__source"), source),
        Coalesce(F("frozen__capped"), rules.capped_sql(achievement), output_field=FloatField()),
        Coalesce(F("frozen__score"), rules.score_sql(achievement), output_field=FloatField()),
    )


PREREQUISITE = prerequisite_q("objective__")
WEIGHTED = Q(objective__weight__isnull=False)


# -- scope ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Which reports count; every field None means all. `NO_KEY` (0) selects "none" rows."""

    dipartimento_id: int | None = None
    missione_id: int | None = None
    programma_id: int | None = None
    section: str | None = None
    responsible_id: int | None = None

    def q(self, ente_id: int | None = None) -> Q:
        q = Q()
        if self.dipartimento_id is not None:
            q &= progress_in_dipartimento_q(self.dipartimento_id, ente_id)
        if self.programma_id is not None:
            q &= (
                Q(objective__programma__isnull=True)
                if self.programma_id == NO_KEY
                else Q(objective__programma_id=self.programma_id)
            )
        if self.missione_id is not None:
            q &= (
                Q(objective__programma__isnull=True)
                if self.missione_id == NO_KEY
                else Q(objective__programma__missione_id=self.missione_id)
            )
        if self.section is not None:
            q &= Q(objective__section=self.section)
        if self.responsible_id is not None:
            q &= Q(responsible_id=self.responsible_id)
        return q

    def narrower(self, **fields) -> "Scope":
        return Scope(**(self.__dict__ | fields))


def _base(plan: Plan, periods: Q, scope: Scope | None) -> QuerySet[Progress]:
    """The reports that count: a report the NdV excluded from the evaluation never does."""
    queryset = Progress.objects.filter(
        periods, ente_id=plan.ente_id, objective__plan=plan, excluded_at__isnull=True
    )
    return queryset.filter(scope.q(plan.ente_id)) if scope else queryset


def scored_progress(
    plan: Plan, period: MonitoringPeriod, scope: Scope | None = None
) -> QuerySet[Progress]:
    """The period's reports with achievement, source, capped and score annotated in SQL."""
    rules = Rules.for_period(period, plan)
    achievement, source, capped, score = _figures_sql(rules)
    labels = [
        When(achievement_source=key, then=Value(label))
        for key, label in Source.LABELS.items()
        if key
    ]
    statuses = [When(status=key, then=Value(str(label))) for key, label in Status.choices]
    return (
        # The objective's ente (always the plan's) lets the database walk the index on
        # (ente, plan, code) for a page of reports in code order, instead of sorting them all.
        _base(plan, Q(period=period), scope)
        .filter(objective__ente_id=plan.ente_id)
        .annotate(
            dipartimento_id=first_dipartimento_sql(),
            achievement=achievement,
            achievement_source=source,
            source_label=Case(*labels, default=Value(Source.LABELS[None])),
            status_label=Case(*statuses, default=F("status")),
            capped=capped,
            score=score,
            frozen_score=F("frozen__score"),
        )
        .select_related("objective", "responsible", "period")
    )


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


def _rows(plan: Plan, queryset, rules: Rules, key: str | None, labels: bool = False) -> list[_Row]:
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

    def add(self, key, row: _Row) -> None:
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

    def finish(self, key) -> Score:
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
    plan, period, rules, totals, balanced, gated, rows, unit_rows, names
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

    def __init__(self, reports: QuerySet[Progress], build):
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

    def __getitem__(self, key):
        if isinstance(key, slice):
            return [self._build(progress) for progress in self.reports[key]]
        return self[key : key + 1][0]

    def __iter__(self):
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


def _trend(periods, each: PeriodRules, totals, gated, rows) -> list[PeriodScore]:
    result = []
    for period in periods:
        acc = _Accumulator(each.of(period.pk), totals, _gated_for_period(gated, period.pk))
        mine = [row for row in rows if row.period_id == period.pk]
        for row in mine:
            acc.add("all", row)
        result.append(PeriodScore(period, acc.finish("all")))
    return result


def is_overdue(period: MonitoringPeriod, today: dt.date | None = None) -> bool:
    """The period's reports were due (its due date, else its reference date) before today."""
    today = today or timezone.localdate()
    return (period.due_date or period.reference_date) < today


def late_progress(
    plan: Plan, period: MonitoringPeriod, today: dt.date | None = None, scope: Scope | None = None
) -> QuerySet[Progress]:
    """Reports still in draft after the period's due date (none before it)."""
    queryset = scored_progress(plan, period, scope).filter(status=Status.BOZZA)
    return queryset if is_overdue(period, today) else queryset.none()


def at_risk_progress(
    plan: Plan, period: MonitoringPeriod, scope: Scope | None = None
) -> QuerySet[Progress]:
    """Reports whose achievement (capped) is under the plan's at-risk threshold."""
    rules = Rules.for_period(period, plan)
    return scored_progress(plan, period, scope).filter(
        LessThan(F("capped"), Value(float(rules.at_risk_below)))
    )
