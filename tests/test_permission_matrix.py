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

import datetime as dt
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_tasks_db.models import DBTaskResult

from objectives import services
from objectives.models import (
    Missione,
    MonitoringPeriod,
    Objective,
    Plan,
    Programma,
    Progress,
    ProgressEvent,
)
from objectives.services import progress_rows_ensure
from organisation.models import Assignment, Membership, OrgUnit
from reporting.jobs import export_job_task
from reporting.models import ExportJob
from tests.factories import make_indicator, make_objective, make_plan
from tests.personas import MEMBERS_A, MEMBERS_B, PERSONAS, build_personas

LOGIN = "login"
ADMIN_LOGIN = "admin_login"
MISSING = "missing"
DONE = "done"


@dataclass(frozen=True)
class Wrote:
    """A permitted write answering `status` (e.g. a refused import, recorded in the register)."""

    status: object


def to(path: str) -> str:
    """302 to exactly this path (e.g. the admin's index, the login page after a logout)."""
    return path


# What each persona is in the ente they belong to.
ROLE = {
    "dirigente": "responsible",
    "eq": "responsible",
    "other_dirigente": "colleague",
    "segretario": "segretario",
    "ndv": "ndv",
    "viewer": "viewer",
    "controllo": "controllo",
    "outsider": "controllo",
    "outsider_dirigente": "responsible",
    "superuser": "superuser",
    "anonymous": "anonymous",
}
MEMBER_ROLES = {"responsible", "colleague", "segretario", "ndv", "viewer", "controllo"}
ENTE_ROLES = {"segretario", "ndv", "viewer", "controllo"}  # who sees the ente's figures
STAFF = {"controllo", "outsider", "superuser"}

Rule = Callable[[str, bool], object]


def rule(
    ok: object = 200,
    *,
    roles: set[str] = MEMBER_ROLES,
    denied: object = 403,
    other: object = 404,
    superuser: object = None,
    anonymous: object = LOGIN,
    logged_in: object = None,
) -> Rule:
    """The answer of a persona for a row of their own ente (`own`) or of the other one: `ok`
    for the roles allowed, `denied` for the other members, `other` for the other ente's row,
    the superuser (member of no ente) like `other` unless said, anonymous to the login page.
    `logged_in` answers every logged-in persona alike (a method check before anything else)."""

    def answer(persona: str, own: bool) -> object:
        if persona == "anonymous":
            return anonymous
        if logged_in is not None:
            return logged_in
        if persona == "superuser":
            return other if superuser is None else superuser
        if not own:
            return other
        return ok if ROLE[persona] in roles else denied

    return answer


def staff_rule(
    own: object = 200, *, other: object = MISSING, controllo: object = None, superuser=None
) -> Rule:
    """The admin: non-staff users and anonymous go to the admin's login; the controllo di
    gestione gets `own` for their ente's rows (or `controllo` whatever the row), `other` for
    another ente's; the superuser sees every ente (`superuser`, default `own`)."""

    def answer(persona: str, is_own: bool) -> object:
        if persona not in STAFF:
            return ADMIN_LOGIN
        if persona == "superuser":
            return own if superuser is None else superuser
        if controllo is not None:
            return controllo
        return own if is_own else other

    return answer


def controllo_first(ok: object, *, superuser: object) -> Rule:
    """The controllo's pages: 403 for every other role before any row is looked up."""

    def answer(persona: str, own: bool) -> object:
        if persona not in ("controllo", "outsider"):
            return rule(roles={"controllo"}, superuser=superuser, denied=403, other=403)(
                persona, own
            )
        return ok if own else 404

    return answer


EVERYONE_LOGGED_IN = rule(200, superuser=200)
POST_ONLY = rule(logged_in=405)


@dataclass
class Entry:
    """How to reach a URL for a row of ente A or B, and who gets which answer."""

    kwargs: Callable | None  # (data, side) -> kwargs or args; None: the URL has no row
    get: Rule
    post: Rule | None = None  # default: as the GET
    data: Callable | None = None  # (data, side) -> POST body
    query: dict = field(default_factory=dict)
    rows: bool = True  # False: the kwargs name no row of an ente (one side is enough)


def k(**names: str) -> Callable:
    """kwargs from the side's rows: k(pk="plan") -> {"pk": side.plan.pk}."""
    return lambda d, side: {
        name: getattr(getattr(d, side), attr).pk for name, attr in names.items()
    }


def kv(**values) -> Callable:
    """kwargs from the side's rows, or literal values."""

    def build(d, side):
        rows = getattr(d, side)
        out = {}
        for name, value in values.items():
            if callable(value):
                out[name] = value(rows)
            else:
                out[name] = value
        return out

    return build


def _version(name: str, **more) -> Callable:
    return lambda d, side: {"version": getattr(getattr(d, side), name).version} | more


def _save_data(d, side):
    rows = getattr(d, side)
    return {"version": rows.bozza.version, f"m_{rows.indicator.pk}": "7", "action": "save"}


def _pdf(d, side):
    return {"file": SimpleUploadedFile("r.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n")}


WORKFLOW = {
    "objectives:todo": Entry(None, EVERYONE_LOGGED_IN),
    "objectives:my_objectives": Entry(None, EVERYONE_LOGGED_IN),
    "objectives:review_queue": Entry(None, rule(roles={"segretario"}, superuser=403)),
    "objectives:validation_queue": Entry(None, rule(roles={"ndv"}, superuser=403)),
    "objectives:validate_unchanged": Entry(
        None,
        POST_ONLY,
        post=rule(DONE, roles={"ndv"}, superuser=403),
        data=lambda d, side: {"progress": [d.A.verificato.pk]},
    ),
    "objectives:objective_detail": Entry(k(pk="objective"), rule()),
    "objectives:progress_start": Entry(
        k(pk="objective", period_pk="period"), POST_ONLY, post=rule(DONE, roles={"responsible"})
    ),
    "objectives:progress_detail": Entry(k(pk="bozza"), rule()),
    "objectives:progress_save": Entry(
        k(pk="bozza"), POST_ONLY, post=rule(DONE, roles={"responsible"}), data=_save_data
    ),
    "objectives:progress_compute": Entry(k(pk="bozza"), POST_ONLY, post=rule(), data=_save_data),
    "objectives:progress_verify": Entry(
        k(pk="inviato"),
        POST_ONLY,
        post=rule(DONE, roles={"segretario"}),
        data=_version("inviato"),
    ),
    "objectives:progress_return": Entry(
        k(pk="inviato"),
        POST_ONLY,
        post=rule(DONE, roles={"segretario"}),
        data=_version("inviato", note="Manca l'evidenza"),
    ),
    "objectives:progress_validate": Entry(
        k(pk="verificato"),
        POST_ONLY,
        post=rule(DONE, roles={"ndv"}),
        data=_version("verificato", validated="75", reason="Evidenza parziale"),
    ),
    "objectives:progress_reopen": Entry(
        k(pk="validato"),
        POST_ONLY,
        post=rule(DONE, roles={"ndv"}),
        data=_version("validato", reason="Ricalcolo"),
    ),
    # The NdV leaves a report of a closed period out of the evaluation; nobody else may.
    "objectives:progress_exclude": Entry(
        k(pk="excludable"),
        POST_ONLY,
        post=rule(DONE, roles={"ndv"}),
        data=_version("excludable", reason="Obiettivo sospeso"),
    ),
    "objectives:progress_acknowledge": Entry(
        k(pk="validato"),
        POST_ONLY,
        post=rule(DONE, roles={"responsible"}),
        data=_version("validato"),
    ),
    "objectives:evidence_upload": Entry(
        k(pk="bozza"), POST_ONLY, post=rule(DONE, roles={"responsible"}), data=_pdf
    ),
    "objectives:evidence_download": Entry(k(pk="evidence"), rule()),
    "objectives:evidence_delete": Entry(
        k(pk="evidence"), POST_ONLY, post=rule(DONE, roles={"responsible"})
    ),
    "objectives:period_list": Entry(None, rule(roles={"controllo"}, superuser=200)),
    # A closed period of the plan in monitoring (a draft plan's periods do not open).
    "objectives:period_open": Entry(
        k(pk="monitored_period"), POST_ONLY, post=rule(DONE, roles={"controllo"})
    ),
    "objectives:period_close": Entry(
        k(pk="period"), POST_ONLY, post=rule(DONE, roles={"controllo"})
    ),
    "objectives:period_remind": Entry(
        None, POST_ONLY, post=rule(DONE, roles={"controllo"}, superuser=DONE)
    ),
    "objectives:plan_import": Entry(None, rule(roles={"controllo"}, superuser=200)),
    # Only a controllo di gestione imports (403 for anyone else, whatever the upload); another
    # user's upload is not found. The sheet has a rejected row: the preview shows it (400).
    "objectives:plan_import_preview": Entry(
        kv(token=lambda rows: rows.upload_token),
        controllo_first(400, superuser=404),
        post=rule(logged_in=405),
    ),
    # Confirming it refuses the import (400) and records the attempt, nothing else.
    "objectives:plan_import_confirm": Entry(
        kv(token=lambda rows: rows.upload_token),
        POST_ONLY,
        post=controllo_first(Wrote(400), superuser=404),
    ),
    "objectives:plan_import_template": Entry(
        None, rule(roles={"controllo"}, superuser=200), post=rule(logged_in=405)
    ),
    "objectives:plan_detail": Entry(k(pk="plan"), rule()),
    # The plan's life on its page: the controllo di gestione approves a draft (with its
    # delibera) and closes a plan in monitoring whose periods are all closed.
    "objectives:plan_approve": Entry(
        k(pk="plan"),
        POST_ONLY,
        post=rule(DONE, roles={"controllo"}),
        data=lambda d, side: {"act_number": "12", "act_date": "2024-01-15"},
    ),
    "objectives:plan_close": Entry(
        k(pk="monitored"), POST_ONLY, post=rule(DONE, roles={"controllo"})
    ),
}

# A responsible sees their own figures and the ente's headline; the ente's tables, the
# explanation of the ente's figure, its exports and the Relazione are the ente roles'.
REPORTING = {
    "reporting:dashboard_index": Entry(None, EVERYONE_LOGGED_IN),
    "reporting:dashboard_plan": Entry(k(plan_id="plan"), rule(roles=ENTE_ROLES, denied=302)),
    "reporting:dashboard_responsible": Entry(
        k(plan_id="plan", person_id="responsible"),
        # Only the dirigente whose dashboard it is, beside the ente roles; not their EQ.
        lambda p, own: (
            200
            if p in ("dirigente", "outsider_dirigente") and own
            else rule(roles=ENTE_ROLES)(p, own)
        ),
    ),
    "reporting:dashboard_explanation": Entry(k(plan_id="plan"), rule(roles=ENTE_ROLES)),
    "reporting:dashboard_export": Entry(
        kv(plan_id=lambda rows: rows.plan.pk, table_name="dipartimenti"), rule(roles=ENTE_ROLES)
    ),
    "reporting:dashboard_rules": Entry(
        k(plan_id="plan"), rule(roles={"controllo"}), post=rule(400, roles={"controllo"})
    ),
    "reporting:plan_export": Entry(kv(pk=lambda rows: rows.plan.pk, fmt="csv"), rule()),
    "reporting:export_job_list": Entry(k(pk="plan"), rule()),
    "reporting:export_job_start": Entry(
        k(pk="plan"),
        POST_ONLY,
        post=rule(DONE),
        data=lambda d, side: {"kind": "plan", "format": "csv"},
    ),
    "reporting:export_job_detail": Entry(k(pk="job"), rule()),
    # A queued job: cancelled by whoever asked for it (the dirigente) or the controllo; any
    # other member is refused (403), another ente's job is not found.
    "reporting:export_job_cancel": Entry(
        k(pk="queued_job"),
        POST_ONLY,
        post=lambda p, own: (
            DONE
            if own and p in ("dirigente", "outsider_dirigente")
            else rule(DONE, roles={"controllo"})(p, own)
        ),
    ),
    "reporting:export_job_download": Entry(k(pk="job"), rule()),
    # The Relazione is every member's: a dirigente/EQ reads their own sections and the ente's
    # aggregate (as on the dashboard), the ente roles all of it; another ente's is not found.
    "reporting:relazione_index": Entry(k(pk="plan"), rule(302)),
    "reporting:relazione_detail": Entry(kv(pk=lambda rows: rows.plan.pk, year=2024), rule()),
    "reporting:relazione_validate": Entry(
        kv(pk=lambda rows: rows.plan.pk, year=2024),
        POST_ONLY,
        # The year's gate: a period still open, reports not validated: the NdV is told why
        # (400) and nothing is stored; the other roles are refused before it (403).
        post=rule(400, roles={"ndv"}),
        data=lambda d, side: {
            "statement": "Il Nucleo valida la Relazione.",
            "validated_on": "2025-04-30",
            "signatories": "Nicola Neri",
        },
    ),
    "reporting:list_export": Entry(kv(name="todo", fmt="csv"), EVERYONE_LOGGED_IN, rows=False),
    # Open data: public, for every ente, logged in or not.
    "reporting:opendata_index": Entry(
        kv(slug=lambda rows: rows.ente.slug), rule(200, other=200, superuser=200, anonymous=200)
    ),
    "reporting:opendata_plan": Entry(
        kv(slug=lambda rows: rows.ente.slug, pk=lambda rows: rows.published.pk, fmt="csv"),
        rule(200, other=200, superuser=200, anonymous=200),
    ),
    "reporting:opendata_results": Entry(
        kv(slug=lambda rows: rows.ente.slug, pk=lambda rows: rows.published.pk, fmt="json"),
        rule(200, other=200, superuser=200, anonymous=200),
    ),
}

SITE = {
    "home": Entry(None, EVERYONE_LOGGED_IN),
    "login": Entry(None, rule(200, superuser=200, anonymous=200)),
    "logout": Entry(
        None,
        rule(logged_in=405, anonymous=405),
        post=rule(logged_in=to("/accesso/"), anonymous=to("/accesso/")),
    ),
    "nesting_server_data": Entry(None, lambda persona, own: 200 if persona in STAFF else 403),
}

ADMIN_SITE = {
    "admin:index": Entry(None, staff_rule(200)),
    "admin:login": Entry(
        None,
        lambda p, own: 302 if p in STAFF else 200,
        post=lambda p, own: 200,
    ),
    # Django's admin sends whoever may not use it to its index, and a logout to the login page.
    "admin:logout": Entry(
        None,
        lambda p, own: 405 if p in STAFF else to("/admin/"),
        post=lambda p, own: to("/accesso/") if p in STAFF else to("/admin/"),
    ),
    "admin:password_change": Entry(None, staff_rule(200)),
    "admin:password_change_done": Entry(None, staff_rule(200), post=staff_rule(405)),
    "admin:autocomplete": Entry(
        None,
        staff_rule(200),
        post=staff_rule(405),
        query={"app_label": "objectives", "model_name": "objective", "field_name": "dirigente"},
    ),
    "admin:jsi18n": Entry(None, staff_rule(200), post=staff_rule(405)),
    "admin:view_on_site": Entry(
        lambda d, side: {
            "content_type_id": ContentType.objects.get_for_model(Objective).pk,
            "object_id": getattr(d, side).objective.pk,
        },
        # No model of ours has a page of its own to send to: not found, whatever the ente.
        staff_rule(404, other=404),
    ),
    "admin:auth_user_password_change": Entry(
        lambda d, side: {"id": getattr(d, side).admin_rows["auth.user"].pk},
        staff_rule(200, other=200, controllo=403),
    ),
    "admin:app_list": Entry(kv(app_label="objectives"), staff_rule(200), rows=False),
    "admin/(?P<url>.*)$": Entry(kv(url="nessuna-pagina/"), staff_rule(404), rows=False),
}


# The admin's pages of one model: page -> (GET rule, POST rule).
def A(own, other=MISSING, su=None) -> Rule:  # noqa: N802 - short, read in tables
    return staff_rule(own, other=other, superuser=own if su is None else su)


def ente_model(**pages) -> dict:
    """A model of the ente, kept by its controllo di gestione; another ente's row is missing."""
    return {
        "changelist": (A(200, 200), A(200, 200)),
        "add": (A(200, 200), A(200, 200)),
        "change": (A(200), A(200)),
        "delete": (A(200), A(DONE)),
        "history": (A(200, 404), A(200, 404)),
        "redirect": (A(302, 302), A(302, 302)),
        # A past version may be read, never reverted to (issue 10: revert writes around the
        # workflow), by anyone: a POST is refused before the row is looked up (403 whatever
        # the row, which tells nothing of another ente's); another ente's version: 404.
        "version": (A(200, 404), A(403, 403, su=403)),
    } | pages


# The workflow's rows and registers: read-only for everyone, the superuser too.
# A row others depend on (PROTECT): the admin lists what blocks its deletion and deletes nothing.
PROTECTED = {"delete": (A(200), A(200))}
READ_ONLY = {
    "add": (A(403, 403), A(403, 403)),
    # A POST to a read-only admin is refused before the row is looked up: 403 whatever the row.
    "change": (A(200), A(403, 403, su=403)),
    "delete": (A(403, 403), A(403, 403)),
}


def shared_model(*, controllo: dict, superuser: dict | None = None) -> dict:
    """A model of no ente (reference lists, users, login records): the superuser's."""
    pages = {
        "changelist": (200, 200),
        "add": (200, 200),
        "change": (200, 200),
        "delete": (200, DONE),
        "history": (200, 200),
        "redirect": (302, 302),
    } | (superuser or {})
    return {
        page: tuple(
            staff_rule(su, other=su, controllo=controllo.get(page, (403, 403))[i], superuser=su)
            for i, su in enumerate(answers)
        )
        for page, answers in pages.items()
    }


NO_RIGHTS = {"redirect": (302, 302)}  # the controllo gets 403 on every page
REFERENCE = {
    "changelist": (200, 200),
    "change": (200, 403),
    "history": (200, 200),
    "redirect": (302, 302),
}


def _forged_validation(d, side) -> dict:
    """The progress change form saying validato at 100%: no NdV, no event (issue 10, point 1)."""
    from django.forms.models import model_to_dict

    report = getattr(d, side).bozza
    body = {k: v for k, v in model_to_dict(report).items() if v is not None and k != "ente"}
    body |= {"status": "validato", "validated_achievement": "100", "declared_achievement": "100"}
    return body | {"measurements-TOTAL_FORMS": "0", "measurements-INITIAL_FORMS": "0"}


# The POST bodies of the admin's attacks (others post an empty form, or confirm a delete).
FORGED = {
    ("objectives.progress", "change"): _forged_validation,
    ("objectives.monitoringperiod", "changelist"): lambda d, side: {
        "action": "close_periods",
        "index": "0",
        "_selected_action": [getattr(d, side).period.pk],
    },
}
AXES = {"add": (403, 403), "change": (200, DONE)}
KEPT = {"delete": (200, 200)}
TASKS = {"add": (403, 403), "change": (200, 403), "delete": (403, 403)}
PERIODS = "/admin/objectives/monitoringperiod/"
ADMIN_MODELS = {
    "organisation.ente": ente_model(
        add=(A(403, 403, su=200), A(403, 403, su=200)),
        delete=(A(403, 403, su=200), A(403, 403, su=200)),
    ),
    "organisation.orgunit": ente_model(**PROTECTED),
    "organisation.person": ente_model(**PROTECTED),
    "organisation.assignment": ente_model(),
    "organisation.membership": ente_model(),
    "objectives.plan": ente_model(**PROTECTED),
    # Its reports and their evidence would go with it, and nobody deletes those in the admin:
    # Django lists them on the confirmation page and refuses the POST.
    "objectives.objective": ente_model(delete=(A(200), A(403))),
    "objectives.indicator": ente_model(),
    "objectives.target": ente_model(),
    # Created through `period_create`, opened and closed by the changelist's actions (the
    # controllo closes their ente's open period; another ente's selected is not in their
    # queryset and nothing happens; the superuser, of no ente, is refused by the service);
    # never changed or deleted.
    "objectives.monitoringperiod": ente_model(
        changelist=(A(200, 200), A(DONE, to(PERIODS), su=to(PERIODS))),
        change=READ_ONLY["change"],
        delete=READ_ONLY["delete"],
    ),
    "objectives.evidence": ente_model(**READ_ONLY),
    "objectives.progress": ente_model(**READ_ONLY),
    "objectives.progressevent": ente_model(**READ_ONLY),
    "objectives.importrecord": ente_model(**READ_ONLY),
    # A missione has programmi, a user has audit events: the superuser's delete is refused too.
    "objectives.missione": shared_model(controllo=REFERENCE, superuser=KEPT),
    "objectives.programma": shared_model(controllo=REFERENCE),
    "auth.user": shared_model(controllo=NO_RIGHTS, superuser=KEPT),
    "auth.group": shared_model(controllo=NO_RIGHTS),
    # axes' login records: read-only (its own admin), the superuser may delete them.
    "axes.accessattempt": shared_model(controllo=NO_RIGHTS, superuser=AXES),
    "axes.accesslog": shared_model(controllo=NO_RIGHTS, superuser=AXES),
    "axes.accessfailurelog": shared_model(controllo=NO_RIGHTS, superuser=AXES),
    # django-tasks-db's own admin of the task rows: read-only, for the superuser only.
    "django_tasks_database.dbtaskresult": shared_model(controllo=NO_RIGHTS, superuser=TASKS),
}
SUFFIX = {"_changelist": "changelist", "_add": "add", "_change": "change", "_delete": "delete"}
SUFFIX |= {"_history": "history", "_simple_history": "version"}


def _object_kwargs(label: str, page: str) -> Callable | None:
    if page in ("changelist", "add"):
        return None

    def build(d, side):
        row = getattr(d, side).admin_rows[label]
        pk = row.pk if row is not None else 999999
        if page == "version":
            return [pk, row.history.order_by("history_id").first().history_id]
        return {"object_id": pk}

    return build


def admin_entries() -> dict[str, Entry]:
    """One entry per page of every registered model, from its ADMIN_MODELS rules."""
    entries = {}
    names = url_names()
    for model in admin.site._registry:
        label = model._meta.label_lower
        if label not in ADMIN_MODELS:
            continue  # test_every_url_has_an_entry names its pages
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        route = f"admin/{model._meta.app_label}/{model._meta.model_name}/<path:object_id>/"
        for page, (get, post) in ADMIN_MODELS[label].items():
            if page == "redirect":
                entries[route] = Entry(_object_kwargs(label, page), get, post)
                continue
            suffix = next(s for s, p in SUFFIX.items() if p == page)
            if prefix + suffix in names:
                # A delete is confirmed with "post": the real thing, not its confirmation page.
                data = FORGED.get((label, page))
                if page == "delete":
                    data = lambda d, side: {"post": "yes"}  # noqa: E731
                kwargs = _object_kwargs(label, page)
                if kwargs is None and data is not None:
                    kwargs = lambda d, side: {}  # noqa: E731 - the body names each side's row
                entries[prefix + suffix] = Entry(kwargs, get, post, data)
    return entries


# ----------------------------------------------------------------------------------------------
# The URL configuration


def url_names() -> dict[str, URLPattern]:
    """Every URL pattern by name (namespaced), or by its full route when it has none."""
    found: dict[str, URLPattern] = {}

    def walk(resolver: URLResolver, prefix: str, namespace: str | None) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                ns = namespace
                if pattern.namespace:
                    ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern, prefix + str(pattern.pattern), ns)
            elif pattern.name:
                found[f"{namespace}:{pattern.name}" if namespace else pattern.name] = pattern
            else:
                found[prefix + str(pattern.pattern)] = pattern

    walk(get_resolver(), "", None)
    return found


MATRIX: dict[str, Entry] = {**SITE, **WORKFLOW, **REPORTING, **ADMIN_SITE, **admin_entries()}


def test_every_url_has_an_entry():
    missing = sorted(set(url_names()) - set(MATRIX))
    assert not missing, "URLs without an entry in the permission matrix: " + ", ".join(missing)


def test_every_entry_is_a_url():
    stale = sorted(set(MATRIX) - set(url_names()))
    assert not stale, "Entries of the permission matrix for no URL: " + ", ".join(stale)


# ----------------------------------------------------------------------------------------------
# The data: both entes alike, through the persona set


def _report(objective, period, state: str, p, ndv, segretario) -> Progress:
    """The objective's report brought to `state` through the services."""
    progress = objective.progress.get(period=period)
    if state == "bozza":
        return progress
    Progress.objects.filter(pk=progress.pk).update(declared_achievement=Decimal(80))
    services.progress_submit(progress_id=progress.pk, version=1, acting_user=p)
    if state != "inviato":
        services.progress_verify(progress_id=progress.pk, version=2, acting_user=segretario)
    if state == "validato":
        services.progress_validate(
            progress_id=progress.pk,
            version=3,
            acting_user=ndv,
            validated=Decimal(80),
            reason="",
            ndv_notes="",
        )
    return Progress.objects.get(pk=progress.pk)


def _ente_rows(personas, ente, *, dirigente, eq, controllo, ndv, segretario, colleague=None):
    from objectives.models import ImportRecord

    plan = make_plan(ente, title=f"PIAO {ente.name}")
    unit = OrgUnit.objects.create(ente=ente, kind="dipartimento", code="01", name="Affari")
    person = dirigente.people.get(ente=ente)
    assignment = Assignment.objects.create(ente=ente, person=person, unit=unit, role="dirigente")
    objectives = {}
    for n, state in enumerate(["bozza", "inviato", "verificato", "validato"], start=1):
        eq_person = eq.people.get(ente=ente) if eq else None
        objective = make_objective(plan, code=f"{n}.1", weight=10, dirigente=person, eq=eq_person)
        objectives[state] = objective
    indicator = make_indicator(objectives["bozza"], description="Pratiche", targets=[(2024, 10)])
    if colleague is not None:
        make_objective(plan, code="9.1", weight=10, dirigente=colleague.people.get(ente=ente))
    period = MonitoringPeriod.objects.create(
        ente=ente,
        plan=plan,
        name="31/12/2024",
        reference_date=dt.date(2024, 12, 31),
        due_date=dt.date(2025, 1, 31),
        is_open=True,
    )
    closed = MonitoringPeriod.objects.create(
        ente=ente, plan=plan, name="30/06/2024", reference_date=dt.date(2024, 6, 30)
    )
    progress_rows_ensure(period=period)
    reports = {
        state: _report(objective, period, state, dirigente, ndv, segretario)
        for state, objective in objectives.items()
    }
    evidence = services.evidence_add(
        progress_id=reports["bozza"].pk,
        acting_user=dirigente,
        upload=SimpleUploadedFile("r.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    job = ExportJob.objects.create(
        ente=ente, plan=plan, kind="plan", format="csv", status=ExportJob.Status.DONE
    )
    job.file.save("piano.csv", ContentFile(b"a;b\n"), save=True)
    published = make_plan(ente, title=f"Piano pubblicato {ente.name}", status=Plan.Status.VALIDATO)
    monitored = make_plan(
        ente,
        title=f"Piano in monitoraggio {ente.name}",
        status=Plan.Status.IN_MONITORAGGIO,
        approval_act_number="1",
        approval_act_date=dt.date(2024, 1, 15),
    )
    monitored_period = MonitoringPeriod.objects.create(
        ente=ente, plan=monitored, name="30/06/2024", reference_date=dt.date(2024, 6, 30)
    )
    queued_job = ExportJob.objects.create(
        ente=ente, plan=plan, kind="plan", format="pdf", requested_by=dirigente
    )
    # A draft report of the closed period, never sent: the NdV may exclude it.
    progress_rows_ensure(period=closed)
    excludable = Progress.objects.get(
        period=closed, objective=objectives["inviato"], responsible=person
    )
    record = ImportRecord.objects.create(ente=ente, file_name="piano.xlsx", outcome="refused")
    upload_token = _upload(controllo, ente)
    target = indicator.targets.first()
    reports = {state: Progress.objects.get(pk=report.pk) for state, report in reports.items()}
    event = ProgressEvent.objects.filter(progress=reports["inviato"]).first()
    return SimpleNamespace(
        ente=ente,
        plan=plan,
        published=published,
        objective=objectives["bozza"],
        indicator=indicator,
        period=period,
        closed_period=closed,
        responsible=person,
        evidence=evidence,
        job=job,
        queued_job=queued_job,
        monitored=monitored,
        monitored_period=monitored_period,
        excludable=excludable,
        upload_token=upload_token,
        **reports,
        admin_rows={
            "organisation.ente": ente,
            "organisation.orgunit": unit,
            "organisation.person": person,
            "organisation.assignment": assignment,
            "organisation.membership": Membership.objects.get(user=controllo, ente=ente),
            "objectives.plan": plan,
            "objectives.objective": objectives["bozza"],
            "objectives.indicator": indicator,
            "objectives.target": target,
            "objectives.monitoringperiod": period,
            "objectives.evidence": evidence,
            "objectives.progress": reports["bozza"],
            "objectives.progressevent": event,
            "objectives.importrecord": record,
            "objectives.missione": Missione.objects.order_by("pk").first(),
            "objectives.programma": Programma.objects.order_by("pk").first(),
            "auth.user": dirigente,
            "auth.group": controllo.groups.first(),
            "axes.accessattempt": None,
            "axes.accesslog": None,
            "axes.accessfailurelog": None,
            "django_tasks_database.dbtaskresult": None,
        },
    )


def _upload(controllo, ente) -> str:
    """A sheet the controllo uploaded for import, with one rejected row (nothing to save)."""
    from objectives.plan_import.uploads import receive_upload

    sheet = b"codice;obiettivo;peso\n1.1;;abc\n"
    choice = {
        "file": SimpleUploadedFile("piano.csv", sheet),
        "ente": ente,
        "plan": None,
        "title": "Piano importato",
        "first_year": 2024,
        "last_year": 2024,
    }
    return receive_upload(choice, user=controllo)


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


def _login_records() -> dict:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    seen = {"user_agent": "test", "ip_address": "10.0.0.1", "username": "anna"}
    seen |= {"http_accept": "*/*", "path_info": "/accesso/"}
    return {
        "axes.accessattempt": AccessAttempt.objects.create(
            **seen, get_data="", post_data="", failures_since_start=1
        ),
        "axes.accesslog": AccessLog.objects.create(**seen),
        "axes.accessfailurelog": AccessFailureLog.objects.create(**seen),
    }


def _member(ente, username, role):
    from tests.factories import make_user

    return make_user(username, ente=ente, role=role)


FINGERPRINT_MODELS = [
    "organisation",
    "objectives",
    "reporting",
    "auth.user",
    "auth.group",
]


def _fingerprint_sql() -> str:
    tables = []
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if model._meta.app_label in FINGERPRINT_MODELS or label in FINGERPRINT_MODELS:
            tables.append(model._meta.db_table)
    counts = ", ".join(f"(SELECT COUNT(*) FROM {connection.ops.quote_name(t)})" for t in tables)
    return f"SELECT {counts}"


def fingerprint() -> tuple:
    """Counts of every table of ours (history included) and the states that a write moves."""
    with connection.cursor() as cursor:
        cursor.execute(_fingerprint_sql())
        counts = cursor.fetchone()
    return (
        counts,
        list(Progress.objects.order_by("pk").values_list("pk", "status", "version")),
        list(MonitoringPeriod.objects.order_by("pk").values_list("pk", "is_open")),
        list(Plan.objects.order_by("pk").values_list("pk", "status", "scoring_rules")),
        list(ExportJob.objects.order_by("pk").values_list("pk", "status")),
    )


# ----------------------------------------------------------------------------------------------
# The requests


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
