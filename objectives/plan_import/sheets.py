"""Read an uploaded table (XLSX, CSV with comma or semicolon, TSV) into rows of text, safely.

Nothing here trusts the file: its size, its rows and columns, and for XLSX the number, sizes
and compression ratio of the zip members are checked before any XML is parsed; XML with a
document type (the door to entity bombs) is refused, and what is parsed goes through
an expat parser that refuses document types and entities, as defusedxml does
(xlsx_cells.py).
"""

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from objectives.plan_import.errors import PlanImportError

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
MAX_COLUMNS = 200
MAX_CELL_CHARS = 32_767
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
    if head.startswith(b"PK\x03\x04") or filename.lower().endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise SheetError(
            "Il file è nel vecchio formato Excel (XLS): salvalo come XLSX e caricalo di nuovo."
        )
    if head.startswith(b"%PDF"):
        raise SheetError(
            "Il file è un PDF: esporta la tabella come XLSX, CSV o testo separato da tabulazioni."
        )
    return _read_text(data)


# -- CSV and TSV -----------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    if b"\x00" in data[:CHUNK]:
        raise SheetError(
            "Il file non è un foglio di calcolo: sono accettati XLSX, CSV (con virgola o punto "
            "e virgola) e TSV."
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
            "Il file non è un foglio di calcolo: sono accettati XLSX, CSV (con virgola o punto "
            "e virgola) e TSV."
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


# -- XLSX ------------------------------------------------------------------------------------


def _check_zip(archive: zipfile.ZipFile) -> None:
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise SheetError("Il file XLSX contiene troppe parti: non è un foglio di calcolo normale.")
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if total > MAX_UNCOMPRESSED or (member.file_size > RATIO_FLOOR and ratio > MAX_RATIO):
            raise SheetError(
                "Il file XLSX si espande in modo anomalo una volta decompresso (possibile "
                "«zip bomb»): non è stato letto."
            )
    if "xl/workbook.xml" not in archive.namelist():
        raise SheetError("Il file non è un XLSX valido: manca la cartella di lavoro.")


def _scan_xml(archive: zipfile.ZipFile) -> None:
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
                        "Il file XLSX contiene definizioni XML non ammesse (possibile "
                        "«XML bomb»): non è stato letto."
                    )
                tail = window[-16:]


def _cell_text(value, number_format: str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "sì" if value else "no"
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y" if value.time() == dt.time() else "%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int | float):
        number = Decimal(str(value))
        if number_format and "%" in number_format:
            return _italian(number * 100) + "%"
        return _italian(number)
    return str(value)[:MAX_CELL_CHARS]


def _italian(number: Decimal) -> str:
    """A number as Italian text without thousands separators: 4.44 -> '4,44'."""
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return format(number.normalize(), "f").replace(".", ",")


def _read_xlsx(data: bytes) -> Sheet:
    from openpyxl.utils.cell import range_boundaries

    from objectives.plan_import import xlsx_cells

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_zip(archive)
            _scan_xml(archive)
            try:
                book = xlsx_cells.read_workbook(archive)
            except (KeyError, ValueError, xlsx_cells.expat.ExpatError) as exc:
                raise SheetError(
                    "Il file XLSX è danneggiato o non è un foglio di calcolo Excel valido."
                ) from exc
            try:
                values = xlsx_cells.read_sheet_values(
                    archive, book, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS
                )
                merges = []
                for ref in values.merges:
                    min_col, min_row, max_col, max_row = range_boundaries(ref)
                    merges.append((min_row - 1, min_col - 1, max_row - 1, max_col - 1))
            except xlsx_cells.TooBig as exc:
                if exc.what == "rows":
                    raise SheetError(
                        f"Il file ha più di {MAX_ROWS:,} righe: il massimo è 50.000."
                    ) from exc
                raise SheetError(
                    f"La riga {exc.line} ha {exc.count} colonne: il massimo è {MAX_COLUMNS}."
                ) from exc
            except xlsx_cells.XmlRefused as exc:
                raise SheetError(
                    "Il file XLSX contiene definizioni XML non ammesse (possibile "
                    "«XML bomb»): non è stato letto."
                ) from exc
            except Exception as exc:  # a broken part can fail in many ways
                raise SheetError(
                    "Il file XLSX è danneggiato: il foglio non si legge fino in fondo."
                ) from exc
    except (zipfile.BadZipFile, EOFError) as exc:
        raise SheetError(
            "Il file XLSX è danneggiato o incompleto (per esempio un caricamento interrotto): "
            "salvalo di nuovo e riprova."
        ) from exc
    rows = [
        [_cell_text(value, "%" if percent else None) for value, percent in cells]
        for cells in values.rows
    ]
    for cells in rows:
        while cells and not cells[-1]:
            cells.pop()
    notes = []
    if book.sheet_count > 1:
        notes.append(
            f"Il file ha {book.sheet_count} fogli: è stato letto il primo («{book.sheet_title}»)."
        )
    return Sheet(rows=rows, kind="xlsx", merges=merges, notes=notes)


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
