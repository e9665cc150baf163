"""What must never be stored is refused by the database itself, and by validation in Italian."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from objectives.models import Indicator, Objective, Plan, Target
from tests.factories import make_ente, make_indicator, make_objective, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    return make_plan(make_ente("vincoli"), first_year=2024, last_year=2026)


def test_duplicate_code_in_a_plan_is_refused(plan):
    make_objective(plan, code="1.1")
    with pytest.raises(ValidationError) as excinfo:
        make_objective(plan, code="1.1")
    assert "Nel piano esiste già un obiettivo con questo codice." in excinfo.value.messages
    with pytest.raises(IntegrityError), transaction.atomic():
        Objective.objects.create(ente=plan.ente, plan=plan, code="1.1", title="copia")


def test_same_code_in_another_plan_is_fine(plan):
    other = make_plan(plan.ente, title="Altro piano")
    make_objective(plan, code="1.1")
    make_objective(other, code="1.1")
    assert Objective.objects.filter(code="1.1", plan__in=[plan, other]).count() == 2


def test_negative_weight_is_refused(plan):
    with pytest.raises(ValidationError) as excinfo:
        make_objective(plan, code="n", weight=-5)
    assert "weight" in excinfo.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Objective.objects.create(ente=plan.ente, plan=plan, code="n", weight=Decimal(-1))


def test_negative_indicator_weight_is_refused(plan):
    objective = make_objective(plan)
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.create(
            ente=plan.ente, objective=objective, description="x", weight=Decimal(-2)
        )


def test_target_year_outside_the_plan_is_refused_by_validation(plan):
    indicator = make_indicator(make_objective(plan))
    target = Target(ente=plan.ente, indicator=indicator, year=2027, comparator=">=", value=1)
    with pytest.raises(ValidationError) as excinfo:
        target.full_clean()
    assert excinfo.value.message_dict["year"] == ["L'anno 2027 è fuori dal piano (2024-2026)."]


@pytest.mark.parametrize("year", [2023, 2027])
def test_target_year_outside_the_plan_is_refused_by_the_database(plan, year):
    indicator = make_indicator(make_objective(plan))
    with pytest.raises(IntegrityError), transaction.atomic():
        Target.objects.create(ente=plan.ente, indicator=indicator, year=year, value=1)
    Target.objects.create(ente=plan.ente, indicator=indicator, year=2026, value=1)
    target = Target.objects.get(indicator=indicator)
    target.year = year
    with pytest.raises(IntegrityError), transaction.atomic():
        target.save()
    assert Target.objects.get(indicator=indicator).year == 2026


def test_shrinking_a_plan_below_its_targets_is_refused(plan):
    make_indicator(make_objective(plan), targets=[(2026, 5)])
    Plan.objects.filter(pk=plan.pk).update(last_year=2026)  # no change: allowed
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.filter(pk=plan.pk).update(last_year=2025)
    plan.refresh_from_db()
    assert plan.last_year == 2026


def test_moving_an_objective_to_a_plan_without_its_target_years_is_refused(plan):
    objective = make_objective(plan)
    make_indicator(objective, targets=[(2024, 3)])
    later = make_plan(plan.ente, title="PIAO 2025-2027", first_year=2025, last_year=2027)
    with pytest.raises(IntegrityError), transaction.atomic():
        Objective.objects.filter(pk=objective.pk).update(plan=later)


def test_plan_years_must_be_ordered(plan):
    bad = Plan(ente=plan.ente, title="Rovesciato", first_year=2026, last_year=2024)
    with pytest.raises(ValidationError) as excinfo:
        bad.full_clean()
    assert "L'ultimo anno deve seguire il primo, per non più di dieci anni." in (
        excinfo.value.messages
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.create(ente=plan.ente, title="Rovesciato", first_year=2026, last_year=2024)
