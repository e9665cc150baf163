"""A failing query pin shows every statement it counted, numbered, without -v."""

import pytest

from organisation.models import Ente
from tests.factories import make_ente

pytestmark = pytest.mark.django_db


def test_failing_pin_lists_every_statement_numbered(django_assert_num_queries):
    make_ente("alfa", "Comune di Alfa")
    with pytest.raises(pytest.fail.Exception) as failure, django_assert_num_queries(1):
        list(Ente.objects.filter(slug="alfa"))
        Ente.objects.filter(slug="beta").exists()
    message = str(failure.value)
    assert "Expected to perform 1 queries but 2 were done" in message
    assert "add -v" not in message
    first, second = message.split("\n\n1. ", 1)[1].split("\n\n2. ")
    assert first.startswith("SELECT") and "alfa" in first
    assert "beta" in second and "LIMIT 1" in second


def test_failing_ceiling_lists_the_statements_and_its_info(django_assert_max_num_queries):
    with (
        pytest.raises(pytest.fail.Exception) as failure,
        django_assert_max_num_queries(0, info="la home"),
    ):
        Ente.objects.count()
    message = str(failure.value)
    assert "Expected to perform 0 queries or less but 1 were done\nla home" in message
    assert "1. SELECT COUNT(*)" in message


def test_a_kept_pin_passes_and_counts(django_assert_num_queries):
    with django_assert_num_queries(2) as captured:
        Ente.objects.count()
        Ente.objects.exists()
    assert len(captured) == 2
