"""The computed achievement, on cases worked out by hand, and its derivation in words."""

import datetime as dt
from decimal import Decimal

import pytest

from objectives.achievement import Measured, Result, indicator_achievement, objective_achievement
from objectives.models import Indicator, Target


def ind(kind="number", direction="increase", weight=None) -> Indicator:
    return Indicator(kind=kind, direction=direction, weight=weight, description="x")


def tgt(comparator=">=", value=None, date=None, relative_to_year=None, text="") -> Target:
    return Target(
        year=2024,
        comparator=comparator,
        value=Decimal(value) if value is not None else None,
        date=date,
        relative_to_year=relative_to_year,
        text=text,
    )


def number(value) -> Measured:
    return Measured(number=Decimal(str(value)))


@pytest.mark.parametrize(
    "indicator, target, measured, expected",
    [
        (ind(), tgt(">=", 5), number(4), Decimal("80.00")),
        (ind(), tgt(">=", 5), number(5), Decimal("100.00")),
        (ind(), tgt(">=", 5), number(9), Decimal("100.00")),  # capped at 100
        (ind(), tgt(">=", 3), number(1), Decimal("33.33")),
        (ind(direction="decrease"), tgt("<=", 30), number(40), Decimal("75.00")),  # 30/40
        (ind(direction="decrease"), tgt("<=", 30), number(20), Decimal("100.00")),
        (ind(), tgt("<=", 12), number(15), Decimal("80.00")),  # "<=" means lower is better
        (ind(), tgt("<=", 12), number(0), Decimal("100.00")),
        (ind(kind="percentage"), tgt(">=", 80), number("60,5".replace(",", ".")), Decimal("75.63")),
        (ind(), tgt(">=", 0), number(0), Decimal("100.00")),
    ],
)
def test_proportional_achievement(indicator, target, measured, expected):
    assert indicator_achievement(indicator, target, measured).achievement == expected


def test_derivation_is_spelled_out():
    result = indicator_achievement(ind(), tgt(">=", 5), number(4))
    assert result.explanation == "target ≥ 5, misurato 4, più alto è meglio → 80%"
    result = indicator_achievement(ind(direction="decrease"), tgt("<=", 30), number("37.5"))
    assert result.explanation == "target ≤ 30, misurato 37,5, più basso è meglio → 80%"


def test_a_plan_may_reward_over_achievement_up_to_its_cap():
    result = indicator_achievement(ind(), tgt(">=", 5), number(6), cap=Decimal(110))
    assert result.achievement == Decimal("110.00")
    result = indicator_achievement(ind(), tgt(">=", 5), number(9), cap=Decimal(120))
    assert result.achievement == Decimal("120.00")


def test_relative_target_uses_the_value_of_its_year():
    target = tgt(">", None, relative_to_year=2022, text="maggiore 2022")
    result = indicator_achievement(ind(), target, number(9), reference_values={2022: Decimal(12)})
    assert result.achievement == Decimal("75.00")
    assert result.explanation == "target > 12 (valore 2022), misurato 9, più alto è meglio → 75%"
    missing = indicator_achievement(ind(), target, number(9), reference_values={})
    assert missing.achievement is None
    assert missing.explanation == "manca il valore 2022 a cui il target si riferisce"


def test_deadline_is_met_or_not():
    target = tgt("by_date", date=dt.date(2024, 6, 30))
    on_time = indicator_achievement(ind("deadline"), target, Measured(date=dt.date(2024, 6, 30)))
    late = indicator_achievement(ind("deadline"), target, Measured(date=dt.date(2024, 7, 1)))
    assert on_time.achievement == 100 and late.achievement == 0
    assert late.explanation == "scadenza 30/06/2024, realizzato il 01/07/2024 → 0%"


def test_yes_no():
    target = tgt("yes")
    assert indicator_achievement(ind("yes_no"), target, Measured(flag=True)).achievement == 100
    assert indicator_achievement(ind("yes_no"), target, Measured(flag=False)).achievement == 0
    assert indicator_achievement(ind("yes_no"), target, Measured()).achievement is None


def test_qualitative_and_missing_values_are_not_computed():
    assert indicator_achievement(ind("qualitative"), tgt(), Measured(text="ok")).achievement is None
    assert indicator_achievement(ind(), None, number(3)).explanation == (
        "nessun target per l'anno del periodo"
    )
    assert indicator_achievement(ind(), tgt(">=", 5), Measured()).explanation == (
        "manca il valore misurato"
    )


def test_objective_is_the_mean_of_its_computable_indicators():
    a, b, c = ind(), ind(), ind("qualitative")
    result = objective_achievement(
        [(a, Result(Decimal(80), "")), (b, Result(Decimal(100), "")), (c, Result(None, ""))]
    )
    assert result.achievement == Decimal("90.00")
    assert result.explanation == (
        "media di 2 indicatori: (80% × 1 + 100% × 1) / 2 = 90%; "
        "1 indicatore non calcolabile escluso"
    )


def test_objective_uses_indicator_weights_when_all_have_one():
    a, b = ind(weight=Decimal(3)), ind(weight=Decimal(1))
    result = objective_achievement([(a, Result(Decimal(80), "")), (b, Result(Decimal(40), ""))])
    assert result.achievement == Decimal("70.00")  # (240 + 40) / 4
    assert result.explanation.startswith("media pesata di 2 indicatori")


def test_objective_without_computable_indicators_is_declared_only():
    result = objective_achievement([(ind("qualitative"), Result(None, ""))])
    assert result.achievement is None
