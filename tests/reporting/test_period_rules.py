"""A closed period keeps the rules in force when it closed; an open one follows the plan's."""

import datetime as dt
from decimal import Decimal

import pytest

from objectives import services
from objectives.models import MonitoringPeriod, Plan, Progress
from reporting.scoring import (
    Rules,
    Scope,
    explain,
    plan_scores,
    plan_scores_with_trend,
    responsible_scores,
    trend,
)

pytestmark = pytest.mark.django_db

STRICT = {"bands": [{"min": 0, "score": 0}, {"min": 50, "proportional": True}]}


def _validate(period, first: int, second: int, cycle) -> None:
    for objective, value in ((cycle.objective, first), (cycle.other_objective, second)):
        Progress.objects.filter(period=period, objective=objective).update(
            status="validato", validated_achievement=Decimal(value)
        )


def _rules_change(cycle, rules: dict, cap=Decimal(100)) -> None:
    services.plan_scoring_rules_update(
        plan_id=cycle.plan.pk,
        acting_user=cycle.controllo,
        achievement_cap=cap,
        weight_categories=cycle.plan.weight_categories,
        scoring_rules=rules,
    )


@pytest.fixture
def two_periods(cycle):
    """2024 closed (1.1 at 45%, 2.1 at 80%); 30/06/2025 open with the same figures."""
    _validate(cycle.period, 45, 80, cycle)
    services.period_close(period_id=cycle.period.pk, acting_user=cycle.controllo)
    later = MonitoringPeriod.objects.create(
        ente=cycle.ente, plan=cycle.plan, name="30/06/2025", reference_date=dt.date(2025, 6, 30)
    )
    services.period_open(period_id=later.pk, acting_user=cycle.controllo)
    _validate(later, 45, 80, cycle)
    cycle.period.refresh_from_db()
    return cycle.period, later


def test_closing_a_period_records_the_rules_in_force(cycle):
    services.period_close(period_id=cycle.period.pk, acting_user=cycle.controllo)
    cycle.period.refresh_from_db()
    assert cycle.period.closed_at is not None
    assert cycle.period.rules == {
        "scoring_rules": cycle.plan.scoring_rules,
        "achievement_cap": "100.00",
        "weight_categories": {},
    }
    assert Rules.for_period(cycle.period) == Rules.for_plan(cycle.plan)


def test_a_rule_change_moves_the_open_period_only(two_periods, cycle):
    closed, open_ = two_periods
    assert plan_scores(cycle.plan, closed).ente.value == Decimal("62.50")
    _rules_change(cycle, STRICT, cap=Decimal(70))
    plan = Plan.objects.get(pk=cycle.plan.pk)
    closed.refresh_from_db()
    open_ = MonitoringPeriod.objects.get(pk=open_.pk)
    # 2024: still (45 + 80) / 2 under the rules of its close; 2025: 45 scores 0, 80 capped at 70
    assert plan_scores(plan, closed).ente.value == Decimal("62.50")
    assert plan_scores(plan, open_).ente.value == Decimal("35.00")
    assert explain(plan, closed, Scope()).score.value == Decimal("62.50")
    assert [p.score.value for p in trend(plan)] == [Decimal("62.50"), Decimal("35.00")]
    scores, series = plan_scores_with_trend(plan, closed)
    assert scores.ente.value == Decimal("62.50")
    assert [p.score.value for p in series] == [Decimal("62.50"), Decimal("35.00")]
    anna = cycle.objective.dirigente_id
    own, ente, mine = responsible_scores(plan, open_, anna)
    assert ente.value == Decimal("35.00")
    assert [p.score.value for p in mine] == [Decimal("45.00"), Decimal("0.00")]


def test_a_reopened_period_follows_the_plans_rules_again(two_periods, cycle):
    closed, _open = two_periods
    _rules_change(cycle, STRICT)
    services.period_open(period_id=closed.pk, acting_user=cycle.controllo)
    closed.refresh_from_db()
    assert closed.rules is None
    assert plan_scores(Plan.objects.get(pk=cycle.plan.pk), closed).ente.value == Decimal("40.00")
