"""The controllo di gestione brings a plan in from a spreadsheet, in a real Chromium."""

import pytest
from playwright.sync_api import expect

from objectives.models import ImportRecord, Plan

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def uploads_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def csv_file(name: str, lines: list[str]) -> dict:
    return {"name": name, "mimeType": "text/csv", "buffer": "\n".join(lines).encode()}


def fill_upload_form(page, file: dict) -> None:
    page.get_by_label("Ente").select_option(label="Comune di Montichiari")
    page.get_by_label("Titolo del nuovo piano").fill("Piano importato 2025-2027")
    page.get_by_label("Primo anno").fill("2025")
    page.get_by_label("Ultimo anno").fill("2027")
    page.get_by_label("File (XLSX, ODS, XLS, CSV o TSV, al massimo 10 MB)").set_input_files(file)
    page.get_by_role("button", name="Carica e mostra l'anteprima").click()


def test_controllo_uploads_sees_the_bad_row_fixes_it_and_imports(page, demo_site):
    demo_site(page, "controllo")
    page.goto(f"{demo_site.url}/piano/importa/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Importa un piano da un foglio di calcolo"
    )
    first_try = csv_file(
        "piano.csv",
        [
            "N°;Obiettivo;Chi risponde;Peso;Indicatore;Target 2025",
            "1;Digitalizzare le delibere;Gianpietro Pezzoli;40%;delibere digitali;almeno 50",
            "2;Ridurre i tempi di pagamento;Massimo Chiari;tanto;giorni;<= 30",
            "3;Aggiornare il sito;Gianpietro Pezzoli;20%;pagine aggiornate;100%",
        ],
    )
    fill_upload_form(page, first_try)

    expect(page.get_by_role("heading", level=1)).to_have_text("Anteprima dell'importazione")
    expect(page.get_by_test_id("preview-errors")).to_contain_text("Riga 3: il peso «tanto»")
    error_row = page.locator("tr[data-status='error']")
    expect(error_row).to_have_count(1)
    expect(error_row).to_contain_text("Ridurre i tempi di pagamento")
    expect(page.get_by_role("button", name="Conferma e importa")).to_be_disabled()

    # The responsible's column was not recognised: map it by hand.
    expect(page.get_by_test_id("preview-table")).not_to_contain_text("Massimo Chiari")
    page.get_by_label("Contenuto della colonna C").select_option("dirigente")
    page.get_by_role("button", name="Applica la mappatura").click()
    expect(page.get_by_test_id("preview-table")).to_contain_text("Massimo Chiari")
    expect(page.get_by_role("button", name="Conferma e importa")).to_be_disabled()
    assert not Plan.objects.filter(title="Piano importato 2025-2027").exists()

    # Fix the file and upload it again.
    page.get_by_role("link", name="Carica un altro file").click()
    fixed = csv_file(
        "piano-corretto.csv",
        [
            "N°;Obiettivo;Responsabile;Peso;Indicatore;Target 2025",
            "1;Digitalizzare le delibere;Gianpietro Pezzoli;40%;delibere digitali;almeno 50",
            "2;Ridurre i tempi di pagamento;Massimo Chiari;40%;giorni;<= 30",
            "3;Aggiornare il sito;Gianpietro Pezzoli;20%;pagine aggiornate;100%",
        ],
    )
    fill_upload_form(page, fixed)
    expect(page.get_by_test_id("preview-ok")).to_be_visible()
    expect(page.locator("tr[data-status='error']")).to_have_count(0)
    page.get_by_role("button", name="Conferma e importa").click()

    expect(page.get_by_role("alert").first).to_contain_text(
        "Piano «Piano importato 2025-2027» creato: 3 obiettivi nuovi"
    )
    table = page.get_by_test_id("plan-table")
    expect(table).to_contain_text("Piano importato 2025-2027")
    plan = Plan.objects.get(ente__slug="montichiari", title="Piano importato 2025-2027")
    assert plan.objectives.count() == 3
    assert plan.objectives.get(code="2").dirigente.full_name == "Massimo Chiari"
    outcomes = list(ImportRecord.objects.order_by("created_at").values_list("outcome", flat=True))
    assert outcomes == ["accepted"]
