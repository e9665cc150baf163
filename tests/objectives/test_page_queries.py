"""Every list, queue and detail page of the cycle: a pinned query count, the same at any size."""

from decimal import Decimal

import pytest
from django.urls import reverse

from objectives.models import Indicator, Objective, Progress, Target
from objectives.services import progress_rows_ensure

pytestmark = pytest.mark.django_db


def grow(cycle, n: int, status: str = Progress.Status.BOZZA) -> None:
    """n more objectives of the dirigente, each with an indicator, a target and a report."""
    start = Objective.objects.filter(plan=cycle.plan).count()
    anna = cycle.progress.responsible
    objectives = Objective.objects.bulk_create(
        Objective(
            ente=cycle.ente,
            plan=cycle.plan,
            code=f"x.{start + i}",
            title=f"Extra {i}",
            dirigente=anna,
            weight=Decimal(1),
            order=start + i,
        )
        for i in range(n)
    )
    indicators = Indicator.objects.bulk_create(
        Indicator(ente=cycle.ente, objective=o, description="n. atti") for o in objectives
    )
    Target.objects.bulk_create(
        Target(ente=cycle.ente, indicator=i, year=2024, comparator=">=", value=Decimal(3))
        for i in indicators
    )
    progress_rows_ensure(period=cycle.period)
    Progress.objects.filter(objective__in=objectives).update(
        status=status, declared_achievement=Decimal(80)
    )


LISTS = [
    # (url name, persona, status of the extra reports, pinned queries)
    ("objectives:todo", "dirigente", "bozza", 15),
    ("objectives:my_objectives", "dirigente", "bozza", 13),
    ("objectives:review_queue", "segretario", "inviato", 14),
    ("objectives:validation_queue", "ndv", "verificato", 14),
    ("objectives:period_list", "controllo", "bozza", 9),
]


@pytest.mark.parametrize("name, persona, status, queries", LISTS)
def test_list_page_queries_are_the_same_with_10_and_1000_rows(
    cycle, client, django_assert_num_queries, name, persona, status, queries
):
    client.force_login(getattr(cycle, persona))
    url = reverse(name)
    grow(cycle, 10, status)
    with django_assert_num_queries(queries):
        first = client.get(url)
    assert first.status_code == 200
    grow(cycle, 990, status)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    if name != "objectives:period_list":  # a period counts its reports instead
        assert response.context["table"].paginator.count >= 1000


DETAILS = [
    ("objectives:objective_detail", "objective", 19),
    ("objectives:progress_detail", "progress", 15),
]


@pytest.mark.parametrize("name, what, queries", DETAILS)
def test_detail_page_queries_do_not_grow_with_indicators(
    cycle, client, django_assert_num_queries, name, what, queries
):
    client.force_login(cycle.dirigente)
    url = reverse(name, args=[getattr(cycle, what).pk])
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    for i in range(20):
        indicator = Indicator.objects.create(
            ente=cycle.ente, objective=cycle.objective, description=f"Altro {i}", order=10 + i
        )
        Target.objects.create(ente=cycle.ente, indicator=indicator, year=2024, value=1)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
