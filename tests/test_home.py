"""Login and the home page: each user sees their entes and plans, nobody else's."""

import pytest
from django.urls import reverse

from organisation.models import Membership
from tests.factories import make_objective, make_plan, make_user


def test_anonymous_visitor_is_sent_to_the_italian_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    page = client.get(reverse("login")).content.decode()
    assert 'lang="it"' in page and "Accedi" in page and "Nome utente" in page


def test_home_lists_only_the_users_entes_plans(world, client):
    client.force_login(world.viewer)
    response = client.get(reverse("home"))
    page = response.content.decode()
    assert "Comune di Alfa" in page and "PIAO Alfa 2024-2026" in page
    assert "Comune di Beta" not in page and "PIAO Beta 2024-2026" not in page
    assert "Amministrazione" not in page  # a viewer is not staff


def test_home_offers_the_admin_to_staff(world, client):
    client.force_login(world.controllo)
    page = client.get(reverse("home")).content.decode()
    assert reverse("admin:objectives_objective_changelist") in page


def test_user_without_ente_is_told_what_to_do(client, db):
    client.force_login(make_user("nessuno"))
    page = client.get(reverse("home")).content.decode()
    assert "non è ancora collegato a un ente" in page


def test_plan_filter_by_year_and_title(world, client):
    make_plan(world.ente_a, title="Piano 2021-2023", first_year=2021, last_year=2023)
    client.force_login(world.viewer)
    table = client.get(reverse("home"), {"year": 2022}).context["table"]
    assert [row.record.title for row in table.page.object_list] == ["Piano 2021-2023"]
    table = client.get(reverse("home"), {"title": "alfa"}).context["table"]
    assert [row.record.title for row in table.page.object_list] == ["PIAO Alfa 2024-2026"]


def test_filter_cannot_reach_another_ente(world, client):
    client.force_login(world.viewer)
    response = client.get(reverse("home"), {"ente": world.ente_b.pk})
    assert response.context["filter"].errors  # not a valid choice for this user
    assert "PIAO Beta" not in response.content.decode()


def test_htmx_request_gets_only_the_table(world, client):
    client.force_login(world.viewer)
    response = client.get(reverse("home"), headers={"HX-Request": "true"})
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="plan-table"')
    assert "<html" not in page


@pytest.mark.parametrize("plans", [2, 40])
def test_home_query_count_does_not_grow_with_plans(world, client, plans, django_assert_num_queries):
    for i in range(plans):
        plan = make_plan(world.ente_a, title=f"Piano {i}")
        make_objective(plan)
    user = make_user("lettore-2", ente=world.ente_a, role=Membership.Role.VIEWER)
    client.force_login(user)
    with django_assert_num_queries(10):
        response = client.get(reverse("home"))
    assert response.status_code == 200
