"""The permission matrix's table: the answer every persona gets on every URL (see
tests/test_permission_matrix.py, which walks it)."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver

from objectives.models import (
    Objective,
)

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
