"""Every URL of the site × every persona × own / other ente × GET and POST: the answer each gets.

The table `MATRIX` has one entry per URL name (the admin's and nested_admin's included, the
admin's unnamed patterns by their route), generated from `django.urls.get_resolver()`;
`test_every_url_has_an_entry` fails, naming it, when a URL is added without one. Adding an entry
is one line: `"app:name": Entry(kwargs, get=rule, post=rule, data=...)`.

One data set per module (both entes, built through the persona set of tests/personas.py); every
request runs in a savepoint rolled back after it, so that a permitted write does not change what
the next request sees. Every refused POST is checked to have changed nothing (a fingerprint of
every table: counts, states, versions, history rows).

Outcomes: a status code, or LOGIN (302 to the login page), ADMIN_LOGIN (302 to the admin's),
MISSING (the admin's answer for a row outside its queryset: 302 to the admin index, "doesn't
exist"), DONE (a permitted write: 302 elsewhere; the only POST allowed to change data).
"""

import tempfile
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from reporting.jobs import export_job_task
from tests.matrix_data import _ente_rows, _login_records, _member, fingerprint
from tests.matrix_table import (
    ADMIN_LOGIN,
    DONE,
    LOGIN,
    MATRIX,
    MISSING,
    STAFF,
    Entry,
    Wrote,
    url_names,
)
from tests.personas import MEMBERS_A, MEMBERS_B, PERSONAS, build_personas


def test_every_url_has_an_entry():
    missing = sorted(set(url_names()) - set(MATRIX))
    assert not missing, "URLs without an entry in the permission matrix: " + ", ".join(missing)


def test_every_entry_is_a_url():
    stale = sorted(set(MATRIX) - set(url_names()))
    assert not stale, "Entries of the permission matrix for no URL: " + ", ".join(stale)


# ----------------------------------------------------------------------------------------------
# The data: both entes alike, through the persona set


@pytest.fixture(scope="module")
def matrix_data(django_db_setup, django_db_blocker):
    """Both entes with a plan in monitoring, reports in every state, evidence, a finished
    export, an import waiting; built once per module and rolled back at its end."""
    media = tempfile.TemporaryDirectory()
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media.name, EXPORT_JOBS_INLINE=True),
        transaction.atomic(),
    ):
        p = build_personas()
        a = _ente_rows(
            p,
            p.ente_a,
            dirigente=p.dirigente,
            eq=p.eq,
            controllo=p.controllo,
            ndv=p.ndv,
            segretario=p.segretario,
            colleague=p.other_dirigente,
        )
        # Ente B has no NdV or segretario of its own among the personas: its reports move
        # through the workflow by its controllo's hand, as a data set only.
        b = _ente_rows(
            p,
            p.ente_b,
            dirigente=p.outsider_dirigente,
            eq=None,
            controllo=p.outsider,
            ndv=_member(p.ente_b, "ndv-b", "ndv"),
            segretario=_member(p.ente_b, "segretario-b", "segretario"),
        )
        task = DBTaskResult.objects.get(pk=export_job_task.enqueue(a.queued_job.pk).id)
        a.admin_rows["django_tasks_database.dbtaskresult"] = task
        b.admin_rows["django_tasks_database.dbtaskresult"] = task
        for label, row in _login_records().items():
            a.admin_rows[label] = b.admin_rows[label] = row
        data = SimpleNamespace(personas=p, A=a, B=b)
        data.fingerprint = fingerprint()
        data.sessions = {}  # one login per persona for the module: its session cookie
        for persona in PERSONAS:
            if persona != "anonymous":
                client = Client()
                client.force_login(p.user(persona))
                data.sessions[persona] = client.cookies[settings.SESSION_COOKIE_NAME].value
        yield data
        transaction.set_rollback(True)
    media.cleanup()


def _sides(name: str, entry: Entry, persona: str) -> list[tuple[str, bool]]:
    """(side, own) pairs: the rows of ente A and of ente B, own for their members. Whoever
    belongs to neither ente, and whoever the admin turns away at its door, meets one side:
    the row cannot change their answer."""
    if entry.kwargs is None or not entry.rows:
        return [("A", persona not in ("superuser", "anonymous"))]
    if persona == "anonymous" or (persona == "superuser" and not name.startswith("admin")):
        return [("A", False)]
    if name.startswith("admin") and persona not in STAFF:
        return [("A", persona in MEMBERS_A)]
    own = "A" if persona in MEMBERS_A else "B" if persona in MEMBERS_B else None
    return [("A", own == "A"), ("B", own == "B")]


def _matches(response, expected) -> bool:
    location = response.get("Location", "")
    if isinstance(expected, Wrote):
        expected = expected.status
    if isinstance(expected, str) and expected.startswith("/"):
        return response.status_code == 302 and location == expected
    if expected == LOGIN:
        return response.status_code == 302 and location.startswith(reverse("login"))
    if expected == ADMIN_LOGIN:
        return response.status_code == 302 and location.startswith(reverse("admin:login"))
    if expected == MISSING:
        return response.status_code == 302 and location == reverse("admin:index")
    if expected == DONE:
        return response.status_code == 302 and not location.startswith(
            (reverse("login"), reverse("admin:login"))
        )
    return response.status_code == expected


def _shown(response) -> str:
    if response.status_code in (301, 302):
        return f"{response.status_code} → {response['Location']}"
    return str(response.status_code)


def _url(name: str, entry: Entry, data, side: str) -> str:
    kwargs = entry.kwargs(data, side) if entry.kwargs else {}
    if name.startswith("admin/") and "<path:object_id>" in name:
        _admin, app, model, *_rest = name.split("/")
        change = reverse(f"admin:{app}_{model}_change", kwargs=kwargs)
        return change.removesuffix("change/")
    if "/" in name:  # the admin's catch-all
        return "/admin/" + kwargs["url"]
    if isinstance(kwargs, list):
        return reverse(name, args=kwargs)
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_matrix(matrix_data, name, persona, db):
    entry = MATRIX[name]
    wrong = []
    for side, own in _sides(name, entry, persona):
        url = _url(name, entry, matrix_data, side)
        for method, expected_rule in (("GET", entry.get), ("POST", entry.post or entry.get)):
            expected = expected_rule(persona, own)
            client = Client()
            if persona in matrix_data.sessions:
                client.cookies[settings.SESSION_COOKIE_NAME] = matrix_data.sessions[persona]
            body = entry.data(matrix_data, side) if entry.data and method == "POST" else {}
            with transaction.atomic():
                if method == "GET":
                    response = client.get(url, entry.query)
                else:
                    response = client.post(url + _query(entry), body)
                changed = (
                    method == "POST"
                    and expected != DONE
                    and not isinstance(expected, Wrote)
                    and fingerprint() != matrix_data.fingerprint
                )
                transaction.set_rollback(True)
            where = f"{method} {url} ({'own' if own else 'other'} ente, side {side})"
            if not _matches(response, expected):
                wrong.append(f"{where}: expected {expected}, got {_shown(response)}")
            if changed:
                wrong.append(f"{where}: refused or read-only, yet the data changed")
    assert not wrong, f"{name} as {persona}:\n" + "\n".join(wrong)


def _query(entry: Entry) -> str:
    from urllib.parse import urlencode

    return f"?{urlencode(entry.query)}" if entry.query else ""
