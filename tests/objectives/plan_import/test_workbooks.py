"""XLSX, ODS and XLS read the same: what a cell shows in the spreadsheet is the text the importer
reads (percentages, dates, numbers, merged and empty cells), the format is told by the content,
and a workbook larger than the limits is refused, with the limit, before it is read."""

import datetime as dt
import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from objectives.plan_import.sheets import MAX_COLUMNS, SheetError, read_sheet
from tests.objectives.plan_import.conftest import xlsx_bytes
from tests.objectives.plan_import.files.make_xls import sample_workbook

FILES = Path(__file__).parent / "files"
SHEET = "xl/worksheets/sheet1.xml"

EXPECTED = [
    ["N°", "Obiettivo", "Responsabile", "Peso", "Indicatore", "Target 2024", "Tempi"],
    ["1", "Ridurre i tempi", "Anna Rossi", "5%", "Pratiche evase", "12,5", "31/12/2024"],
    ["2", "Aumentare i servizi", "", "12,5%", "Sportelli", "1234", "01/03/2024 09:30"],
    ["", "", "", "", "Secondo indicatore", "almeno 3"],
]
MERGED = [(1, 2, 2, 2)]  # "Anna Rossi" over rows 2 and 3


def sample_xlsx() -> bytes:
    buffer = io.BytesIO()
    sample_workbook().save(buffer)
    return buffer.getvalue()


def _ods_cell(value, *, percent=False, rows_spanned=1, repeat=1) -> str:
    attrs = ""
    if rows_spanned > 1:
        attrs += f' table:number-rows-spanned="{rows_spanned}" table:number-columns-spanned="1"'
    if repeat > 1:
        attrs += f' table:number-columns-repeated="{repeat}"'
    if value is None:
        return f"<table:table-cell{attrs}/>"
    if isinstance(value, dt.date):  # a datetime too
        kind = f'office:value-type="date" office:date-value="{value.isoformat()}"'
    elif isinstance(value, int | float):
        kind = f'office:value-type="{"percentage" if percent else "float"}" office:value="{value}"'
    else:
        kind = 'office:value-type="string"'
    return (
        f"<table:table-cell {kind}{attrs}><text:p>{escape(str(value))}</text:p></table:table-cell>"
    )


def ods_bytes(rows: list[str], *, extra_tables: int = 1) -> bytes:
    """An ODS written by hand: a mimetype, a manifest and a content.xml of table rows."""
    tables = "".join(
        f'<table:table table:name="{name}">'
        + "".join(f"<table:table-row>{row}</table:table-row>" for row in body)
        + "</table:table>"
        for name, body in [("Piano", rows)] + [(f"Note {i}", []) for i in range(extra_tables)]
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.3">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def sample_ods() -> bytes:
    nine_thirty = dt.datetime(2024, 3, 1, 9, 30)  # noqa: DTZ001 - spreadsheet times have no zone
    header = EXPECTED[0]
    return ods_bytes(
        [
            "".join(_ods_cell(label) for label in header),
            _ods_cell("1")
            + _ods_cell("Ridurre i tempi")
            + _ods_cell("Anna Rossi", rows_spanned=2)
            + _ods_cell(0.05, percent=True)
            + _ods_cell("Pratiche evase")
            + _ods_cell(12.5)
            + _ods_cell(dt.date(2024, 12, 31)),
            _ods_cell("2")
            + _ods_cell("Aumentare i servizi")
            + "<table:covered-table-cell/>"
            + _ods_cell(0.125, percent=True)
            + _ods_cell("Sportelli")
            + _ods_cell(1234)
            + _ods_cell(nine_thirty),
            _ods_cell(None, repeat=4) + _ods_cell("Secondo indicatore") + _ods_cell("almeno 3"),
        ]
    )


SAMPLES = {
    "xlsx": sample_xlsx,
    "ods": sample_ods,
    "xls": lambda: (FILES / "piano.xls").read_bytes(),
}


@pytest.mark.parametrize("kind", SAMPLES)
def test_each_format_reads_as_the_spreadsheet_shows_it(kind):
    sheet = read_sheet(SAMPLES[kind](), f"piano.{kind}")
    assert sheet.kind == kind
    assert sheet.rows == EXPECTED
    assert sheet.merges == MERGED
    assert sheet.notes == ["Il file ha 2 fogli: è stato letto il primo («Piano»)."]


@pytest.mark.parametrize("kind", SAMPLES)
def test_the_format_is_told_by_the_content_not_the_extension(kind):
    sheet = read_sheet(SAMPLES[kind](), "piano-esportato.dat")
    assert sheet.kind == kind and sheet.rows == EXPECTED


@pytest.mark.django_db
@pytest.mark.parametrize("kind", SAMPLES)
def test_an_ods_or_xls_plan_is_previewed_in_the_browser(client, world, kind):
    client.force_login(world.controllo)
    response = client.post(
        reverse("objectives:plan_import"),
        {
            "ente": world.ente_a.pk,
            "title": "Piano da foglio",
            "first_year": 2024,
            "last_year": 2026,
            "file": SimpleUploadedFile(f"piano.{kind}", SAMPLES[kind]()),
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Ridurre i tempi" in page and "Aumentare i servizi" in page
    assert "5%" in page and "12,5%" in page


def replace_sheet(data: bytes, sheet_data: str, *, extra: dict[str, bytes] | None = None) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename in (extra or {}):
                continue
            content = source.read(item)
            if item.filename == SHEET:
                content = (
                    '<?xml version="1.0" encoding="UTF-8"?>'
                    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    f"<sheetData>{sheet_data}</sheetData></worksheet>"
                ).encode()
            target.writestr(item, content)
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return buffer.getvalue()


def test_inline_strings_gaps_and_numbers_keep_their_places():
    data = replace_sheet(
        xlsx_bytes([["x"]]),
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Obiettivo</t></is></c>'
        '<c r="C1" t="inlineStr"><is><r><t>Pe</t></r><r><t>so</t></r></is></c></row>'
        '<row r="3"><c r="C3"><v>5</v></c><c r="D3"><v>0.1</v></c></row>',
    )
    assert read_sheet(data, "p.xlsx").rows == [["Obiettivo", "", "Peso"], [], ["", "", "5", "0,1"]]


def test_a_cell_beyond_the_last_column_allowed_is_refused():
    data = replace_sheet(xlsx_bytes([["x"]]), '<row r="1"><c r="ZZ1"><v>1</v></c></row>')
    with pytest.raises(SheetError, match=f"Il foglio ha 702 colonne: il massimo è {MAX_COLUMNS}"):
        read_sheet(data, "p.xlsx")


def test_a_cell_numbered_past_the_last_row_is_refused_before_it_is_read():
    data = replace_sheet(xlsx_bytes([["x"]]), '<row r="1"><c r="A900000"><v>1</v></c></row>')
    with pytest.raises(SheetError, match="più di 50.000 righe"):
        read_sheet(data, "p.xlsx")


def test_two_far_cells_that_would_spread_over_a_million_are_refused():
    """A1 and GR6000: 1.2 million cells once the sheet is a table, from a file of a few KB."""
    data = replace_sheet(
        xlsx_bytes([["x"]]),
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="6000"><c r="GR6000"><v>1</v></c></row>',
    )
    with pytest.raises(SheetError, match=r"occupa 1\.200\.000 celle \(righe × colonne\)"):
        read_sheet(data, "p.xlsx")
    with pytest.raises(SheetError, match=r"occupa 1\.200\.000 celle"):
        read_sheet((FILES / "wide.xls").read_bytes(), "p.xls")
    wide_ods = ods_bytes([_ods_cell(1, repeat=200)] * 5001)
    with pytest.raises(SheetError, match=r"celle \(righe × colonne\)"):
        read_sheet(wide_ods, "p.ods")


def test_cells_without_reference_are_counted_where_they_fall():
    cells = "<c><v>1</v></c>" * 300
    data = replace_sheet(xlsx_bytes([["x"]]), f"<row>{cells}</row>")
    with pytest.raises(SheetError, match="Il foglio ha 300 colonne"):
        read_sheet(data, "p.xlsx")


def test_millions_of_unused_shared_strings_are_refused_before_they_are_held():
    strings = (
        b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        b'2006/main">'
        + b"".join(b"<si><t>%x</t></si>" % (i * 2654435761 % 2**32) for i in range(600_000))
        + b"</sst>"
    )
    data = xlsx_bytes([["Obiettivo"], ["Uno"]])
    data = replace_sheet(
        data,
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
        extra={"xl/sharedStrings.xml": strings},
    )
    with pytest.raises(SheetError, match="più di 500.000 testi distinti"):
        read_sheet(data, "p.xlsx")


def test_a_damaged_sheet_is_refused_as_such():
    data = replace_sheet(xlsx_bytes([["x"]]), "", extra={SHEET: bytes(range(256)) * 4})
    with pytest.raises(SheetError, match="danneggiato"):
        read_sheet(data, "p.xlsx")


def test_a_zip_that_is_no_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    with pytest.raises(SheetError, match="non è un XLSX valido"):
        read_sheet(buffer.getvalue(), "piano.xlsx")


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["ods", "xls"])
def test_import_plan_reads_an_ods_or_xls_file(tmp_path, kind):
    from django.core.management import call_command

    from objectives.models import Plan

    path = tmp_path / f"piano.{kind}"
    path.write_bytes(SAMPLES[kind]())
    out = io.StringIO()
    call_command(
        "import_plan",
        str(path),
        *("--ente", f"da-{kind}", "--plan-title", "Piano da foglio", "--first-year", "2024"),
        stdout=out,
        stderr=io.StringIO(),
    )
    plan = Plan.objects.get(ente__slug=f"da-{kind}")
    weights = dict(plan.objectives.values_list("title", "weight_text"))
    assert weights == {"Ridurre i tempi": "5%", "Aumentare i servizi": "12,5%"}


def test_a_text_table_named_xls_is_read_as_text():
    """Many programs save a tab-separated table as ".xls": its content says what it is."""
    sheet = read_sheet(b"Obiettivo\tPeso\nRidurre i tempi\t5%\n", "estrazione.xls")
    assert sheet.kind == "tsv" and sheet.rows == [["Obiettivo", "Peso"], ["Ridurre i tempi", "5%"]]
