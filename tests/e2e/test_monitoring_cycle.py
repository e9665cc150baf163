"""The whole cycle of one monitoring period, by the demo users, in a real Chromium."""

import re

import pytest
from playwright.sync_api import expect

from objectives.models import Progress

pytestmark = pytest.mark.e2e


def as_user(browser, demo_site, username: str):
    context = browser.new_context(locale="it-IT", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    demo_site(page, username)
    return page


def open_report(page, demo_site, progress_pk: int) -> None:
    page.goto(f"{demo_site.url}/piano/avanzamenti/{progress_pk}/")


def test_report_return_correct_validate_and_take_note(browser, demo_site):
    progress = Progress.objects.get(
        objective__plan__ente__slug="montepulciano", objective__code="3.2"
    )
    measure = f"#id_m_{progress.objective.indicators.get().pk}"

    # The dirigente finds the report in "Da fare", types a value and sees the computation.
    page = as_user(browser, demo_site, "simonetta.gambini")
    page.get_by_role("link", name="Da fare").click()
    page.get_by_role("link", name=re.compile("Piani di lavori in funzione")).click()
    page.locator(measure).fill("10")
    expect(page.get_by_test_id("computed-explanation")).to_contain_text("→ 83,33%")
    expect(page.get_by_test_id("computed")).to_contain_text(
        "target = 12, misurato 10, mantenimento (almeno il target) → 83,33%"
    )
    page.get_by_label("Raggiungimento dichiarato %").fill("90")
    page.get_by_role("button", name="Salva e invia").click()
    expect(page.get_by_test_id("error")).to_contain_text("scrivi la motivazione")
    page.get_by_label("Motivazione del dichiarato").fill("Due piani consegnati a gennaio")
    page.get_by_role("button", name="Salva e invia").click()
    expect(page.locator(".alert-success")).to_contain_text("Avanzamento inviato")
    expect(page.get_by_test_id("status")).to_have_text("Inviato")
    page.context.close()

    # The segretario returns it with a note.
    page = as_user(browser, demo_site, "segretario")
    page.get_by_role("link", name="Da verificare").click()
    expect(page.get_by_test_id("list-table").locator("tbody tr")).to_have_count(1)
    page.get_by_role("link", name=re.compile("Piani di lavori in funzione")).click()
    page.get_by_label("Nota per il responsabile").fill("Allega i piani mensili")
    page.get_by_role("button", name="Restituisci al responsabile").click()
    expect(page.get_by_test_id("status")).to_have_text("Bozza")
    page.context.close()

    # The dirigente corrects, attaches the evidence and sends again.
    page = as_user(browser, demo_site, "simonetta.gambini")
    page.get_by_role("link", name="Da fare").click()
    expect(page.get_by_test_id("list-table")).to_contain_text("Correggere e rinviare")
    open_report(page, demo_site, progress.pk)
    expect(page.get_by_test_id("return-note")).to_contain_text("Allega i piani mensili")
    page.get_by_label("Evidenza").set_input_files(
        files=[{"name": "piani.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}]
    )
    page.get_by_role("button", name="Carica l'evidenza").click()
    expect(page.get_by_test_id("evidence-list")).to_contain_text("piani.pdf")
    page.locator(measure).fill("12")
    page.get_by_label("Raggiungimento dichiarato %").fill("")
    page.get_by_role("button", name="Salva e invia").click()
    expect(page.get_by_test_id("status")).to_have_text("Inviato")
    expect(page.get_by_test_id("declared")).to_have_text("100%")
    page.context.close()

    # The segretario verifies; the NdV validates with a correction.
    page = as_user(browser, demo_site, "segretario")
    open_report(page, demo_site, progress.pk)
    page.get_by_role("button", name="Verifica e passa al NdV").click()
    expect(page.get_by_test_id("status")).to_have_text("Verificato")
    page.context.close()

    page = as_user(browser, demo_site, "ndv")
    page.get_by_role("link", name="Da validare").click()
    page.get_by_role("link", name=re.compile("Piani di lavori in funzione")).click()
    expect(page.get_by_role("link", name="piani.pdf")).to_be_visible()
    page.get_by_label("Raggiungimento validato %").fill("85")
    page.get_by_role("button", name="Valida", exact=True).click()
    expect(page.get_by_test_id("error")).to_contain_text("la motivazione è obbligatoria")
    page.get_by_label("Raggiungimento validato %").fill("85")
    page.get_by_label("Motivazione", exact=True).fill("Un piano consegnato in ritardo")
    page.get_by_role("button", name="Valida", exact=True).click()
    expect(page.get_by_test_id("status")).to_have_text("Validato")
    expect(page.get_by_test_id("validated")).to_have_text("85%")
    page.context.close()

    # The dirigente takes note of the final figure.
    page = as_user(browser, demo_site, "simonetta.gambini")
    page.get_by_role("link", name="Da fare").click()
    expect(page.get_by_test_id("list-table")).to_contain_text("Prendere visione del validato")
    open_report(page, demo_site, progress.pk)
    page.get_by_role("button", name="Prendo visione del validato").click()
    expect(page.locator(".alert-success")).to_contain_text("Presa visione registrata")
    events = page.get_by_test_id("events")
    for action in ("Invio", "Restituzione", "Verifica", "Validazione NdV", "Presa visione"):
        expect(events).to_contain_text(action)
    page.context.close()

    progress.refresh_from_db()
    assert progress.status == "validato" and progress.validated_achievement == 85
    assert progress.acknowledged_at is not None


def test_viewer_reads_a_report_but_can_change_nothing(browser, demo_site):
    progress = Progress.objects.filter(objective__plan__ente__slug="montichiari").first()
    page = as_user(browser, demo_site, "viewer")
    open_report(page, demo_site, progress.pk)
    expect(page.locator("h1")).to_contain_text(progress.objective.code)
    expect(page.get_by_test_id("progress-form")).to_have_count(0)
    expect(page.locator("main form")).to_have_count(0)
    response = page.goto(f"{demo_site.url}/piano/verifica/")
    assert response.status == 403
    page.context.close()


def test_the_essential_flow_works_without_javascript(browser, demo_site):
    progress = Progress.objects.get(
        objective__plan__ente__slug="montepulciano", objective__code="3.1"
    )
    context = browser.new_context(locale="it-IT", java_script_enabled=False)
    page = context.new_page()
    demo_site(page, "simonetta.gambini")
    open_report(page, demo_site, progress.pk)
    for field in page.locator("form[data-testid=progress-form] input[inputmode=decimal]").all():
        if field.get_attribute("name", timeout=1000) != "declared_achievement":
            field.fill("3")
    page.get_by_role("button", name="Salva bozza").click()
    expect(page.locator(".alert-success")).to_contain_text("Bozza salvata")
    expect(page.get_by_test_id("saved-computed")).not_to_have_text("—")
    page.get_by_role("button", name="Salva e invia").click()
    expect(page.get_by_test_id("status")).to_have_text("Inviato")
    context.close()
