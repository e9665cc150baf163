"""Our own XLSX reading: what a cell shows in Excel is the text the importer reads, and a part
that is too big or declares entities is refused with the reason."""

import datetime as dt
import io
import zipfile

import pytest

from objectives.plan_import import xlsx_cells
from objectives.plan_import.sheets import MAX_COLUMNS, SheetError, read_sheet
from tests.objectives.plan_import.conftest import xlsx_bytes

SHEET = "xl/worksheets/sheet1.xml"


def replace_sheet(data: bytes, sheet_data: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == SHEET:
                content = (
                    '<?xml version="1.0" encoding="UTF-8"?>'
                    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    f"<sheetData>{sheet_data}</sheetData></worksheet>"
                ).encode()
            target.writestr(item, content)
    return buffer.getvalue()


def test_cells_read_as_excel_shows_them():
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Obiettivo", "Peso", "Scadenza", "Ore", "Fatto", "Valore"])
    nine_thirty = dt.datetime(2024, 3, 1, 9, 30)  # noqa: DTZ001 - Excel times have no zone
    sheet.append(["Ridurre i tempi", 0.05, dt.date(2024, 3, 1), nine_thirty])
    sheet.append(["Aumentare", 0.125, None, None, True, 1234.5])
    sheet["B2"].number_format = sheet["B3"].number_format = "0%"
    workbook.create_sheet("Note")
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = read_sheet(buffer.getvalue(), "piano.xlsx")
    assert result.rows[1] == ["Ridurre i tempi", "5%", "01/03/2024", "01/03/2024 09:30"]
    assert result.rows[2] == ["Aumentare", "12,5%", "", "", "sì", "1234,5"]
    assert result.notes == ["Il file ha 2 fogli: è stato letto il primo («Sheet»)."]


def test_inline_strings_gaps_and_merged_cells_keep_their_places():
    data = replace_sheet(
        xlsx_bytes([["x"]]),
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Obiettivo</t></is></c>'
        '<c r="C1" t="inlineStr"><is><r><t>Pe</t></r><r><t>so</t></r></is></c></row>'
        '<row r="3"><c r="C3"><v>5</v></c></row>',
    )
    result = read_sheet(data, "p.xlsx")
    assert result.rows == [["Obiettivo", "", "Peso"], [], ["", "", "5"]]


def test_a_cell_beyond_the_last_column_allowed_is_refused():
    data = replace_sheet(xlsx_bytes([["x"]]), '<row r="1"><c r="ZZ1"><v>1</v></c></row>')
    with pytest.raises(SheetError, match=f"La riga 1 ha 702 colonne: il massimo è {MAX_COLUMNS}"):
        read_sheet(data, "p.xlsx")


def test_a_row_numbered_past_the_limit_is_refused_without_reading_the_rows_between():
    data = replace_sheet(xlsx_bytes([["x"]]), '<row r="900000"><c r="A900000"><v>1</v></c></row>')
    with pytest.raises(SheetError, match="più di 50"):
        read_sheet(data, "p.xlsx")


def test_an_entity_declaration_is_refused_by_the_parser_itself():
    part = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<si><t>&a;</t></si></sst>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/sharedStrings.xml", part)
    with (
        zipfile.ZipFile(buffer) as archive,
        pytest.raises(xlsx_cells.XmlRefused),
    ):
        xlsx_cells.read_shared_strings(archive, "xl/sharedStrings.xml")


def test_a_damaged_sheet_is_refused_as_such():
    data = replace_sheet(xlsx_bytes([["x"]]), '<row r="1"><c r="A1"><v>1</v></c>')
    with pytest.raises(SheetError, match="danneggiato"):
        read_sheet(data, "p.xlsx")
