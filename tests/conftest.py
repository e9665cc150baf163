"""Personas and shared fixtures: who is who in the tests."""

import io
import os
from types import SimpleNamespace
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from organisation.models import Membership
from organisation.services import ensure_controllo_group
from tests.factories import make_ente, make_person, make_plan, make_user


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
