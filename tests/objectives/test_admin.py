"""The admin the controllo di gestione works in: every page, its query count, its scoping."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from objectives.models import (
    Indicator,
    Measurement,
    Missione,
    MonitoringPeriod,
    Objective,
    Plan,
    Programma,
    Progress,
    ProgressEvent,
    Target,
)
from organisation.models import Assignment, Ente, Membership, OrgUnit, Person
from tests.factories import make_indicator, make_objective, make_person, make_user

pytestmark = pytest.mark.django_db


def populate(plan: Plan, n: int) -> None:
    """n objectives with everything hanging from them, spread over n people and units."""
    ente = plan.ente
    period, _ = MonitoringPeriod.objects.get_or_create(
        ente=ente, plan=plan, name="31/12/2024", defaults={"reference_date": dt.date(2024, 12, 31)}
    )
    start = Objective.objects.filter(plan=plan).count()
    for i in range(start, start + n):
        person = make_person(ente, f"Persona {plan.pk}-{i}")
        dip = OrgUnit.objects.create(ente=ente, kind="dipartimento", name=f"Dip {plan.pk}-{i}")
        unit = OrgUnit.objects.create(ente=ente, kind="servizio", name=f"Serv {i}", parent=dip)
        Assignment.objects.create(ente=ente, person=person, unit=dip, role="dirigente")
        user = make_user(f"u-{plan.pk}-{i}", ente=ente, role=Membership.Role.RESPONSABILE)
        person.user = user
        person.save()
        objective = make_objective(
            plan, code=f"{i}.1", weight=5, dirigente=person, eq=person, programma_id=None
        )
        objective.org_units.set([dip, unit])
        objective.assignees.set([person])
        indicator = make_indicator(objective, targets=[(2024, 3), (2025, 4)])
        progress = Progress.objects.create(
            ente=ente, objective=objective, responsible=person, period=period
        )
        Measurement.objects.create(
            ente=ente, progress=progress, indicator=indicator, value_number=2
        )
        ProgressEvent.objects.create(
            ente=ente,
            progress=progress,
            action="save",
            from_status="bozza",
            to_status="bozza",
            actor=user,
            at=timezone.now(),
            version=2,
        )


# model -> (queries of its list page, queries of one row's change page), pinned.
ADMIN_PAGES = {
    "organisation_ente": (10, 9),
    "organisation_orgunit": (11, 10),
    "organisation_person": (11, 12),
    "organisation_assignment": (11, 12),
    "organisation_membership": (11, 13),
    "objectives_missione": (10, 8),
    "objectives_programma": (11, 9),
    "objectives_plan": (12, 15),
    "objectives_objective": (19, 23),
    "objectives_indicator": (12, 11),
    "objectives_target": (13, 11),
    "objectives_monitoringperiod": (13, 11),
    "objectives_progress": (13, 15),
    "objectives_progressevent": (14, 10),
}
MODELS = {
    "organisation_ente": Ente,
    "organisation_orgunit": OrgUnit,
    "organisation_person": Person,
    "organisation_assignment": Assignment,
    "organisation_membership": Membership,
    "objectives_missione": Missione,
    "objectives_programma": Programma,
    "objectives_plan": Plan,
    "objectives_objective": Objective,
    "objectives_indicator": Indicator,
    "objectives_target": Target,
    "objectives_monitoringperiod": MonitoringPeriod,
    "objectives_progress": Progress,
    "objectives_progressevent": ProgressEvent,
}
TENANT_PAGES = [name for name, model in MODELS.items() if model not in (Missione, Programma)]


def _row_of(name: str, ente):
    model = MODELS[name]
    if model is Ente:
        return ente
    if model in (Missione, Programma):
        return model.objects.order_by("pk").first()
    return model.objects.filter(ente=ente).order_by("pk").first()


def _rows_of(name: str, ente) -> int:
    model = MODELS[name]
    return 1 if model is Ente else model.objects.filter(ente=ente).count()


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_list_page_query_count_is_the_same_with_3_and_33_rows(
    world, client, name, django_assert_num_queries
):
    list_queries, _change = ADMIN_PAGES[name]
    client.force_login(world.controllo)
    url = reverse(f"admin:{name}_changelist")
    populate(world.plan_a, 3)
    client.get(url)  # warm the per-process caches (content types, permissions)
    with django_assert_num_queries(list_queries):
        assert client.get(url).status_code == 200
    populate(world.plan_a, 30)
    with django_assert_num_queries(list_queries):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_change_page_opens_with_pinned_query_count(world, client, name, django_assert_num_queries):
    _list, change_queries = ADMIN_PAGES[name]
    client.force_login(world.controllo)
    populate(world.plan_a, 3)
    url = reverse(f"admin:{name}_change", args=[_row_of(name, world.ente_a).pk])
    client.get(url)
    with django_assert_num_queries(change_queries):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("name", TENANT_PAGES)
def test_staff_of_another_ente_never_sees_the_row(world, client, name):
    populate(world.plan_a, 2)
    populate(world.plan_b, 2)
    row = _row_of(name, world.ente_a)
    client.force_login(world.outsider)
    listing = client.get(reverse(f"admin:{name}_changelist"))
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == _rows_of(name, world.ente_b)
    assert row.pk not in {obj.pk for obj in listing.context["cl"].result_list}
    change = client.get(reverse(f"admin:{name}_change", args=[row.pk]), follow=True)
    # The admin answers a row outside its queryset by going home: "does not exist".
    assert change.redirect_chain[-1][0] == reverse("admin:index")
    client.post(reverse(f"admin:{name}_delete", args=[row.pk]), {"post": "yes"})
    assert MODELS[name].objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize(
    "name",
    ["objectives_objective", "objectives_indicator", "objectives_target", "objectives_progress"],
)
def test_history_of_another_entes_row_is_not_found(world, client, name):
    populate(world.plan_a, 1)
    row = _row_of(name, world.ente_a)
    client.force_login(world.outsider)
    assert client.get(reverse(f"admin:{name}_history", args=[row.pk])).status_code == 404
    client.force_login(world.controllo)
    assert client.get(reverse(f"admin:{name}_history", args=[row.pk])).status_code == 200


def _autocomplete(client, field_name: str, term: str) -> list[str]:
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "objectives",
            "model_name": "objective",
            "field_name": field_name,
            "term": term,
        },
    )
    assert response.status_code == 200
    return [item["text"] for item in response.json()["results"]]


def test_autocomplete_offers_only_own_entes_people(world, client):
    client.force_login(world.controllo)
    assert _autocomplete(client, "dirigente", "") == [
        "Anna Alfieri",
        "Dario Donati",
        "Elena Esposito",
    ]
    assert _autocomplete(client, "dirigente", "Bertoli") == []  # a person of ente B


def test_autocomplete_of_programmes_hides_the_regions_only_ones(world, client):
    client.force_login(world.controllo)
    assert _autocomplete(client, "programma", "Politica regionale unitaria") == []
    assert _autocomplete(client, "programma", "01.02") == ["01.02 Segreteria generale"]


def test_objective_list_filters_and_search(world, client):
    populate(world.plan_a, 4)
    first = Objective.objects.filter(plan=world.plan_a).order_by("pk").first()
    client.force_login(world.controllo)
    url = reverse("admin:objectives_objective_changelist")
    by_person = client.get(url, {"dirigente__id__exact": first.dirigente_id})
    assert [o.pk for o in by_person.context["cl"].result_list] == [first.pk]
    by_search = client.get(url, {"q": first.dirigente.full_name})
    assert [o.pk for o in by_search.context["cl"].result_list] == [first.pk]
    by_plan = client.get(url, {"plan__id__exact": world.plan_a.pk})
    assert by_plan.context["cl"].result_count == 4
    page = by_plan.content.decode()
    assert "PIAO Alfa 2024-2026" in page
    assert "PIAO Beta 2024-2026" not in page  # the plan filter offers only the user's plans


def test_objective_list_shows_share_and_warning(world, client):
    gambini = make_person(world.ente_a, "Simonetta Gambini")
    make_objective(world.plan_a, code="F1", weight=5, dirigente=gambini)
    make_objective(world.plan_a, code="F2", weight=20, dirigente=gambini)
    client.force_login(world.controllo)
    page = client.get(reverse("admin:objectives_objective_changelist")).content.decode()
    assert "20%" in page and "80%" in page
    assert "sommano 25% invece di 100%" in page
