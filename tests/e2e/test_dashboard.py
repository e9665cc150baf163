"""The segretario in a real Chromium: where are we, who is late, why is this score what it is."""

from decimal import Decimal

import pytest

from objectives.models import Progress
from tests.e2e.test_accessibility import serious_violations

pytestmark = pytest.mark.e2e


def montepulciano(code: str):
    return Progress.objects.filter(
        objective__plan__ente__slug="montepulciano", objective__code=code
    )


def test_segretario_drills_down_from_a_dipartimento_to_one_objectives_derivation(page, demo_site):
    # Area Finanziaria (Simonetta Gambini, weights 5, 5, 1, 10, 4 = 25%): 3.4 validated at 50%,
    # 3.1 declared at 100% and sent: (40 x 50 + 20 x 100) / 60 = 66,67%.
    montepulciano("3.4").update(
        status="validato", declared_achievement=Decimal(60), validated_achievement=Decimal(50)
    )
    montepulciano("3.1").update(status="inviato", declared_achievement=Decimal(100))
    demo_site(page, "segretario")

    page.get_by_role("link", name="Cruscotto").click()
    page.get_by_role("link", name="Piano degli obiettivi 2022-2024").click()
    headline = page.get_by_test_id("headline")
    assert headline.get_by_test_id("ente-score").inner_text() == "66,67%"
    # charts drawn (the scripts come at the end of the page: wait for them)
    page.wait_for_function("window.Chart && Object.keys(Chart.instances).length >= 3")
    assert serious_violations(page) == []

    section = page.get_by_test_id("section-dipartimenti")
    section.get_by_role("link", name="Area Finanziaria").click()
    assert page.get_by_test_id("figure").inner_text() == "66,67%"
    row = page.get_by_test_id("parts").get_by_role("row").filter(has_text="3.4")
    assert "validato NdV" in row.inner_text() and "40%" in row.inner_text()
    assert (
        "dichiarato"
        in page.get_by_test_id("parts").get_by_role("row").filter(has_text="3.1").inner_text()
    )
    assert serious_violations(page) == []

    row.get_by_role("link").first.click()
    reports = page.get_by_test_id("reports")
    assert "Validato" in reports.inner_text() or "validato" in reports.inner_text()
    assert "50" in reports.inner_text()


def test_dirigente_sees_only_their_own_scores_and_the_ente(page, demo_site):
    montepulciano("3.4").update(status="validato", validated_achievement=Decimal(50))
    demo_site(page, "simonetta.gambini")
    page.get_by_role("link", name="Cruscotto").click()
    page.get_by_role("link", name="Piano degli obiettivi 2022-2024").click()
    assert page.get_by_test_id("group-score").inner_text() == "50%"
    assert page.get_by_test_id("ente-aggregate").inner_text() == "50%"
    assert page.get_by_test_id("section-dipartimenti").count() == 0
    page.get_by_test_id("group-score").click()
    assert page.get_by_test_id("figure").inner_text() == "50%"
