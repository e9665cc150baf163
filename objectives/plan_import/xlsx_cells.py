"""The first worksheet of an XLSX as rows of Python values, in one streaming pass.

openpyxl's read-only mode parses the sheet twice (once for its size) and builds an object per
shared string; reading the few parts we need with expat directly is several times faster and
keeps only the rows. The parser is made safe the way defusedxml makes it: a document type, an
entity declaration or an external entity stops it (sheets.py has refused such files already).
Values come out as openpyxl's would with `data_only=True`: numbers, dates for date-formatted
numbers, booleans, text; each with whether its cell is formatted as a percentage.
"""

import datetime as dt
import posixpath
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


class XmlRefused(Exception):
    """The part declares a document type or entities."""


class TooBig(Exception):
    def __init__(self, what: str, line: int, count: int = 0):
        super().__init__(what)
        self.what, self.line, self.count = what, line, count


def _forbid(*_args):
    raise XmlRefused


def _parser() -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = _forbid
    parser.EntityDeclHandler = _forbid
    parser.UnparsedEntityDeclHandler = _forbid
    parser.ExternalEntityRefHandler = _forbid
    parser.buffer_text = True
    return parser


def _parse(archive: zipfile.ZipFile, path: str, start=None, end=None, text=None) -> None:
    parser = _parser()
    if start:
        parser.StartElementHandler = start
    if end:
        parser.EndElementHandler = end
    if text:
        parser.CharacterDataHandler = text
    with archive.open(path) as handle:
        parser.ParseFile(handle)


@lru_cache(maxsize=256)
def _local(name: str) -> str:
    return name.rpartition(" ")[2]


@lru_cache(maxsize=1024)
def _column(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index - 1


def _ref_column(ref: str) -> int:
    letters = ref.rstrip("0123456789")
    if not letters or not letters.isalpha() or not letters.isupper() or len(letters) > 3:
        raise ValueError(f"cell reference {ref!r}")
    return _column(letters)


@dataclass
class Workbook:
    sheet_path: str
    sheet_title: str
    sheet_count: int
    epoch: dt.datetime
    strings_path: str | None
    styles_path: str | None


def _rels(archive: zipfile.ZipFile, path: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, target path inside the archive)."""
    folder = posixpath.dirname(posixpath.dirname(path))
    found: dict[str, tuple[str, str]] = {}

    def start(name, attrs):
        if _local(name) == "Relationship" and attrs.get("Id") and attrs.get("Target"):
            target = attrs["Target"]
            target = target[1:] if target.startswith("/") else posixpath.join(folder, target)
            found[attrs["Id"]] = (attrs.get("Type", ""), posixpath.normpath(target))

    if path in archive.NameToInfo:
        _parse(archive, path, start=start)
    return found


def read_workbook(archive: zipfile.ZipFile) -> Workbook:
    rels = _rels(archive, "xl/_rels/workbook.xml.rels")
    sheets: list[tuple[str, str]] = []
    epoch = [CALENDAR_WINDOWS_1900]

    def start(name, attrs):
        local = _local(name)
        if local == "sheet":
            rel = rels.get(attrs.get(f"{REL} id", ""))
            if rel and rel[0].endswith("/worksheet"):
                sheets.append((rel[1], attrs.get("name", "")))
        elif local == "workbookPr" and attrs.get("date1904") in ("1", "true"):
            epoch[0] = CALENDAR_MAC_1904

    _parse(archive, "xl/workbook.xml", start=start)
    if not sheets or sheets[0][0] not in archive.NameToInfo:
        raise ValueError("no worksheet")
    by_type = {kind.rsplit("/", 1)[-1]: target for kind, target in rels.values()}
    return Workbook(
        sheet_path=sheets[0][0],
        sheet_title=sheets[0][1],
        sheet_count=len(sheets),
        epoch=epoch[0],
        strings_path=by_type.get("sharedStrings"),
        styles_path=by_type.get("styles"),
    )


def read_shared_strings(archive: zipfile.ZipFile, path: str | None) -> list[str]:
    strings: list[str] = []
    if not path or path not in archive.NameToInfo:
        return strings
    parts: list[str] = []
    state = {"text": False, "phonetic": 0}

    def start(name, _attrs):
        local = _local(name)
        if local == "t" and not state["phonetic"]:
            state["text"] = True
        elif local == "rPh":
            state["phonetic"] += 1
        elif local == "si":
            parts.clear()

    def end(name):
        local = _local(name)
        if local == "t":
            state["text"] = False
        elif local == "rPh":
            state["phonetic"] -= 1
        elif local == "si":
            strings.append("".join(parts))

    def text(data):
        if state["text"]:
            parts.append(data)

    _parse(archive, path, start=start, end=end, text=text)
    return strings


def read_styles(archive: zipfile.ZipFile, path: str | None) -> list[str]:
    """For each cell style (the `s` of a cell): "percent", "date" or ""."""
    if not path or path not in archive.NameToInfo:
        return []
    formats: dict[int, str] = dict(BUILTIN_FORMATS)
    kinds: list[str] = []
    state = {"xfs": False}

    def start(name, attrs):
        local = _local(name)
        if local == "numFmt" and attrs.get("numFmtId", "").isdigit():
            formats[int(attrs["numFmtId"])] = attrs.get("formatCode", "")
        elif local == "cellXfs":
            state["xfs"] = True
        elif local == "xf" and state["xfs"]:
            fmt_id = attrs.get("numFmtId", "0")
            code = formats.get(int(fmt_id), "") if fmt_id.isdigit() else ""
            kinds.append("percent" if "%" in code else "date" if is_date_format(code) else "")

    def end(name):
        if _local(name) == "cellXfs":
            state["xfs"] = False

    _parse(archive, path, start=start, end=end)
    return kinds


@dataclass
class SheetValues:
    """Rows of (value, is_percent) pairs, trailing empty cells dropped; merged ranges."""

    rows: list[list[tuple[object, bool]]] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)


def _number(text: str) -> int | float:
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


def read_sheet_values(
    archive: zipfile.ZipFile, book: Workbook, *, max_rows: int, max_columns: int
) -> SheetValues:
    """The cells of the first worksheet; TooBig when it has more rows or columns than allowed."""
    strings = read_shared_strings(archive, book.strings_path)
    styles = read_styles(archive, book.styles_path)
    result = SheetValues()
    rows = result.rows
    cells: dict[int, tuple[object, bool]] = {}
    cell = {"col": 0, "type": "n", "style": 0}
    parts: list[str] = []
    state = {"collect": False, "in_row": False, "next_col": 0}

    def start(name, attrs):
        local = _local(name)
        if local == "c":
            ref = attrs.get("r")
            col = _ref_column(ref) if ref else state["next_col"]
            state["next_col"] = col + 1
            style = attrs.get("s", "0")
            cell.update(col=col, type=attrs.get("t", "n"), style=int(style) if style else 0)
            parts.clear()
        elif local == "v" or local == "t":
            state["collect"] = True
        elif local == "row":
            number = attrs.get("r")
            index = int(number) - 1 if number else len(rows)
            if index < len(rows):
                raise ValueError("rows out of order")
            if index >= max_rows:
                raise TooBig("rows", index + 1)
            while len(rows) < index:
                rows.append([])
            cells.clear()
            state["next_col"] = 0
        elif local == "mergeCell" and attrs.get("ref"):
            result.merges.append(attrs["ref"])

    def end(name):
        local = _local(name)
        if local == "v" or local == "t":
            state["collect"] = False
        elif local == "c":
            value = _value("".join(parts), cell["type"], cell["style"])
            if value is not None and value != "":
                col = cell["col"]
                if col >= max_columns:
                    raise TooBig("columns", len(rows) + 1, col + 1)
                kind = styles[cell["style"]] if cell["style"] < len(styles) else ""
                cells[col] = (value, kind == "percent")
        elif local == "row":
            width = max(cells) + 1 if cells else 0
            rows.append([cells.get(col, (None, False)) for col in range(width)])

    def text(data):
        if state["collect"]:
            parts.append(data)

    def _value(raw: str, kind: str, style: int):
        if kind == "s":
            return strings[int(raw)] if raw else None
        if kind in ("inlineStr", "str", "e"):
            return raw
        if not raw:
            return None
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "d":
            try:
                return dt.datetime.fromisoformat(raw.strip().rstrip("Z"))
            except ValueError:
                return raw
        number = _number(raw.strip())
        if style < len(styles) and styles[style] == "date":
            try:
                return from_excel(number, book.epoch)
            except (ValueError, OverflowError):
                return number
        return number

    _parse(archive, book.sheet_path, start=start, end=end, text=text)
    return result
