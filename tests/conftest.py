"""Personas and shared fixtures: who is who in the tests."""

import io
import os
from functools import partial
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core.management import call_command

from tests.factories import make_plan
from tests.personas import Personas, build_personas
from tests.queries import assert_num_queries


@pytest.fixture
def django_assert_num_queries():
    """pytest-django's pin, printing the numbered SQL when it fails (without -v)."""
    return assert_num_queries


@pytest.fixture
def django_assert_max_num_queries():
    """pytest-django's ceiling, printing the numbered SQL when it fails (without -v)."""
    return partial(assert_num_queries, exact=False)


@pytest.fixture
def personas(db) -> Personas:
    """Every persona of the suite (tests/personas.py): ente A's people, ente B's, the superuser."""
    return build_personas()


@pytest.fixture
def world(personas):
    """The personas, with a plan in each ente (no objectives).

    `controllo` edits ente A only; `outsider` is the controllo di gestione of ente B;
    `dirigente_a` and `dirigente_b` are the Person of ente A's dirigente and of ente B's.
    """
    return SimpleNamespace(
        **vars(personas),
        plan_a=make_plan(personas.ente_a, title="PIAO Alfa 2024-2026"),
        plan_b=make_plan(personas.ente_b, title="PIAO Beta 2024-2026"),
        dirigente_a=personas.anna,
        dirigente_b=personas.bruno,
    )


@pytest.fixture(scope="session")
def demo_db(django_db_setup, django_db_blocker):
    """The demo data (both seed plans), loaded once per test session into the test database."""
    with django_db_blocker.unblock(), mock.patch.dict(os.environ):
        os.environ.pop("DEMO_PASSWORD", None)  # the tests log in with the default one
        call_command("load_demo", stdout=io.StringIO())


@pytest.fixture
def demo(demo_db, db):
    """Use inside a test that reads the demo plans (each test runs in its own rollback)."""
    return None


@pytest.fixture
def cycle(personas):
    """Ente A in its monitoring period, with the personas in every role of the workflow.

    Objective 1.1 (two number indicators, targets 2024 of >= 10 and <= 5) answers to the
    dirigente Anna Alfieri with the EQ Elena Esposito; objective 2.1 to the dirigente of another
    dipartimento, Dario Donati. The outsider is ente B's controllo di gestione.
    """
    import datetime as dt

    from objectives.models import MonitoringPeriod, Target
    from objectives.services import progress_rows_ensure
    from tests.factories import make_indicator, make_objective

    ente = personas.ente_a
    plan = make_plan(ente, title="PIAO 2024-2026", status="in_monitoraggio")  # its period is open
    objective = make_objective(
        plan,
        code="1.1",
        weight=60,
        dirigente=personas.anna,
        eq=personas.elena,
        title="Ridurre i tempi delle pratiche",
    )
    pratiche = make_indicator(objective, description="Pratiche chiuse", targets=[(2024, 10)])
    giorni = make_indicator(
        objective, description="Giorni medi di risposta", order=1, direction="decrease"
    )
    Target.objects.create(ente=ente, indicator=giorni, year=2024, comparator="<=", value=5)
    other_objective = make_objective(plan, code="2.1", weight=40, dirigente=personas.dario)
    make_indicator(other_objective, description="Eventi", targets=[(2024, 4)])
    period = MonitoringPeriod.objects.create(
        ente=ente,
        plan=plan,
        name="31/12/2024",
        reference_date=dt.date(2024, 12, 31),
        due_date=dt.date(2025, 1, 31),
        is_open=True,
    )
    progress_rows_ensure(period=period)
    return SimpleNamespace(
        **vars(personas),
        ente=ente,
        plan=plan,
        period=period,
        objective=objective,
        other_objective=other_objective,
        pratiche=pratiche,
        giorni=giorni,
        progress=objective.progress.get(),
        other_progress=other_objective.progress.get(),
    )
