"""Files that are not what they claim, or too much of it: each is refused with a clear Italian
message and HTTP 400, saves nothing, keeps memory bounded, and is recorded as refused."""

import io
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from objectives.models import ImportRecord
from objectives.plan_import.sheets import MAX_ROWS, SheetError, read_sheet
from tests.objectives.plan_import.conftest import csv_bytes, plan_rows, row_counts, xlsx_bytes

pytestmark = pytest.mark.django_db

BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">'.encode()
        for i in range(1, 10)
    )
    + b']>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    b"</sheetData></worksheet>"
)


def _replace_member(data: bytes, name: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, content if item.filename == name else source.read(item))
    return buffer.getvalue()


def zip_bomb() -> bytes:
    """An XLSX whose sheet inflates from ~100 KB to 100 MB of zeros."""
    data = xlsx_bytes(plan_rows(2))
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                with target.open(item.filename, "w") as member:
                    chunk = b"\0" * (1024 * 1024)
                    for _ in range(100):
                        member.write(chunk)
            else:
                target.writestr(item, source.read(item))
    return buffer.getvalue()


def entity_bomb() -> bytes:
    return _replace_member(xlsx_bytes(plan_rows(2)), "xl/worksheets/sheet1.xml", BILLION_LAUGHS)


def truncated_xlsx() -> bytes:
    data = xlsx_bytes(plan_rows(50))
    return data[: len(data) // 2]


def corrupted_xlsx() -> bytes:
    return b"PK\x03\x04" + bytes(range(256)) * 40


def binary_file() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 20


def dense_xlsx() -> bytes:
    """5,001 rows of 200 cells: within the rows and columns allowed, over a million cells in
    all (50,000 such rows, in 2 MB, took 276 s and 1.5 GB to preview)."""
    from openpyxl.utils import get_column_letter

    letters = [get_column_letter(c) for c in range(1, 201)]
    data = xlsx_bytes([["x"]])
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item, source.read(item))
                continue
            with target.open(item.filename, "w") as member:
                member.write(
                    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                    b'main"><sheetData>'
                )
                template = "".join(
                    f'<c r="{col}#"><v>{i * 7919}</v></c>' for i, col in enumerate(letters)
                )
                for row in range(1, 5_002):
                    member.write(f'<row r="{row}">{template.replace("#", str(row))}</row>'.encode())
                member.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def too_many_rows() -> bytes:
    return b"Obiettivo;Peso\n" + b"Fare;5%\n" * MAX_ROWS


HOSTILE = {
    "not-a-spreadsheet": (binary_file, "immagine.csv", "non è un foglio di calcolo"),
    "pdf": (lambda: b"%PDF-1.7\n" + b"x" * 100, "piano.pdf", "Il file è un PDF"),
    "damaged-xls": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "piano.xls", "XLS"),
    "corrupted-xlsx": (corrupted_xlsx, "piano.xlsx", "danneggiato"),
    "truncated-xlsx": (truncated_xlsx, "piano.xlsx", "danneggiato o incompleto"),
    "zip-bomb": (zip_bomb, "bomba.xlsx", "zip bomb"),
    "xml-entity-bomb": (entity_bomb, "entita.xlsx", "XML bomb"),
    "too-many-rows": (too_many_rows, "lungo.csv", "più di 50"),
    "empty": (lambda: b"   \n\n", "vuoto.csv", "Il file è vuoto"),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_a_hostile_file_is_refused_with_a_message_and_nothing_is_saved(client, world, case):
    factory, name, message = HOSTILE[case]
    data = factory()
    client.force_login(world.controllo)
    before = row_counts()
    tracemalloc.start()
    response = client.post(
        reverse("objectives:plan_import"),
        {
            "ente": world.ente_a.pk,
            "title": "Piano ostile",
            "first_year": 2024,
            "last_year": 2026,
            "file": SimpleUploadedFile(name, data),
        },
    )
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert response.status_code == 400
    assert message in response.content.decode()
    assert row_counts() == before
    assert peak < 80 * 1024 * 1024, f"{case}: {peak / 1e6:.0f} MB"
    record = ImportRecord.objects.get()
    assert record.outcome == ImportRecord.Outcome.REFUSED and record.file_name == name
    assert record.user == world.controllo and record.messages and len(record.sha256) == 64


def test_a_sheet_of_over_a_million_cells_is_refused_with_the_limit(controllo_client, world):
    """Outside the memory-traced test above: tracing a million matches takes most of a minute."""
    before = row_counts()
    response = controllo_client.post(
        reverse("objectives:plan_import"),
        {
            "ente": world.ente_a.pk,
            "title": "Piano denso",
            "first_year": 2024,
            "last_year": 2026,
            "file": SimpleUploadedFile("denso.xlsx", dense_xlsx()),
        },
    )
    assert response.status_code == 400
    assert "Il foglio occupa 1.000.200 celle (righe × colonne): il massimo è 1.000.000" in (
        response.content.decode()
    )
    assert row_counts() == before
    assert ImportRecord.objects.get().outcome == ImportRecord.Outcome.REFUSED


def test_a_file_over_10_mb_is_refused_before_it_is_read(client, world):
    client.force_login(world.controllo)
    data = b"Obiettivo;Peso\n" + b"x" * (10 * 1024 * 1024)
    response = client.post(
        reverse("objectives:plan_import"),
        {
            "ente": world.ente_a.pk,
            "title": "Troppo",
            "first_year": 2024,
            "last_year": 2026,
            "file": SimpleUploadedFile("grande.csv", data),
        },
    )
    assert response.status_code == 400
    assert "Il file è troppo grande" in response.content.decode()
    with pytest.raises(SheetError, match="troppo grande"):
        read_sheet(data, "grande.csv")


def test_row_level_errors_name_the_row_and_the_reason(world):
    from objectives.plan_import.spreadsheet import preview_spreadsheet

    rows = [
        ["Obiettivo", "Peso", "Baseline: valore", "Target 2024", "Target 2031"],
        ["Ridurre i tempi", "dieci", "abc", "almeno 3", ""],
        ["Aumentare i servizi", "5%", "", "", "almeno 4"],
    ]
    preview = preview_spreadsheet(
        csv_bytes(rows),
        "errori.csv",
        ente_slug=world.ente_a.slug,
        plan_title="x",
        first_year=2024,
        last_year=2026,
    )
    messages = [str(issue) for issue in preview.errors]
    assert "Riga 2: il peso «dieci» non è un numero, una percentuale" in messages[0]
    assert "Riga 2: «abc» non è un numero (colonna «Baseline: valore»)." in messages
    assert "Riga 3: il target del 2031 è fuori dagli anni del piano (2024-2026)." in messages


def test_a_required_column_missing_is_an_error(world):
    from objectives.plan_import.spreadsheet import preview_spreadsheet

    rows = [["Responsabile", "Peso"], ["Anna Alfieri", "10%"]]
    preview = preview_spreadsheet(
        csv_bytes(rows), "p.csv", ente_slug="alfa", plan_title="x", first_year=2024, last_year=2024
    )
    assert "Manca la colonna obbligatoria «Obiettivo (descrizione)»" in str(preview.errors[0])


NUMBER_HEADER = ["N°", "Obiettivo", "Peso", "Baseline: valore", "Target 2024"]


def _numbers_xlsx(raw: str) -> bytes:
    """A sheet whose weight, baseline and target cells hold the number `raw` as stored."""
    from tests.objectives.plan_import.test_workbooks import replace_sheet

    header = "".join(
        f'<c r="{col}1" t="inlineStr"><is><t>{label}</t></is></c>'
        for col, label in zip("ABCDE", NUMBER_HEADER, strict=True)
    )
    row = (
        '<c r="A2" t="inlineStr"><is><t>1</t></is></c>'
        '<c r="B2" t="inlineStr"><is><t>Ridurre i tempi</t></is></c>'
        + "".join(f'<c r="{col}2"><v>{raw}</v></c>' for col in "CDE")
    )
    return replace_sheet(xlsx_bytes([["x"]]), f'<row r="1">{header}</row><row r="2">{row}</row>')


@pytest.mark.parametrize("raw", ["1e300", "-1e300", "1e-300", "inf", "nan", "9" * 5000])
def test_an_absurd_number_cell_is_a_row_error_not_a_server_error(controllo_client, world, raw):
    for data, name in (
        (_numbers_xlsx(raw), "numeri.xlsx"),
        (csv_bytes([NUMBER_HEADER, ["1", "Ridurre i tempi", raw, raw, raw]]), "numeri.csv"),
    ):
        response = controllo_client.post(
            reverse("objectives:plan_import"),
            {
                "ente": world.ente_a.pk,
                "title": "Piano dei numeri",
                "first_year": 2024,
                "last_year": 2026,
                "file": SimpleUploadedFile(name, data),
            },
        )
        assert response.status_code == 302, response.content.decode()[:500]
        page = controllo_client.get(response["Location"])
        assert page.status_code == 400, name  # rows with errors: nothing can be confirmed
        text = page.content.decode()
        assert "Riga 2: il peso «" in text
        assert "9" * 100 not in text  # the value echoed is cut short
