"""Read an uploaded table (XLSX, ODS, XLS, CSV with comma or semicolon, TSV) into rows of
text, safely.

The format is told by the content (a zip holding a workbook or a spreadsheet document, an OLE2
file, text), the extension only breaks ties. Nothing here trusts the file: its size; for XLSX
and ODS the number, sizes and compression ratio of the zip members and XML without document
types or entities; for every workbook the first sheet's rows, columns and used area and the
shared strings (workbook_limits.py) are checked before python-calamine reads it.
"""

import csv
import datetime as dt
import io
import math
import struct
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from objectives.plan_import import workbook_limits
from objectives.plan_import.errors import PlanImportError

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
MAX_COLUMNS = 200
MAX_CELL_CHARS = 32_767
# The first sheet's used area (rows x columns) and the distinct texts of a workbook: a plan of
# 5,000 objectives in our own layout is 10,001 x 48 = 480,048 cells.
MAX_CELLS = 1_000_000
MAX_STRINGS = 500_000
MAX_PART = 100 * 1024 * 1024  # uncompressed, one zip member
MAX_ZIP_MEMBERS = 500
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 100  # uncompressed / compressed, for members over RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
CHUNK = 1024 * 1024


class SheetError(PlanImportError):
    """The file cannot be read as a table: one message, in Italian, for the whole file."""

    def __init__(self, message: str):
        super().__init__([message])


@dataclass
class Sheet:
    """The rows of a table as text; `merges` are the XLSX merged ranges, 0-based inclusive."""

    rows: list[list[str]]
    kind: str
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_sheet(data: bytes, filename: str = "") -> Sheet:
    """The table in the file; SheetError with the reason when it is not one we can read."""
    if len(data) > MAX_BYTES:
        raise SheetError(
            f"Il file è troppo grande ({len(data) / 1024 / 1024:.1f} MB): il massimo è 10 MB."
        )
    if not data.strip():
        raise SheetError("Il file è vuoto.")
    head = data[:8]
    lower = filename.lower()
    if head.startswith(b"PK\x03\x04") or lower.endswith((".xlsx", ".xlsm", ".ods")):
        return _read_workbook(data, "ods" if lower.endswith(".ods") else "xlsx", filename)
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2; a ".xls" of text is read as text
        return _read_workbook(data, "xls", filename)
    if head.startswith(b"%PDF"):
        raise SheetError(
            "Il file è un PDF: esporta la tabella come XLSX, ODS, CSV o testo separato da "
            "tabulazioni."
        )
    return _read_text(data)


# -- CSV and TSV -----------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    if b"\x00" in data[:CHUNK]:
        raise SheetError(
            "Il file non è un foglio di calcolo: sono accettati XLSX, ODS, XLS, CSV (con virgola o "
            "punto e virgola) e TSV."
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = data.decode("latin-1")
    controls = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\t\r\n")
    if controls > 20:
        raise SheetError(
            "Il file non è un foglio di calcolo: sono accettati XLSX, ODS, XLS, CSV (con virgola o "
            "punto e virgola) e TSV."
        )
    return text


def _delimiter(sample: str) -> str:
    """The separator that splits the first lines most consistently: tab, ';' or ','."""
    best, best_score = "\t", -1.0
    lines = sample.splitlines()[:60]
    for delimiter in ("\t", ";", ","):
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter) if any(row)]
        multi = [n for n in counts if n > 1]
        if not multi:
            continue
        mode = max(set(multi), key=multi.count)
        score = len(multi) + multi.count(mode) + (0.5 if delimiter == "\t" else 0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_text(data: bytes) -> Sheet:
    text = _decode(data)
    delimiter = _delimiter(text[:20000])
    kind = {"\t": "tsv", ";": "csv", ",": "csv"}[delimiter]
    csv.field_size_limit(MAX_CELL_CHARS * 4)
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if len(rows) >= MAX_ROWS:
                raise SheetError(f"Il file ha più di {MAX_ROWS:,} righe: il massimo è 50.000.")
            if len(row) > MAX_COLUMNS:
                raise SheetError(
                    f"La riga {len(rows) + 1} ha {len(row)} colonne: il massimo è {MAX_COLUMNS}."
                )
            rows.append([cell[:MAX_CELL_CHARS] for cell in row])
    except csv.Error as exc:
        raise SheetError(f"Il file non si legge come CSV/TSV: {exc}.") from exc
    return Sheet(rows=rows, kind=kind)


# -- XLSX, ODS, XLS ---------------------------------------------------------------------------

ZIP_KINDS = {"xlsx": "xl/workbook.xml", "ods": "content.xml"}
KIND_NAMES = {"xlsx": "XLSX", "ods": "ODS", "xls": "XLS"}
LIMITS = workbook_limits.Limits(
    rows=MAX_ROWS, columns=MAX_COLUMNS, cells=MAX_CELLS, strings=MAX_STRINGS
)


def _zip_kind(archive: zipfile.ZipFile, filename: str) -> str:
    """XLSX or ODS by what the archive holds (its extension only breaks a tie)."""
    names = archive.NameToInfo
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "content.xml" in names:
        try:
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
        except (KeyError, zipfile.BadZipFile, EOFError):
            mimetype = b""
        if b"spreadsheet" in mimetype or filename.lower().endswith((".ods", ".fods")):
            return "ods"
    if filename.lower().endswith(".ods"):
        raise SheetError("Il file non è un ODS valido: manca il contenuto del foglio.")
    raise SheetError("Il file non è un XLSX valido: manca la cartella di lavoro.")


def _check_zip(archive: zipfile.ZipFile, kind: str) -> None:
    members = archive.infolist()
    name = KIND_NAMES[kind]
    if len(members) > MAX_ZIP_MEMBERS:
        raise SheetError(
            f"Il file {name} contiene troppe parti: non è un foglio di calcolo normale."
        )
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if (
            total > MAX_UNCOMPRESSED
            or member.file_size > MAX_PART
            or (member.file_size > RATIO_FLOOR and ratio > MAX_RATIO)
        ):
            raise SheetError(
                f"Il file {name} si espande in modo anomalo una volta decompresso (possibile "
                "«zip bomb»): non è stato letto."
            )


def _scan_xml(archive: zipfile.ZipFile, kind: str) -> None:
    """Refuse XML with a document type or entities before any of it is parsed."""
    for name in archive.namelist():
        if not name.endswith((".xml", ".rels", ".vml")):
            continue
        tail = b""
        with archive.open(name) as handle:
            while chunk := handle.read(CHUNK):
                window = tail + chunk
                if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                    raise SheetError(
                        f"Il file {KIND_NAMES[kind]} contiene definizioni XML non ammesse "
                        "(possibile «XML bomb»): non è stato letto."
                    )
                tail = window[-16:]


def _cell_text(value, percent: bool = False) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "sì" if value else "no"
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y" if value.time() == dt.time() else "%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, int | float):
        if isinstance(value, float) and (
            not math.isfinite(value) or abs(value) >= 1e21 or 0 < abs(value) < 1e-9
        ):
            return str(value)  # "1e+300", "1e-300", "inf": as written, refused as numbers later
        if not percent and value == int(value) and abs(value) < 1e15:
            return str(int(value))  # the common case, without Decimal
        number = Decimal(str(value))
        if percent:
            return _italian(number * 100) + "%"
        return _italian(number)
    return str(value)[:MAX_CELL_CHARS]


def _italian(number: Decimal) -> str:
    """A number as Italian text without thousands separators: 4.44 -> '4,44'."""
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return format(number.normalize(), "f").replace(".", ",")


def _limit_message(exc: workbook_limits.LimitExceeded) -> str:
    if exc.what == "rows":
        return f"Il file ha più di {MAX_ROWS:,} righe: il massimo è 50.000.".replace(",", ".")
    if exc.what == "columns":
        return f"Il foglio ha {exc.count} colonne: il massimo è {MAX_COLUMNS}."
    if exc.what == "cells":
        return (
            f"Il foglio occupa {exc.count:,} celle (righe × colonne): il massimo è "
            f"{MAX_CELLS:,}. Elimina le righe e le colonne vuote o in più e riprova."
        ).replace(",", ".")
    return (
        f"Il file contiene più di {MAX_STRINGS:,} testi distinti: il massimo è "
        f"{MAX_STRINGS:,}. Salvalo di nuovo con solo il foglio del piano e riprova."
    ).replace(",", ".")


def _layout(data: bytes, kind: str, filename: str) -> tuple[str, workbook_limits.Layout]:
    """Check the container and count what calamine would hold; SheetError when it is too much."""
    try:
        if kind == "xls":
            return kind, workbook_limits.xls_layout(data, LIMITS)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            kind = _zip_kind(archive, filename)
            _check_zip(archive, kind)
            _scan_xml(archive, kind)
            if kind == "ods":
                return kind, workbook_limits.ods_layout(archive, LIMITS)
            return kind, workbook_limits.xlsx_layout(archive, LIMITS)
    except workbook_limits.LimitExceeded as exc:
        raise SheetError(_limit_message(exc)) from exc
    except (zipfile.BadZipFile, EOFError) as exc:
        raise SheetError(
            f"Il file {KIND_NAMES.get(kind, 'XLSX')} è danneggiato o incompleto (per esempio un "
            "caricamento interrotto): salvalo di nuovo e riprova."
        ) from exc
    except (workbook_limits.Unreadable, struct.error, KeyError, ValueError) as exc:
        raise SheetError(
            f"Il file {KIND_NAMES[kind]} è danneggiato o non è un foglio di calcolo valido."
        ) from exc


def _read_workbook(data: bytes, kind: str, filename: str) -> Sheet:
    from python_calamine import CalamineError, CalamineWorkbook

    kind, layout = _layout(data, kind, filename)
    name = KIND_NAMES[kind]
    try:
        with CalamineWorkbook.from_filelike(io.BytesIO(data)) as workbook:
            names = workbook.sheet_names
            sheet = workbook.get_sheet_by_index(0)
            values = sheet.to_python(skip_empty_area=False)
            merged = sheet.merged_cell_ranges or []
    except CalamineError as exc:
        message = f"Il file {name} è danneggiato: il foglio non si legge."
        if type(exc).__name__ == "PasswordError":
            message = f"Il file {name} è protetto da password: salvalo senza e riprova."
        raise SheetError(message) from exc
    except Exception as exc:  # a broken part can fail in many ways
        raise SheetError(f"Il file {name} è danneggiato: il foglio non si legge.") from exc
    percent = layout.percent
    rows = [
        [
            value[:MAX_CELL_CHARS] if type(value) is str else _cell_text(value, (r, c) in percent)
            for c, value in enumerate(cells)
        ]
        for r, cells in enumerate(values)
    ]
    for cells in rows:
        while cells and not cells[-1]:
            cells.pop()
    while rows and not rows[-1]:
        rows.pop()
    merges = [(top, left, bottom, right) for (top, left), (bottom, right) in merged]
    merges += layout.merges
    notes = []
    if len(names) > 1:
        notes.append(f"Il file ha {len(names)} fogli: è stato letto il primo («{names[0]}»).")
    return Sheet(rows=rows, kind=kind, merges=merges, notes=notes)


def apply_vertical_merges(sheet: Sheet, header_rows: set[int]) -> None:
    """A cell merged over several rows holds its value in each of them (a responsible named
    once for a block); a cell merged across columns keeps it in the first column only, except in
    header rows, where every column under a merged label gets the label."""
    for min_row, min_col, max_row, max_col in sheet.merges:
        if min_row >= len(sheet.rows) or min_col >= len(sheet.rows[min_row]):
            continue
        value = sheet.rows[min_row][min_col]
        for r in range(min_row, min(max_row, len(sheet.rows) - 1) + 1):
            row = sheet.rows[r]
            last_col = max_col if r in header_rows or min_row in header_rows else min_col
            while len(row) <= last_col:
                row.append("")
            for c in range(min_col, last_col + 1):
                if not row[c]:
                    row[c] = value
