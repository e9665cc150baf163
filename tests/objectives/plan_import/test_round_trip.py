"""Our own XLSX export imports back into an equal plan; a re-import updates by code."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from objectives.models import ImportRecord, Objective, Plan
from objectives.plan_import.spreadsheet import import_spreadsheet, preview_spreadsheet
from reporting.exports.plan import plan_to_json
from reporting.exports.workbook import plan_to_xlsx
from tests.objectives.plan_import.conftest import row_counts

pytestmark = pytest.mark.usefixtures("demo")


def comparable(document: dict) -> dict:
    """The plan without what a spreadsheet of objectives does not carry: ids, the ente, the
    plan's approval state and act, and the ente's posts (organisation data, not the plan's)."""
    document = json.loads(json.dumps(document))
    document["plan"].pop("id")
    for key in ("status", "approval_act"):
        document["plan"].pop(key)
    document.pop("ente")
    document.pop("people")
    return document


def reimport(data: bytes, plan: Plan, slug: str) -> Plan:
    preview = preview_spreadsheet(
        data,
        "export.xlsx",
        ente_slug=slug,
        plan_title=plan.title,
        first_year=plan.first_year,
        last_year=plan.last_year,
    )
    assert not preview.errors, [str(e) for e in preview.errors]
    return import_spreadsheet(preview).plan


@pytest.mark.parametrize("slug", ["montichiari", "montepulciano"])
def test_xlsx_export_then_import_gives_an_equal_plan(slug):
    plan = Plan.objects.get(ente__slug=slug)
    copy = reimport(plan_to_xlsx(plan), plan, f"{slug}-copia")
    assert copy.ente.slug == f"{slug}-copia"
    assert comparable(plan_to_json(copy)) == comparable(plan_to_json(plan))


def test_xlsx_export_has_numbers_dates_and_safe_text():
    plan = Plan.objects.get(ente__slug="montichiari")
    objective = plan.objectives.get(code="1.1")
    objective.notes = '=HYPERLINK("http://example.org")'
    objective.save()
    sheet = load_workbook(io.BytesIO(plan_to_xlsx(plan)), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    first = dict(zip(header, rows[1], strict=False))
    assert first["Codice"] == "1.1" and first["Peso"] == 1 and isinstance(first["Peso"], int)
    assert first["Note"].startswith("'=")  # a formula is written as text
    assert "Target 2024" in header and "Target 2026: valore" in header
    copy = reimport(plan_to_xlsx(plan), plan, "montichiari-note")
    assert copy.objectives.get(code="1.1").notes == objective.notes


def test_reimport_of_the_export_updates_by_code_without_duplicates(tmp_path):
    plan = Plan.objects.get(ente__slug="montepulciano")
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.BOZZA)  # a draft: importable
    path = tmp_path / "piano.xlsx"
    path.write_bytes(plan_to_xlsx(plan))
    history = Objective.history.count()
    out = io.StringIO()
    call_command(
        "import_plan",
        str(path),
        "--ente",
        "montepulciano",
        "--plan-title",
        plan.title,
        "--first-year",
        "2022",
        "--last-year",
        "2024",
        stdout=out,
    )
    assert "obiettivi: 0 nuovi, 0 aggiornati, 125 invariati" in out.getvalue()
    assert plan.objectives.count() == 125 and Objective.history.count() == history
    record = ImportRecord.objects.get()
    assert record.outcome == "accepted" and record.source == "command" and record.plan == plan


def test_command_refuses_a_bad_row_and_saves_nothing(tmp_path):
    path = tmp_path / "piano.csv"
    path.write_text(
        "N°;Obiettivo;Peso;Target 2024\n1;Fare;10%;almeno 3\n2;Rifare;tanto;almeno 4\n",
        encoding="utf-8",
    )
    before = row_counts()
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 errori: il piano non è stato importato"):
        call_command(
            "import_plan",
            str(path),
            "--ente",
            "nuovo",
            "--plan-title",
            "Piano",
            "--first-year",
            "2024",
            stdout=io.StringIO(),
            stderr=err,
        )
    assert "ERRORE Riga 3: il peso «tanto» non è un numero" in err.getvalue()
    assert row_counts() == before
    assert ImportRecord.objects.get().outcome == "refused"


def test_command_prints_the_summary_of_a_seed_and_dry_run_saves_nothing(tmp_path):
    from tests.objectives.plan_import.conftest import SEEDS

    before = row_counts()
    out = io.StringIO()
    call_command(
        "import_plan",
        str(SEEDS / "montichiari-piao-2024.tsv"),
        "--ente",
        "montichiari-bis",
        "--plan-title",
        "PIAO 2024-2026",
        "--first-year",
        "2024",
        "--last-year",
        "2026",
        "--dry-run",
        stdout=out,
    )
    text = out.getvalue()
    assert "Piano verificato (prova, nulla salvato): montichiari-bis · PIAO 2024-2026" in text
    assert "obiettivi: 147 nuovi" in text and "indicatori: 147" in text
    assert "unità nuove:" in text and "persone nuove: 10" in text
    assert "AVVISO Riga 27: Il codice 04-06" in text
    assert row_counts() == before
    assert ImportRecord.objects.get().outcome == "dry_run"


def test_command_needs_ente_title_and_year_for_a_spreadsheet(tmp_path):
    path = tmp_path / "piano.tsv"
    path.write_text("Obiettivo\tPeso\nFare\t5%\n", encoding="utf-8")
    with pytest.raises(CommandError, match="servono --ente, --plan-title, --first-year"):
        call_command("import_plan", str(path), stdout=io.StringIO())
