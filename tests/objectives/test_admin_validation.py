"""Bad data typed in the admin is answered next to the field, in Italian, and not saved."""

import pytest
from django.urls import reverse

from objectives.models import Target
from tests.factories import make_indicator, make_objective

pytestmark = pytest.mark.django_db


def _errors(response) -> dict[str, list[str]]:
    form = response.context["adminform"].form
    return {name: list(errors) for name, errors in form.errors.items()}


def test_target_year_outside_the_plan(world, client):
    indicator = make_indicator(make_objective(world.plan_a), targets=[(2024, 3)])
    target = indicator.targets.get()
    client.force_login(world.controllo)
    response = client.post(
        reverse("admin:objectives_target_change", args=[target.pk]),
        {"indicator": indicator.pk, "year": 2031, "comparator": ">=", "value": "3", "text": ""},
    )
    assert response.status_code == 200
    assert _errors(response) == {"year": ["L'anno 2031 è fuori dal piano (2024-2026)."]}
    assert Target.objects.get(pk=target.pk).year == 2024


def test_plan_with_years_the_wrong_way_round(world, client):
    client.force_login(world.controllo)
    response = client.post(
        reverse("admin:objectives_plan_add"),
        {
            "ente": world.ente_a.pk,
            "title": "Piano rovesciato",
            "first_year": 2026,
            "last_year": 2024,
            "status": "bozza",
            "weight_mode": "percent",
            "weight_categories": "{}",
            "achievement_cap": "100",
            "periods-TOTAL_FORMS": 0,
            "periods-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert _errors(response) == {
        "last_year": ["L'ultimo anno deve seguire il primo, per non più di dieci anni."]
    }


def test_plan_of_an_ente_the_user_does_not_run_is_refused(world, client):
    client.force_login(world.controllo)
    response = client.post(
        reverse("admin:objectives_plan_add"),
        {
            "ente": world.ente_b.pk,
            "title": "Piano altrui",
            "first_year": 2024,
            "last_year": 2026,
            "status": "bozza",
            "weight_mode": "percent",
            "weight_categories": "{}",
            "achievement_cap": "100",
            "periods-TOTAL_FORMS": 0,
            "periods-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "ente" in _errors(response)
    assert "Scegli un'opzione valida" in _errors(response)["ente"][0]
