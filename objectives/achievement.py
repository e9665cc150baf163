"""How far an indicator and an objective got: the computed achievement and its derivation.

Rules (domain brief, section 5): numbers, percentages and ratios are proportional to the target,
direction-aware, capped by the plan (100 unless its rules say otherwise); deadlines and yes/no
score 100 or 0; qualitative indicators are not computed (the declared figure counts). An
objective's achievement is the weighted mean of its computable indicators. Every result comes
with its derivation spelled out in Italian, so that a person can check it.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from objectives.models import Indicator, Target
from piao.formatting import format_number, format_percent

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
SYMBOLS = {"=": "=", ">=": "≥", "<=": "≤", ">": ">", "<": "<"}
DIRECTION_TEXT = {
    Indicator.Direction.INCREASE: "più alto è meglio",
    Indicator.Direction.DECREASE: "più basso è meglio",
    Indicator.Direction.KEEP: "mantenimento",
}


@dataclass(frozen=True)
class Measured:
    """What was measured for one indicator, in whichever field its kind uses."""

    number: Decimal | None = None
    date: dt.date | None = None
    flag: bool | None = None
    text: str = ""


@dataclass(frozen=True)
class Result:
    achievement: Decimal | None
    explanation: str


def _percent(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _date(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def indicator_achievement(
    indicator: Indicator,
    target: Target | None,
    measured: Measured,
    *,
    cap: Decimal = HUNDRED,
    reference_values: dict[int, Decimal] | None = None,
) -> Result:
    """The achievement of one indicator against its target for the year, with its derivation."""
    if indicator.kind == Indicator.Kind.QUALITATIVE:
        return Result(None, "indicatore qualitativo: conta il raggiungimento dichiarato")
    if target is None:
        return Result(None, "nessun target per l'anno del periodo")
    if target.comparator == Target.Comparator.BY_DATE or indicator.kind == Indicator.Kind.DEADLINE:
        return _by_date(target, measured)
    if target.comparator == Target.Comparator.YES or indicator.kind == Indicator.Kind.YES_NO:
        return _yes_no(measured)
    return _proportional(indicator, target, measured, cap, reference_values or {})


def _by_date(target: Target, measured: Measured) -> Result:
    if target.date is None:
        return Result(None, f"target a scadenza senza data ({target.text or 'nessun testo'})")
    if measured.date is None:
        return Result(None, "manca la data di realizzazione")
    met = measured.date <= target.date
    score = HUNDRED if met else Decimal(0)
    return Result(
        score,
        f"scadenza {_date(target.date)}, realizzato il {_date(measured.date)}"
        f" → {format_percent(score)}",
    )


def _yes_no(measured: Measured) -> Result:
    if measured.flag is None:
        return Result(None, "manca l'esito (sì/no)")
    score = HUNDRED if measured.flag else Decimal(0)
    outcome = "sì" if measured.flag else "no"
    return Result(score, f"atteso: realizzato; misurato: {outcome} → {format_percent(score)}")


def _proportional(
    indicator: Indicator,
    target: Target,
    measured: Measured,
    cap: Decimal,
    reference_values: dict[int, Decimal],
) -> Result:
    goal = target.value
    goal_text = ""
    if target.relative_to_year:
        goal = reference_values.get(target.relative_to_year)
        if goal is None:
            return Result(
                None, f"manca il valore {target.relative_to_year} a cui il target si riferisce"
            )
        goal_text = f" (valore {target.relative_to_year})"
    if goal is None:
        return Result(None, f"il target non ha un valore numerico ({target.text or '—'})")
    if measured.number is None:
        return Result(None, "manca il valore misurato")
    value = measured.number
    lower_is_better = target.comparator in ("<=", "<") or (
        indicator.direction == Indicator.Direction.DECREASE and target.comparator not in (">=", ">")
    )
    if lower_is_better:
        ratio = goal / value if value > 0 else None
    else:
        ratio = value / goal if goal > 0 else None
    # No ratio: a zero on the good side of the target, which is fully met.
    score = min(HUNDRED, cap) if ratio is None else max(Decimal(0), min(ratio * HUNDRED, cap))
    score = _percent(score)
    direction = "più basso è meglio" if lower_is_better else DIRECTION_TEXT[indicator.direction]
    if direction == "mantenimento" and not lower_is_better:
        direction = "mantenimento (almeno il target)"
    symbol = SYMBOLS.get(target.comparator, target.comparator)
    return Result(
        score,
        f"target {symbol} {format_number(goal)}{goal_text}, misurato {format_number(value)}, "
        f"{direction} → {format_percent(score)}",
    )


def objective_achievement(results: list[tuple[Indicator, Result]]) -> Result:
    """The weighted mean of the computable indicators (equal weights unless all have one)."""
    usable = [(indicator, r) for indicator, r in results if r.achievement is not None]
    skipped = len(results) - len(usable)
    if not usable:
        return Result(None, "nessun indicatore calcolabile: conta il raggiungimento dichiarato")
    weighted = all(indicator.weight for indicator, _r in usable)
    weights = [indicator.weight if weighted else Decimal(1) for indicator, _r in usable]
    total = sum(w * r.achievement for w, (_i, r) in zip(weights, usable, strict=True))
    score = _percent(total / sum(weights))
    if len(usable) == 1:
        text = f"un indicatore → {format_percent(score)}"
    else:
        terms = " + ".join(
            f"{format_percent(r.achievement)} × {format_number(w)}"
            for w, (_i, r) in zip(weights, usable, strict=True)
        )
        kind = "media pesata" if weighted else "media"
        text = (
            f"{kind} di {len(usable)} indicatori: ({terms}) / {format_number(sum(weights))}"
            f" = {format_percent(score)}"
        )
    if skipped == 1:
        text += "; 1 indicatore non calcolabile escluso"
    elif skipped:
        text += f"; {skipped} indicatori non calcolabili esclusi"
    return Result(score, text)
