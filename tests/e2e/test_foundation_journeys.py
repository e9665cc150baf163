"""A person in a real browser: the controllo di gestione finds both plans and works in the admin."""

import re

import pytest
from playwright.sync_api import expect

from objectives.models import Objective, Plan, Target

pytestmark = pytest.mark.e2e


def test_controllo_finds_both_plans_and_their_objectives(page, demo_site):
    demo_site(page, "controllo")
    table = page.get_by_test_id("plan-table")
    expect(table).to_contain_text("Comune di Montichiari")
    expect(table).to_contain_text("PIAO 2024-2026")
    expect(table).to_contain_text("Comune di Montepulciano")
    expect(table).to_contain_text("Piano degli obiettivi 2022-2024")
    expect(table.locator("tbody tr")).to_have_count(2)

    page.get_by_role("link", name="Modifica gli obiettivi nell'amministrazione").click()
    expect(page.locator("#changelist")).to_be_visible()
    page.get_by_role(
        "link", name="Piano degli obiettivi 2022-2024 · Comune di Montepulciano"
    ).click()
    expect(page.locator("#result_list tbody tr")).to_have_count(50)  # first page of 125
    expect(page.locator(".paginator")).to_contain_text("125")
    # The Area Finanziaria's weights add up to 25%: every one of its rows warns.
    page.get_by_role("link", name="Simonetta Gambini").first.click()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(5)
    expect(rows.first.get_by_role("img")).to_have_attribute(
        "aria-label", re.compile("sommano 25% invece di 100%")
    )

    page.goto(f"{demo_site.url}/admin/objectives/objective/")
    page.get_by_role("searchbox").fill("PagoPa")
    page.get_by_role("searchbox").press("Enter")
    expect(page.locator("#result_list")).to_contain_text("1.1.5")
    page.get_by_role("link", name="1.1.5").click()
    expect(page.locator("h2", has_text="Indicatori")).to_be_visible()
    # The demo plan is approved: its content is shown, read-only, and the page says why.
    expect(page.get_by_text("le modifiche passano da una variazione")).to_be_visible()
    expect(
        page.get_by_role("paragraph").filter(
            has_text=re.compile("^Percentuale di servizi a pagamento tramite PagoPa$")
        )
    ).to_be_visible()
    expect(page.locator("#id_indicators-0-description")).to_have_count(0)
    expect(page.locator("input[name='indicators-0-targets-0-year']")).to_have_count(0)
    expect(page.get_by_text("Giulio Nardi: 10%")).to_be_visible()


def test_bad_values_typed_in_the_admin_are_explained_and_not_saved(page, demo_site):
    objective = Objective.objects.get(plan__ente__slug="montepulciano", code="1.1.7")
    target = Target.objects.filter(indicator__objective=objective).order_by("year").first()
    # The demo approves its plans, whose content the admin then shows read-only: the plan is
    # taken back to a draft for this journey, and given back its status after it.
    status = objective.plan.status
    Plan.objects.filter(pk=objective.plan_id).update(status=Plan.Status.BOZZA)
    try:
        _type_bad_values(page, demo_site, objective, target)
    finally:
        Plan.objects.filter(pk=objective.plan_id).update(status=status)


def _type_bad_values(page, demo_site, objective, target):
    demo_site(page, "controllo")
    page.goto(f"{demo_site.url}/admin/objectives/objective/{objective.pk}/change/")
    page.locator("#id_weight").fill("-3")
    year_input = page.locator(f"input[name$='-year'][value='{target.year}']").first
    year_input.fill("2031")
    page.get_by_role("button", name="Salva", exact=True).click()

    expect(page.locator(".errornote").first).to_contain_text("correggere gli errori")
    expect(page.locator(".field-weight .errorlist")).to_contain_text(
        "Assicurati che questo valore sia maggiore o uguale a 0"
    )
    expect(page.get_by_text("L'anno 2031 è fuori dal piano (2022-2024).")).to_be_visible()
    objective.refresh_from_db()
    target.refresh_from_db()
    assert objective.weight == 10 and target.year != 2031

    page.locator("#id_weight").fill("12")
    page.locator("input[name$='-year'][value='2031']").fill(str(target.year))
    page.get_by_role("button", name="Salva", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("è stato modificato con successo")
    objective.refresh_from_db()
    assert objective.weight == 12
    assert objective.history.first().weight == 12


def test_viewer_reads_plans_but_has_no_admin(page, demo_site):
    demo_site(page, "viewer")
    expect(page.get_by_test_id("plan-table").locator("tbody tr")).to_have_count(2)
    expect(page.get_by_role("link", name="Amministrazione")).to_have_count(0)
    page.goto(f"{demo_site.url}/admin/objectives/objective/")
    expect(page).to_have_url(re.compile(r"/admin/login/"))
