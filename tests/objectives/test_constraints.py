"""What must never be stored is refused in Italian: by the models' validation (the admin and
the forms), by the importer's checks, and, where the rule fits one row, by a check constraint
of the database itself."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from objectives.models import Indicator, Objective, Plan, Target
from objectives.plan_import import PlanImportError, import_plan_document
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


def _import(years=(2024, 2026), target_year=2024) -> None:
    import_plan_document(
        {
            "schema": "piao.plan/1",
            "ente": {"slug": "vincoli", "name": "Comune dei vincoli"},
            "plan": {"title": "PIAO importato", "first_year": years[0], "last_year": years[1]},
            "objectives": [
                {
                    "code": "1",
                    "title": "Ridurre i tempi",
                    "weight": 100,
                    "weight_text": "100%",
                    "indicators": [
                        {
                            "description": "Pratiche",
                            "targets": [{"year": target_year, "comparator": ">=", "value": 3}],
                        }
                    ],
                }
            ],
        }
    )


@pytest.mark.parametrize("year", [2023, 2027])
def test_target_year_outside_the_plan_is_refused_by_the_importer(plan, year):
    with pytest.raises(PlanImportError) as excinfo:
        _import(target_year=year)
    assert any(f"l'anno {year} è fuori dal piano (2024-2026)." in e for e in excinfo.value.errors)
    assert not Plan.objects.filter(title="PIAO importato").exists()


@pytest.mark.parametrize("year", [1999, 2110])
def test_a_target_year_no_plan_can_have_is_refused_by_the_database(plan, year):
    indicator = make_indicator(make_objective(plan))
    with pytest.raises(IntegrityError), transaction.atomic():
        Target.objects.create(ente=plan.ente, indicator=indicator, year=year, value=1)


def test_a_reference_year_after_the_targets_is_refused_by_validation_and_the_database(plan):
    indicator = make_indicator(make_objective(plan))
    target = Target(ente=plan.ente, indicator=indicator, year=2024, relative_to_year=2025)
    with pytest.raises(ValidationError) as excinfo:
        target.full_clean()
    assert excinfo.value.message_dict["relative_to_year"] == [
        "L'anno di riferimento non può seguire l'anno del target."
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        target.save()


def test_shrinking_a_plan_below_its_targets_is_refused_by_validation(plan):
    make_indicator(make_objective(plan), targets=[(2024, 3), (2026, 5)])
    plan.last_year = 2026
    plan.full_clean()  # no change: allowed
    plan.first_year, plan.last_year = 2025, 2025
    with pytest.raises(ValidationError) as excinfo:
        plan.full_clean()
    assert excinfo.value.messages == [
        "Il piano ha target negli anni 2024, 2026: gli anni 2025-2025 non li coprono. "
        "Modifica prima quei target."
    ]
    plan.first_year, plan.last_year = 2024, 2027  # growing is fine
    plan.full_clean()


def test_shrinking_a_plan_below_its_targets_by_import_is_refused():
    _import(years=(2024, 2026), target_year=2026)
    with pytest.raises(PlanImportError) as excinfo:
        _import(years=(2024, 2025), target_year=2024)
    assert excinfo.value.errors == [
        "Il piano ha target negli anni 2026: gli anni 2024-2025 non li coprono. "
        "Modifica prima quei target."
    ]
    imported = Plan.objects.get(title="PIAO importato")
    assert (imported.first_year, imported.last_year) == (2024, 2026)


def test_moving_an_objective_or_indicator_to_a_plan_without_its_target_years_is_refused(plan):
    objective = make_objective(plan)
    indicator = make_indicator(objective, targets=[(2024, 3)])
    later = make_plan(plan.ente, title="PIAO 2025-2027", first_year=2025, last_year=2027)
    objective.plan = later
    with pytest.raises(ValidationError) as excinfo:
        objective.full_clean()
    assert excinfo.value.message_dict["plan"] == [
        "I target dell'obiettivo (2024) sono fuori dal piano."
    ]
    indicator.objective = make_objective(later)
    with pytest.raises(ValidationError) as excinfo:
        indicator.full_clean()
    assert excinfo.value.message_dict["objective"] == [
        "I target dell'indicatore (2024) sono fuori dal piano."
    ]


def test_no_trigger_is_left_in_the_database(db):
    """The rules above are guarded by validation, the importer and check constraints: the
    database has no trigger (Citus would not run their joins by id across entes)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        assert cursor.fetchall() == []


def test_plan_years_must_be_ordered(plan):
    bad = Plan(ente=plan.ente, title="Rovesciato", first_year=2026, last_year=2024)
    with pytest.raises(ValidationError) as excinfo:
        bad.full_clean()
    assert "L'ultimo anno deve seguire il primo, per non più di dieci anni." in (
        excinfo.value.messages
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.create(ente=plan.ente, title="Rovesciato", first_year=2026, last_year=2024)
