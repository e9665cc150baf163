"""The plan's scoring rules: validated data, edited by the controllo di gestione, recorded,
and every score follows at once."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from objectives.models import Objective, Plan, Progress
from objectives.scoring_rules import validate_scoring_rules
from objectives.services import plan_scoring_rules_update
from reporting.scoring import plan_scores
from tests.factories import make_objective

pytestmark = pytest.mark.django_db

VALID_POST = {
    "achievement_cap": "100",
    "bands": "0: 0\n50: proporzionale",
    "at_risk_below": "60",
    "prerequisites": "gate",
    "prerequisite_met_at": "100",
    "unreported": "exclude",
    "pay_bands": "0: 0 E\n70: 70 D\n95: 100 A",
    "weight_categories": "",
}


def rules_url(plan):
    return reverse("reporting:dashboard_rules", args=[plan.pk])


@pytest.fixture
def reported(cycle):
    """Anna's 1.1 validated at 45%; Dario's 2.1 validated at 80%."""
    Progress.objects.filter(pk=cycle.progress.pk).update(
        status="validato", validated_achievement=Decimal(45)
    )
    Progress.objects.filter(pk=cycle.other_progress.pk).update(
        status="validato", validated_achievement=Decimal(80)
    )
    return cycle


def test_controllo_changes_the_bands_and_every_score_follows_at_once(reported, client):
    assert plan_scores(reported.plan, reported.period).ente.value == Decimal("62.50")
    client.force_login(reported.controllo)
    response = client.post(rules_url(reported.plan), VALID_POST)
    assert response.status_code == 302
    # Anna's 45% now falls in the band under 50%, worth 0: the ente is (0 + 80) / 2.
    reported.plan.refresh_from_db()
    assert plan_scores(reported.plan, reported.period).ente.value == Decimal("40.00")
    client.force_login(reported.segretario)
    html = client.get(reverse("reporting:dashboard_plan", args=[reported.plan.pk])).content.decode()
    assert 'data-testid="ente-score">40%<' in html


def test_every_rule_change_is_recorded_with_who_and_why(reported, client):
    client.force_login(reported.controllo)
    client.post(rules_url(reported.plan), VALID_POST)
    record = reported.plan.history.latest("history_date")
    assert record.history_user == reported.controllo
    assert record.history_change_reason == "Regole di punteggio aggiornate"
    assert record.scoring_rules["bands"] == [
        {"min": 0, "score": 0},
        {"min": 50, "proportional": True},
    ]
    html = client.get(rules_url(reported.plan)).content.decode()
    assert "Regole di punteggio aggiornate" in html


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("bands", "10: 0\n50: proporzionale", "la prima fascia deve partire da 0"),
        ("bands", "0: 0\n0: proporzionale", "crescenti e diverse"),
        ("bands", "0 zero", "scrivere «soglia: valore»"),
        ("bands", "0: tanto", "non è un numero"),
        ("pay_bands", "0: 150 A", "non può superare 100%"),
        ("weight_categories", "due: 2", "la categoria è un numero"),
        ("achievement_cap", "-5", ""),
    ],
)
def test_bad_rules_are_refused_with_an_italian_message_and_nothing_saved(
    reported, client, field, value, message
):
    client.force_login(reported.controllo)
    before = Plan.objects.get(pk=reported.plan.pk).scoring_rules
    response = client.post(rules_url(reported.plan), VALID_POST | {field: value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Plan.objects.get(pk=reported.plan.pk).scoring_rules == before


@pytest.mark.parametrize(
    "persona, status",
    [
        ("segretario", 403),
        ("ndv", 403),
        ("viewer", 403),
        ("dirigente", 403),
        ("outsider", 404),
        ("controllo", 200),
    ],
)
def test_only_the_controllo_of_the_ente_opens_the_rules_page(reported, client, persona, status):
    client.force_login(getattr(reported, persona))
    assert client.get(rules_url(reported.plan)).status_code == status
    if status != 200:
        assert client.post(rules_url(reported.plan), VALID_POST).status_code == status


def test_the_service_refuses_anyone_but_the_controllo(reported):
    with pytest.raises(PermissionDenied):
        plan_scoring_rules_update(
            plan_id=reported.plan.pk,
            acting_user=reported.segretario,
            achievement_cap=Decimal(100),
            weight_categories={},
            scoring_rules={},
        )


def test_a_new_category_mapping_reweighs_objectives_weighed_by_category(cycle):
    plan = cycle.plan
    plan.weight_mode = Plan.WeightMode.POINTS
    plan.weight_categories = {"1": 1, "2": 2}
    plan.status = Plan.Status.BOZZA  # only a draft's objectives are re-weighed
    plan.save()
    Objective.objects.filter(pk=cycle.objective.pk).update(
        weight=2, weight_text="2 - rilevante strategico"
    )
    Objective.objects.filter(pk=cycle.other_objective.pk).update(
        weight=1, weight_text="1 - rilevante operativo"
    )
    percent = make_objective(
        plan, code="3.1", weight=5, weight_text="5%", dirigente=cycle.objective.dirigente
    )
    _plan, reweighed = plan_scoring_rules_update(
        plan_id=plan.pk,
        acting_user=cycle.controllo,
        achievement_cap=Decimal(100),
        weight_categories={"1": 1, "2": 3},
        scoring_rules={},
    )
    assert reweighed == 1
    assert Objective.objects.get(pk=cycle.objective.pk).weight == Decimal(3)
    assert Objective.objects.get(pk=cycle.other_objective.pk).weight == Decimal(1)
    assert Objective.objects.get(pk=percent.pk).weight == Decimal(5)
    assert cycle.objective.history.latest("history_date").weight == Decimal(3)


def test_the_admin_refuses_malformed_rules_too():
    with pytest.raises(ValidationError, match="chiavi sconosciute"):
        validate_scoring_rules({"soglia": 50})
    with pytest.raises(ValidationError, match="punteggio fisso oppure"):
        validate_scoring_rules({"bands": [{"min": 0}]})
    with pytest.raises(ValidationError, match="gate o ignore"):
        validate_scoring_rules({"prerequisites": "forse"})
    validate_scoring_rules({})  # the defaults


def admin_post(world, **fields):
    return {
        "ente": world.ente_a.pk,
        "title": "Piano con regole",
        "first_year": 2024,
        "last_year": 2026,
        "status": "bozza",
        "weight_mode": "percent",
        "weight_categories": "{}",
        "achievement_cap": "100",
        "periods-TOTAL_FORMS": 0,
        "periods-INITIAL_FORMS": 0,
    } | fields


def test_the_admin_edits_the_rules_and_refuses_bad_ones(world, client):
    client.force_login(world.controllo)
    url = reverse("admin:objectives_plan_add")
    response = client.post(
        url, admin_post(world, scoring_rules='{"bands": [{"min": 10, "score": 0}]}')
    )
    assert response.status_code == 200
    assert "la prima fascia deve partire da 0" in response.content.decode()
    assert not Plan.objects.filter(title="Piano con regole").exists()
    response = client.post(url, admin_post(world, scoring_rules=""))
    assert response.status_code == 302
    plan = Plan.objects.get(title="Piano con regole")
    assert plan.scoring_rules["at_risk_below"] == 60
    assert plan.history.get().history_user == world.controllo
