"""Each dashboard is a few aggregate queries: the same number with 10 and 1,000 objectives."""

from decimal import Decimal

import pytest
from django.urls import reverse

from objectives.models import Progress
from objectives.synthetic import make_synthetic_ente, make_synthetic_progress
from organisation.models import Membership, OrgUnit, Person
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PAGES = [
    # (page, pinned queries)
    ("ente", 27),  # 28 until the dipartimenti took two queries, not three
    ("ente_filtered", 28),
    ("responsible", 21),
    ("explanation", 17),  # the page of parts: a COUNT and one slice
    ("export", 18),
]


def url_of(page: str, plan) -> str:
    unit = OrgUnit.objects.filter(ente=plan.ente, kind="dipartimento").order_by("pk").first()
    person = Person.objects.filter(ente=plan.ente).order_by("pk").first()
    return {
        "ente": reverse("reporting:dashboard_plan", args=[plan.pk]),
        "ente_filtered": reverse("reporting:dashboard_plan", args=[plan.pk])
        + f"?dipartimento={unit.pk}&sezione=specifici",
        "responsible": reverse("reporting:dashboard_responsible", args=[plan.pk, person.pk]),
        "explanation": reverse("reporting:dashboard_explanation", args=[plan.pk])
        + f"?dipartimento={unit.pk}",
        "export": reverse("reporting:dashboard_export", args=[plan.pk, "responsabili"]),
    }[page]


@pytest.mark.parametrize("page, queries", PAGES)
@pytest.mark.parametrize("size", [10, 1000])
def test_dashboard_queries_do_not_grow_with_the_plan(
    client, django_assert_num_queries, page, queries, size
):
    plan = make_synthetic_ente(1, size)
    _june, december = make_synthetic_progress(plan)
    # Every dirigente has a late report and one at risk, whatever the random states.
    for person in Person.objects.filter(ente=plan.ente):
        late, at_risk = Progress.objects.filter(period=december, responsible=person)[:2]
        Progress.objects.filter(pk=late.pk).update(
            status="bozza", computed_achievement=None, validated_achievement=None
        )
        Progress.objects.filter(pk=at_risk.pk).update(
            status="validato", validated_achievement=Decimal(40)
        )
    segretario = make_user("segretario-sintetico", ente=plan.ente, role=Membership.Role.SEGRETARIO)
    client.force_login(segretario)
    url = url_of(page, plan)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
