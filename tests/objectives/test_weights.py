"""Each objective's share of its weight group, and the warning for groups that miss 100%."""

from decimal import Decimal

import pytest

from objectives.models import Objective, Plan
from objectives.weights import GroupKey, weight_groups, weight_share
from tests.factories import make_ente, make_objective, make_person, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def ente():
    return make_ente("pesi")


def test_percent_group_adding_to_100_gives_each_objective_its_weight_as_share(ente):
    plan = make_plan(ente, weight_mode=Plan.WeightMode.PERCENT)
    gambini = make_person(ente, "Simonetta Gambini")
    a = make_objective(plan, code="1", weight=60, dirigente=gambini)
    b = make_objective(plan, code="2", weight=40, dirigente=gambini)
    groups = weight_groups([plan.pk])
    group = groups[GroupKey(plan.pk, gambini.pk, "specifici")]
    assert group.total == Decimal(100)
    assert group.is_balanced and group.warning == ""
    assert weight_share(a, groups) == Decimal("60.00")
    assert weight_share(b, groups) == Decimal("40.00")


def test_percent_group_adding_to_25_is_warned_and_not_rescaled(ente):
    plan = make_plan(ente, weight_mode=Plan.WeightMode.PERCENT)
    person = make_person(ente, "Area Finanziaria")
    weights = [5, 5, 1, 10, 4]  # Montepulciano's Area Finanziaria: 25% in the source
    objectives = [
        make_objective(plan, code=str(i), weight=w, dirigente=person) for i, w in enumerate(weights)
    ]
    groups = weight_groups([plan.pk])
    group = groups[GroupKey(plan.pk, person.pk, "specifici")]
    assert group.total == Decimal(25)
    assert not group.is_balanced
    assert group.warning == (
        "I pesi di Area Finanziaria (Obiettivi specifici / di PEG) sommano 25% invece di 100%."
    )
    # The share is of the real total (5 of 25 = 20%); the weight itself stays 5.
    assert weight_share(objectives[0], groups) == Decimal("20.00")
    objectives[0].refresh_from_db()
    assert objectives[0].weight == Decimal(5)


def test_sections_are_separate_groups_for_the_same_person(ente):
    plan = make_plan(ente)
    nardi = make_person(ente, "Giulio Nardi")
    make_objective(plan, code="o1", weight=100, dirigente=nardi, section="organizzativa")
    make_objective(plan, code="s1", weight=70, dirigente=nardi, section="specifici")
    make_objective(plan, code="s2", weight=30, dirigente=nardi, section="specifici")
    groups = weight_groups([plan.pk])
    assert groups[GroupKey(plan.pk, nardi.pk, "organizzativa")].total == 100
    assert groups[GroupKey(plan.pk, nardi.pk, "specifici")].total == 100
    assert all(group.is_balanced for group in groups.values())


def test_category_points_give_proportional_shares_without_a_100_rule(ente):
    plan = make_plan(ente, weight_mode=Plan.WeightMode.POINTS, weight_categories={"1": 1, "2": 2})
    pezzoli = make_person(ente, "Gianpietro Pezzoli")
    operativo = make_objective(plan, code="1.1", weight=1, dirigente=pezzoli)
    strategico = make_objective(plan, code="1.2", weight=2, dirigente=pezzoli)
    groups = weight_groups([plan.pk])
    group = groups[GroupKey(plan.pk, pezzoli.pk, "specifici")]
    assert group.total == 3 and group.is_balanced
    assert weight_share(operativo, groups) == Decimal("33.33")
    assert weight_share(strategico, groups) == Decimal("66.67")


def test_cross_cutting_objective_counts_in_every_assignees_group(ente):
    plan = make_plan(ente, weight_mode=Plan.WeightMode.POINTS)
    chiari, guerini = make_person(ente, "Massimo Chiari"), make_person(ente, "Diego Guerini")
    make_objective(plan, code="2.1", weight=2, dirigente=chiari)
    make_objective(plan, code="3.1", weight=1, dirigente=guerini)
    make_objective(plan, code="3.2", weight=1, dirigente=guerini)
    shared = make_objective(
        plan, code="4.9", weight=2, kind=Objective.Kind.TRASVERSALE, assignees=[chiari, guerini]
    )
    groups = weight_groups([plan.pk])
    assert groups[GroupKey(plan.pk, chiari.pk, "specifici")].total == 4
    assert groups[GroupKey(plan.pk, guerini.pk, "specifici")].total == 4
    assert groups[GroupKey(plan.pk, chiari.pk, "specifici")].objectives == 2
    # 2 of 4 for both: one share.
    assert weight_share(shared, groups) == Decimal("50.00")
    make_objective(plan, code="3.3", weight=4, dirigente=guerini)
    groups = weight_groups([plan.pk])
    # Now 2/4 for Chiari and 2/8 for Guerini: no single share.
    assert weight_share(shared, groups) is None


def test_prerequisite_has_no_weight_and_no_share(ente):
    plan = make_plan(ente)
    person = make_person(ente)
    prerequisite = make_objective(plan, code="X1", weight=None, weight_text="X", dirigente=person)
    make_objective(plan, code="2", weight=100, dirigente=person)
    groups = weight_groups([plan.pk])
    group = groups[GroupKey(plan.pk, person.pk, "specifici")]
    assert prerequisite.is_prerequisite
    assert group.total == 100 and group.prerequisites == 1 and group.objectives == 2
    assert weight_share(prerequisite, groups) is None


def test_eq_is_the_responsible_when_no_dirigente_is_named(ente):
    plan = make_plan(ente)
    eq = make_person(ente, "Mario Ravenoldi")
    objective = make_objective(plan, code="2.4", weight=100, eq=eq)
    groups = weight_groups([plan.pk])
    assert GroupKey(plan.pk, eq.pk, "specifici") in groups
    assert weight_share(objective, groups) == Decimal("100.00")


def test_weight_groups_take_two_queries_whatever_the_plan_size(ente, django_assert_num_queries):
    plan = make_plan(ente)
    people = [make_person(ente) for _ in range(5)]
    for i in range(60):
        make_objective(plan, code=str(i), weight=1, dirigente=people[i % 5])
    with django_assert_num_queries(2):
        groups = weight_groups([plan.pk])
    assert len(groups) == 5
