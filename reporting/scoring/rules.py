"""The scoring rules of a plan or a period: bands, pay bands, caps and how pre-requisites and
unreported objectives count (see reporting.scoring for the whole method)."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Case,
    Expression,
    Field,
    FloatField,
    Q,
    Value,
    When,
)
from django.db.models.lookups import GreaterThan, LessThan

from objectives.models import MonitoringPeriod, Plan, Progress
from objectives.scoring_rules import PREREQUISITE_RULES, UNREPORTED_RULES, with_defaults
from piao.formatting import format_percent

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
ZERO = Decimal(0)
Status = Progress.Status
VERIFIED = [Status.VERIFICATO, Status.VALIDATO]


def _dec(value: float | Decimal | None) -> Decimal:
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
    def _parse(
        cls, scoring_rules: dict | None, cap: Decimal | str, weight_categories: dict | None
    ) -> "Rules":
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

    def capped_sql(self, achievement: Expression) -> Case:
        cap = Value(float(self.cap), output_field=FloatField())
        return Case(When(GreaterThan(achievement, cap), then=cap), default=achievement)

    def score_sql(self, achievement: Expression) -> Expression:
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

    def met_at_sql(self) -> Value:
        return Value(float(self.prerequisite_met_at))

    def at_risk_sql(self) -> Value:
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

    def _case(
        self, make: Callable[[Rules], Expression], output_field: Field | None = None
    ) -> Expression:
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

    def capped_sql(self, achievement: Expression) -> Expression:
        return self._case(lambda rules: rules.capped_sql(achievement))

    def score_sql(self, achievement: Expression) -> Expression:
        return self._case(lambda rules: rules.score_sql(achievement))

    def met_at_sql(self) -> Expression:
        return self._case(lambda rules: rules.met_at_sql())

    def at_risk_sql(self) -> Expression:
        return self._case(lambda rules: rules.at_risk_sql())

    def gate_q(self) -> Q | None:
        rules = [self.of(period_id) for period_id in self.by_period] or [self.default]
        if all(r.prerequisites == "gate" for r in rules):
            return Q()
        gating = [pid for pid in self.by_period if self.of(pid).prerequisites == "gate"]
        return Q(period_id__in=gating) if gating else None
