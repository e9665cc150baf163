"""axe-core over the pages people use every day: nothing serious or critical."""

from pathlib import Path

import pytest

from objectives.models import Objective, Progress

pytestmark = pytest.mark.e2e
AXE = Path(__file__).parent / "vendor" / "axe.min.js"


def serious_violations(page) -> list[str]:
    # Evaluated through the DevTools protocol: a <script> tag with axe's code inline would be
    # refused by the site's Content-Security-Policy, as any inline script is.
    page.evaluate(AXE.read_text() + "\n;undefined")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_pages_have_no_serious_accessibility_violations(browser, demo_site):
    progress = Progress.objects.get(
        objective__plan__ente__slug="montepulciano", objective__code="3.2"
    )
    objective = Objective.objects.get(pk=progress.objective_id)
    pages = {
        "simonetta.gambini": [
            "/",
            "/piano/da-fare/",
            "/piano/miei-obiettivi/",
            f"/piano/avanzamenti/{progress.pk}/",
            f"/piano/obiettivi/{objective.pk}/",
        ],
        "segretario": ["/piano/verifica/"],
        "ndv": ["/piano/validazione/"],
        "controllo": ["/piano/periodi/"],
    }
    found = {}
    context = browser.new_context(locale="it-IT")
    anonymous = context.new_page()
    anonymous.goto(f"{demo_site.url}/accesso/")
    found["/accesso/"] = serious_violations(anonymous)
    context.close()
    for username, paths in pages.items():
        context = browser.new_context(locale="it-IT", viewport={"width": 1366, "height": 900})
        page = context.new_page()
        demo_site(page, username)
        for path in paths:
            page.goto(f"{demo_site.url}{path}")
            found[path] = serious_violations(page)
        context.close()
    assert {path: v for path, v in found.items() if v} == {}


def test_the_check_itself_catches_a_serious_violation(browser, live_server):
    page = browser.new_page()
    page.goto(f"{live_server.url}/accesso/")
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', "
        '\'<input type="text" id="nolabel">\')'
    )
    assert any(v.startswith("label (critical)") for v in serious_violations(page))
    page.close()


def _admin_pages() -> list[str]:
    """The admin's index, every changelist, a change form of every model with inlines (and of
    the report, read-only) and a history page, on the demo's rows."""
    from django.contrib import admin
    from django.urls import reverse

    from objectives.models import Plan
    from organisation.models import Person
    from tests.factories import make_indicator, make_objective, make_plan

    objective = Objective.objects.filter(plan__ente__slug="montepulciano").order_by("pk").first()
    progress = Progress.objects.filter(objective=objective).first()
    plan = Plan.objects.get(pk=objective.plan_id)
    person = Person.objects.filter(ente_id=plan.ente_id, assignments__isnull=False).first()
    # the demo plans are approved (read-only content): a draft shows the editable forms
    draft = make_objective(
        make_plan(plan.ente, title="Bozza", first_year=2025, last_year=2027),
        code="1.1",
        weight=100,
        dirigente=person,
    )
    draft.org_units.set(person.assignments.values_list("unit", flat=True))
    indicator = make_indicator(draft, targets=[(2025, 3), (2026, 4)])
    pages = [reverse("admin:index")]
    pages += [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    ]
    pages += [
        reverse("admin:objectives_plan_change", args=[plan.pk]),
        reverse("admin:objectives_objective_change", args=[objective.pk]),
        reverse("admin:objectives_objective_change", args=[draft.pk]),
        reverse("admin:objectives_objective_add"),
        reverse("admin:objectives_indicator_change", args=[indicator.pk]),
        reverse("admin:objectives_target_change", args=[indicator.targets.first().pk]),
        reverse("admin:objectives_plan_change", args=[draft.plan_id]),
        reverse("admin:objectives_progress_change", args=[progress.pk]),
        reverse("admin:organisation_person_change", args=[person.pk]),
        reverse("admin:objectives_monitoringperiod_add"),
        reverse("admin:objectives_objective_history", args=[objective.pk]),
        reverse(
            "admin:objectives_objective_simple_history",
            args=[objective.pk, objective.history.earliest().pk],
        ),
    ]
    return pages


def test_admin_pages_have_no_serious_accessibility_violations(browser, demo_site):
    from django.contrib.auth import get_user_model

    from objectives.demo import DEFAULT_DEMO_PASSWORD

    get_user_model().objects.create_superuser("radice", password=DEFAULT_DEMO_PASSWORD)
    pages = _admin_pages()
    found = {}
    for username in ("controllo", "radice"):
        context = browser.new_context(locale="it-IT", viewport={"width": 1366, "height": 900})
        page = context.new_page()
        demo_site(page, username)
        for path in pages:
            response = page.goto(f"{demo_site.url}{path}")
            # Django's users, login attempts, the task queue's rows: the superuser's pages
            if response.status == 403:
                assert username == "controllo" and any(
                    f"/admin/{app}/" in path for app in ("auth", "axes", "django_tasks_database")
                )
                continue
            assert response.status == 200, (username, path, response.status)
            found[f"{username} {path}"] = serious_violations(page)
            if path.endswith("/monitoringperiod/add/"):  # the admin's JavaScript speaks Italian
                shortcut = page.locator(".datetimeshortcuts a").first.text_content()
                assert shortcut == "Oggi"
        context.close()
    assert {path: v for path, v in found.items() if v} == {}
