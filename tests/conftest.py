"""Personas and shared fixtures: who is who in the tests."""

import io
import os
from functools import partial
from types import SimpleNamespace
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from organisation.models import Membership
from organisation.services import ensure_controllo_group
from tests.factories import make_ente, make_person, make_plan, make_user
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
def world(db):
    """Two entes; in each a controllo di gestione user, a dirigente and a plan.

    `controllo` edits ente A only; `outsider` is the controllo di gestione of ente B.
    """
    group: Group = ensure_controllo_group()
    ente_a = make_ente("alfa", "Comune di Alfa")
    ente_b = make_ente("beta", "Comune di Beta")
    controllo = make_user("controllo-a", ente=ente_a, role=Membership.Role.CONTROLLO, is_staff=True)
    controllo.groups.add(group)
    outsider = make_user("controllo-b", ente=ente_b, role=Membership.Role.CONTROLLO, is_staff=True)
    outsider.groups.add(group)
    viewer = make_user("lettore-a", ente=ente_a, role=Membership.Role.VIEWER)
    superuser = make_user("root", is_staff=True, is_superuser=True)
    plan_a = make_plan(ente_a, title="PIAO Alfa 2024-2026")
    plan_b = make_plan(ente_b, title="PIAO Beta 2024-2026")
    return SimpleNamespace(
        ente_a=ente_a,
        ente_b=ente_b,
        controllo=controllo,
        outsider=outsider,
        viewer=viewer,
        superuser=superuser,
        plan_a=plan_a,
        plan_b=plan_b,
        dirigente_a=make_person(ente_a, "Anna Alfieri"),
        dirigente_b=make_person(ente_b, "Bruno Bertoli"),
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
def cycle(db):
    """One ente in its monitoring period, with a person for every role of the workflow.

    Objective 1.1 (two number indicators, targets 2024 of >= 10 and <= 5) answers to the
    dirigente Anna Alfieri with the EQ Elena Esposito; objective 2.1 to the dirigente of another
    dipartimento, Dario Donati. The outsider is a dirigente of another ente.
    """
    import datetime as dt

    from objectives.models import MonitoringPeriod
    from objectives.services import progress_rows_ensure
    from tests.factories import make_indicator, make_objective

    ente = make_ente("ciclo", "Comune di Ciclo")
    plan = make_plan(ente, title="PIAO 2024-2026")

    def person_user(name: str, username: str, role: str):
        user = make_user(username, ente=ente, role=role, email=f"{username}@example.org")
        return make_person(ente, name, user=user), user

    dirigente, dirigente_user = person_user("Anna Alfieri", "anna", Membership.Role.RESPONSABILE)
    eq, eq_user = person_user("Elena Esposito", "elena", Membership.Role.RESPONSABILE)
    other, other_user = person_user("Dario Donati", "dario", Membership.Role.RESPONSABILE)
    objective = make_objective(
        plan,
        code="1.1",
        weight=60,
        dirigente=dirigente,
        eq=eq,
        title="Ridurre i tempi delle pratiche",
    )
    pratiche = make_indicator(objective, description="Pratiche chiuse", targets=[(2024, 10)])
    giorni = make_indicator(
        objective, description="Giorni medi di risposta", order=1, direction="decrease"
    )
    from objectives.models import Target

    Target.objects.create(ente=ente, indicator=giorni, year=2024, comparator="<=", value=5)
    other_objective = make_objective(plan, code="2.1", weight=40, dirigente=other)
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
    outsider_ente = make_ente("fuori", "Comune di Fuori")
    outsider = make_user("ottavio", ente=outsider_ente, role=Membership.Role.RESPONSABILE)
    return SimpleNamespace(
        ente=ente,
        plan=plan,
        period=period,
        objective=objective,
        other_objective=other_objective,
        pratiche=pratiche,
        giorni=giorni,
        progress=objective.progress.get(),
        other_progress=other_objective.progress.get(),
        dirigente=dirigente_user,
        eq=eq_user,
        other_dirigente=other_user,
        segretario=make_user(
            "sara", ente=ente, role=Membership.Role.SEGRETARIO, email="sara@example.org"
        ),
        ndv=make_user("nicola", ente=ente, role=Membership.Role.NDV, email="nicola@example.org"),
        viewer=make_user("vera", ente=ente, role=Membership.Role.VIEWER),
        controllo=make_user("carla", ente=ente, role=Membership.Role.CONTROLLO, is_staff=True),
        outsider=outsider,
    )
