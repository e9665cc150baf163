"""The attacks that worked (issue 10, finding 6) and the English error pages (finding 7), each
refused now: escaped echoes under a CSP, clear Italian 400s instead of 500s, bounded input,
no-store for what a logged-in user sees, login throttling per client behind a proxy."""

import time

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse

from objectives.models import Measurement, Plan, Progress
from piao import errors
from tests.factories import make_user

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('piao')</script>"


def test_a_dashboard_filter_echoes_the_bad_value_escaped_in_italian(cycle, client):
    client.force_login(cycle.ndv)
    for url in (
        reverse("reporting:dashboard_plan", args=[cycle.plan.pk]),
        reverse("reporting:dashboard_export", args=[cycle.plan.pk, "responsabili"]),
    ):
        response = client.get(url, {"sezione": SCRIPT})
        html = response.content.decode()
        assert response.status_code == 400
        assert SCRIPT not in html and "&lt;script&gt;" in html
        assert "Richiesta non valida" in html and "Filtro non valido" in html
        assert "piao" in html and 'href="/"' in html  # the site's look, a way home


def test_every_page_forbids_inline_script(cycle, client):
    client.force_login(cycle.controllo)
    for url in (
        reverse("home"),
        reverse("reporting:dashboard_plan", args=[cycle.plan.pk]),
        "/admin/",
        reverse("reporting:opendata_index", args=[cycle.ente.slug]),
        "/non-esiste/",
    ):
        policy = client.get(url)["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["script-src"] == "'self'", url
        assert "unsafe-inline" not in directives["script-src"]
        assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"


def test_our_templates_have_no_inline_script_or_handler():
    import re

    pattern = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)|\son[a-z]+=|javascript:")
    offenders = [
        str(path)
        for path in (settings.BASE_DIR / "templates").rglob("*.html")
        if pattern.search(path.read_text())
    ]
    assert offenders == []


def test_error_pages_are_italian_and_show_our_message(cycle, client):
    client.force_login(cycle.dirigente)
    missing = client.get("/non-esiste/")
    assert missing.status_code == 404 and "Pagina non trovata" in missing.content.decode()
    assert "Not Found" not in missing.content.decode()
    plan = client.get(reverse("reporting:dashboard_plan", args=[999999]))
    assert plan.status_code == 404 and "Piano non trovato." in plan.content.decode()
    denied = client.get(reverse("objectives:plan_import"))
    assert denied.status_code == 403
    html = denied.content.decode()
    assert "Non hai il permesso" in html and "Solo il controllo di gestione" in html
    # Django's own English texts are not shown.
    from django.http import Http404

    page = errors.page_not_found(
        RequestFactory().get("/"), Http404("No Plan matches the given query.")
    )
    assert b"No Plan matches" not in page.content and b"Pagina non trovata" in page.content


def test_the_500_page_is_italian_and_needs_no_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = errors.server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500 and "Errore del server" in html and 'lang="it"' in html


def test_a_csrf_failure_is_explained_in_italian(cycle):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cycle.dirigente)
    response = client.post(reverse("objectives:progress_save", args=[cycle.progress.pk]), {})
    assert response.status_code == 403 and "Modulo scaduto" in response.content.decode()


@pytest.mark.parametrize("sort", ["bogus", "-", "--code", "code,xx", SCRIPT])
def test_odd_sort_on_the_plan_page_is_an_italian_400(cycle, client, sort):
    client.force_login(cycle.viewer)
    response = client.get(reverse("objectives:plan_detail", args=[cycle.plan.pk]), {"sort": sort})
    assert response.status_code == 400
    assert "Ordinamento non valido" in response.content.decode()
    assert SCRIPT not in response.content.decode()


@pytest.mark.parametrize(
    ("name", "value"), [("page", "0"), ("page", "-1"), ("per_page", "0"), ("per_page", "100000")]
)
def test_odd_page_values_are_an_italian_400(cycle, client, name, value):
    client.force_login(cycle.viewer)
    response = client.get(reverse("objectives:plan_detail", args=[cycle.plan.pk]), {name: value})
    assert response.status_code == 400 and "non valid" in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("bands", "0: 0\n50: 1e999999"),
        ("bands", "0: 0\n" + "9" * 100_000 + ": proporzionale"),
        ("pay_bands", "0: 0 E\n" + "9" * 5000 + ": 100 A"),
        ("weight_categories", "²: 3"),
        ("weight_categories", "1: 1e999999"),
    ],
)
def test_huge_numbers_in_the_rules_are_refused_fast(cycle, client, field, value):
    from tests.reporting.test_scoring_rules import VALID_POST, rules_url

    client.force_login(cycle.controllo)
    before = Plan.objects.get(pk=cycle.plan.pk).scoring_rules
    started = time.monotonic()
    response = client.post(rules_url(cycle.plan), VALID_POST | {field: value})
    assert time.monotonic() - started < 20  # it used to pin a worker for minutes
    assert response.status_code == 400
    assert Plan.objects.get(pk=cycle.plan.pk).scoring_rules == before


def test_a_year_that_is_not_a_number_is_a_404_in_italian(cycle, client):
    client.force_login(cycle.ndv)
    response = client.get(f"/piano/{cycle.plan.pk}/relazione/abc/")
    assert response.status_code == 404 and "Pagina non trovata" in response.content.decode()
    start = reverse("reporting:export_job_start", args=[cycle.plan.pk])
    bad = client.post(start, {"kind": "relazione", "format": "pdf", "year": "abc"})
    assert bad.status_code == 400


def test_a_two_megabyte_justification_is_refused_and_nothing_saved(cycle, client):
    from tests.objectives.test_progress_views import form_data

    client.force_login(cycle.dirigente)
    url = reverse("objectives:progress_save", args=[cycle.progress.pk])
    response = client.post(url, form_data(cycle, justification="x" * 2_000_000))
    assert response.status_code == 400
    assert "5000 caratteri" in response.content.decode()
    assert response.content.count(b"x" * 1000) <= 2_000  # the text back once, for editing
    assert not Measurement.objects.filter(progress=cycle.progress).exists()
    assert Progress.objects.get(pk=cycle.progress.pk).justification == ""
    for form_name in ("note", "reason", "ndv_notes", "responsible_notes"):
        from objectives import forms

        declared = [
            field
            for form in (forms.ProgressForm, forms.ReturnForm, forms.ValidateForm)
            for name, field in form.base_fields.items()
            if name == form_name
        ]
        assert declared and all(field.max_length == 5000 for field in declared)


def test_logged_in_pages_and_downloads_are_not_stored(cycle, client):
    client.force_login(cycle.viewer)
    for url in (
        reverse("objectives:plan_detail", args=[cycle.plan.pk]),
        reverse("reporting:plan_export", args=[cycle.plan.pk, "csv"]),
        reverse("reporting:dashboard_export", args=[cycle.plan.pk, "responsabili"]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    anonymous = Client().get(reverse("reporting:opendata_index", args=[cycle.ente.slug]))
    assert "public" in anonymous["Cache-Control"] and "no-store" not in anonymous["Cache-Control"]


def _fail_logins(client, username, times, **headers):
    for _attempt in range(times):
        client.post(reverse("login"), {"username": username, "password": "sbagliata"}, **headers)


def _login(client, username, password, **headers):
    return client.post(reverse("login"), {"username": username, "password": password}, **headers)


def test_behind_the_proxy_each_client_is_throttled_on_its_own_address(settings, client):
    settings.BEHIND_PROXY = True
    user = make_user("segretario-p")
    user.set_password("Password-lunga-123")
    user.save()
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    attacker = proxy | {"HTTP_X_FORWARDED_FOR": "203.0.113.5"}
    colleague = proxy | {"HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    _fail_logins(client, "segretario-p", settings.AXES_FAILURE_LIMIT, **attacker)
    assert _login(client, "segretario-p", "Password-lunga-123", **attacker).status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}
    assert _login(Client(), "segretario-p", "Password-lunga-123", **colleague).status_code == 302
    # A forged first hop does not help: the proxy's own entry is the last one.
    forged = proxy | {"HTTP_X_FORWARDED_FOR": "198.51.100.7, 203.0.113.5"}
    assert _login(Client(), "segretario-p", "Password-lunga-123", **forged).status_code == 429


def test_without_the_proxy_a_forwarded_header_is_ignored(settings, client):
    settings.BEHIND_PROXY = False
    user = make_user("segretario-q")
    user.set_password("Password-lunga-123")
    user.save()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _fail_logins(
            client,
            "segretario-q",
            1,
            REMOTE_ADDR="192.0.2.9",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}",
        )
    spoofed = {"REMOTE_ADDR": "192.0.2.9", "HTTP_X_FORWARDED_FOR": "198.51.100.99"}
    assert _login(client, "segretario-q", "Password-lunga-123", **spoofed).status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"192.0.2.9"}


def test_a_long_justification_is_shown_once_on_each_page(cycle, client):
    from tests.objectives.test_progress_views import form_data

    text = "motivazione " + "y" * 4980
    client.force_login(cycle.dirigente)
    url = reverse("objectives:progress_save", args=[cycle.progress.pk])
    response = client.post(url, form_data(cycle, declared="90", justification=text))
    assert response.status_code == 302
    assert Progress.objects.get(pk=cycle.progress.pk).justification == text
    report = client.get(reverse("objectives:progress_detail", args=[cycle.progress.pk]))
    assert report.content.decode().count(text) == 1  # in the form, not again beside it
    objective = client.get(reverse("objectives:objective_detail", args=[cycle.objective.pk]))
    assert text not in objective.content.decode()  # the timeline names the change only
    assert "motivazione del dichiarato: " in objective.content.decode()
