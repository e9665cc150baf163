"""The plan's workbook: the database read back, one sheet per dipartimento, importable."""

import csv
import io

import pytest
from openpyxl import load_workbook

from objectives.models import Objective, Plan, Target
from objectives.selectors import plan_objectives
from reporting.exports.plan import plan_to_csv, plan_to_json
from reporting.exports.workbook import plan_workbook
from tests.objectives.plan_import.test_round_trip import comparable, reimport
from tests.reporting.exports_data import codes, plan_with_units

pytestmark = pytest.mark.django_db


def sheet_rows(workbook, title: str) -> list[dict]:
    rows = list(workbook[title].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]


def test_workbook_read_back_equals_the_database():
    data = plan_with_units(3)
    workbook = load_workbook(io.BytesIO(plan_workbook(data.plan)))
    rows = sheet_rows(workbook, "Piano")
    assert [r["Codice"] for r in rows] == codes(data.plan)
    for row in rows:
        objective = Objective.objects.get(plan=data.plan, code=row["Codice"])
        indicator = objective.indicators.get()
        assert row["Obiettivo (descrizione)"] == objective.description
        assert row["Dirigente / Responsabile"] == objective.dirigente.full_name
        assert row["Peso"] == pytest.approx(float(objective.weight) / 100)  # as percent
        assert row["Indicatore"] == indicator.description
        for target in Target.objects.filter(indicator=indicator):
            assert row[f"Target {target.year}: valore"] == target.value
        assert row["Target 2026: valore"] is None
    by_unit = sheet_rows(workbook, "Affari generali") + sheet_rows(workbook, "Territorio")
    assert [r["NR"] for r in by_unit] == codes(data.plan)
    for row in by_unit:
        objective = Objective.objects.get(plan=data.plan, code=row["NR"])
        assert row["Obiettivo"] == objective.description
        assert row["Soggetto competente"] == objective.dirigente.full_name
        assert row["Peso"] == pytest.approx(float(objective.weight) / 100)
        assert row["Quota del peso"] == pytest.approx(float(objective.weight) / 100)
        assert row["Target 2025"] == f">= {20 + int(row['NR'][-1])}"


def test_workbook_has_a_styled_sheet_per_dipartimento_and_a_summary():
    data = plan_with_units(2)
    workbook = load_workbook(io.BytesIO(plan_workbook(data.plan)))
    assert workbook.sheetnames == ["Piano", "Riepilogo", "Affari generali", "Territorio"]
    assert [r["NR"] for r in sheet_rows(workbook, "Affari generali")] == ["1.1", "1.2"]
    territorio = sheet_rows(workbook, "Territorio")
    assert [r["NR"] for r in territorio] == ["2.1", "2.2"]
    assert territorio[0]["Servizio"] == "Servizio strade"
    sheet = workbook["Territorio"]
    assert sheet.freeze_panes == "B2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}3"
    header = {cell.value: cell for cell in sheet[1]}
    assert header["NR"].font.bold
    labels = list(header)
    assert labels[labels.index("Baseline") + 1 :] == [
        "Target 2024",
        "Target 2025",
        "Target 2026",
        "Risultato atteso",
        "Tempi",
    ]
    for label in ("Peso", "Quota del peso"):
        cell = sheet.cell(row=2, column=list(header).index(label) + 1)
        assert "%" in cell.number_format and isinstance(cell.value, float)
    description = sheet.cell(row=2, column=list(header).index("Obiettivo") + 1)
    assert description.alignment.wrap_text
    assert sheet.column_dimensions["I"].width > 20
    summary = [row[:4] for row in workbook["Riepilogo"].iter_rows(values_only=True)]
    assert ("Affari generali", "Affari generali", 2, 2) in summary
    people = list(workbook["Riepilogo"].iter_rows(values_only=True))
    assert any(row[0] == "Anna Alfieri" and row[4] == pytest.approx(1) for row in people)
    assert workbook["Piano"].freeze_panes == "B2" and workbook["Piano"].auto_filter.ref


def test_workbook_of_filtered_rows_holds_only_them():
    data = plan_with_units(3)
    only = plan_objectives(data.plan).filter(code__in=["1.2", "2.3"])
    workbook = load_workbook(io.BytesIO(plan_workbook(data.plan, only=only)))
    assert [r["Codice"] for r in sheet_rows(workbook, "Piano")] == ["1.2", "2.3"]


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("slug", ["montichiari", "montepulciano"])
def test_workbook_imports_back_into_an_equal_plan(slug):
    plan = Plan.objects.get(ente__slug=slug)
    copy = reimport(plan_workbook(plan), plan, f"{slug}-libro")
    assert comparable(plan_to_json(copy)) == comparable(plan_to_json(plan))


def test_a_cell_starting_with_equals_is_text_in_xlsx_and_csv():
    data = plan_with_units(1)
    Objective.objects.filter(plan=data.plan, code="1.1").update(
        title="=1+1", description='=HYPERLINK("http://example.org")', expected_result="-2"
    )
    workbook = load_workbook(io.BytesIO(plan_workbook(data.plan)))
    for title, labels in (
        ("Piano", ("Finalità / Titolo", "Obiettivo (descrizione)")),
        ("Affari generali", ("Finalità", "Obiettivo")),
    ):
        row = sheet_rows(workbook, title)[0]
        assert row[labels[0]] == "'=1+1"
        assert row[labels[1]].startswith("'=HYPERLINK")
        assert row["Risultato atteso"] == "'-2"
        cell = next(c for c in workbook[title][2] if c.value == "'=1+1")
        assert cell.data_type == "s"
    reader = csv.DictReader(io.StringIO(plan_to_csv(data.plan).decode("utf-8-sig")), delimiter=";")
    first = next(reader)
    assert first["Finalità"] == "'=1+1"
    assert first["Obiettivo"].startswith("'=HYPERLINK")
    assert first["Risultato atteso"] == "'-2"


def test_csv_has_the_plan_columns_and_every_objective():
    data = plan_with_units(2)
    reader = csv.DictReader(io.StringIO(plan_to_csv(data.plan).decode("utf-8-sig")), delimiter=";")
    rows = list(reader)
    assert reader.fieldnames[:3] == ["NR", "Ambito organizzativo", "Servizio"]
    assert "Target 2025" in reader.fieldnames
    assert [r["NR"] for r in rows] == codes(data.plan)
    assert rows[2]["Servizio"] == "Servizio strade" and rows[2]["Target 2025"] == ">= 21"
    assert rows[0]["Quota del peso"] == "50"
