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
