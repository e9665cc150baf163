"""What a workbook holds, counted from its bytes before any library reads it.

python-calamine (sheets.py) reads XLSX, ODS and XLS fast, but it holds the whole first sheet as
a dense table: one cell at A1 and one at IV65536 make 16 million cells (1.2 GB) out of a 6 KB
file, and it keeps every shared string of the file. So the used area (rows x columns), the cells
and the shared strings are counted here first, on the raw parts, in bounded chunks; a file over
the limits is refused before calamine sees it.

The same pass notes what calamine does not say: which cells are formatted as percentages (a
weight of "5%" is stored as 0.05) and, for ODS, the merged cells.
"""

import re
import struct
import zipfile
from dataclasses import dataclass, field

CHUNK = 1024 * 1024


class LimitExceeded(Exception):
    """The workbook is larger than allowed: `what` is rows, columns, cells or strings."""

    def __init__(self, what: str, count: int):
        super().__init__(what)
        self.what, self.count = what, count


class Unreadable(Exception):
    """The container is damaged: not the structure its format requires."""


@dataclass
class Limits:
    rows: int
    columns: int
    cells: int
    strings: int


@dataclass
class Layout:
    """The first sheet's extent and the facts calamine loses, 0-based."""

    rows: int = 0
    columns: int = 0
    percent: set[tuple[int, int]] = field(default_factory=set)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)

    def check(self, limits: Limits) -> None:
        if self.rows > limits.rows:
            raise LimitExceeded("rows", self.rows)
        if self.columns > limits.columns:
            raise LimitExceeded("columns", self.columns)
        if self.rows * self.columns > limits.cells:
            raise LimitExceeded("cells", self.rows * self.columns)


def _column(letters: bytes) -> int:
    index = 0
    for char in letters:
        index = index * 26 + char - 64
    return index


def _chunks(archive: zipfile.ZipFile, name: str):
    """The part in pieces that each end after a '>', so no tag is cut in two."""
    carry = b""
    with archive.open(name) as handle:
        while chunk := handle.read(CHUNK):
            buffer = carry + chunk
            cut = buffer.rfind(b">") + 1
            if cut == 0 and len(buffer) > 4 * CHUNK:
                raise Unreadable(name)  # megabytes without a tag end: no XML we read
            carry = buffer[cut:]
            if cut:
                yield buffer[:cut]
    if carry.strip():
        yield carry


# -- XLSX ------------------------------------------------------------------------------------

# Only a cell has an r attribute of letters and digits (a row's is digits only).
CELL_REF_RE = re.compile(rb'\sr="([A-Z]{1,3})([0-9]{1,7})"')
ROOT_RE = re.compile(rb"<(\w+:)?worksheet[\s>]")
STRING_RE = re.compile(rb"<(?:\w+:)?si[\s>/]")
SHEET_RE = re.compile(rb"<(?:\w+:)?sheet\s[^>]*>")
REL_RE = re.compile(rb"<(?:\w+:)?Relationship\s[^>]*>")
XF_BLOCK_RE = re.compile(rb"<(?:\w+:)?cellXfs\b.*?</(?:\w+:)?cellXfs>", re.S)
XF_RE = re.compile(rb"<(?:\w+:)?xf\s[^>]*>")
NUMFMT_RE = re.compile(rb"<(?:\w+:)?numFmt\s[^>]*>")
BUILTIN_PERCENT = {9, 10}


def _attr(tag: bytes, name: bytes) -> bytes | None:
    match = re.search(rb"\s" + name + rb'="([^"]*)"', tag)
    return match.group(1) if match else None


def xlsx_parts(archive: zipfile.ZipFile) -> tuple[str, list[str], str | None]:
    """The first worksheet's part, the shared strings' (where the workbook says and where
    readers look for them) and the styles' (or None)."""
    try:
        workbook = archive.read("xl/workbook.xml")
        rels = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError as exc:
        raise Unreadable("workbook") from exc
    targets: dict[bytes, bytes] = {}
    by_type: dict[bytes, str] = {}
    for tag in REL_RE.findall(rels):
        rel_id, target, kind = _attr(tag, b"Id"), _attr(tag, b"Target"), _attr(tag, b"Type")
        if rel_id and target:
            path = target[1:] if target.startswith(b"/") else b"xl/" + target
            targets[rel_id] = path
            by_type[(kind or b"").rsplit(b"/", 1)[-1]] = path.decode(errors="replace")
    first = SHEET_RE.search(workbook)
    rel_id = _attr(first.group(0), rb"\w+:id") if first else None
    sheet = targets.get(rel_id or b"", b"").decode(errors="replace")
    if sheet not in archive.NameToInfo:
        raise Unreadable("sheet")
    strings, styles = by_type.get(b"sharedStrings"), by_type.get(b"styles")
    strings_parts = {strings, "xl/sharedStrings.xml"} & set(archive.NameToInfo)
    return sheet, sorted(strings_parts), styles if styles in archive.NameToInfo else None


def _percent_styles(archive: zipfile.ZipFile, styles: str | None) -> set[bytes]:
    """The cell styles (`s` of a cell) whose number format shows a percentage."""
    if styles is None:
        return set()
    data = archive.read(styles)  # a few KB; the zip's ratio and size checks came first
    percent_formats = set(BUILTIN_PERCENT)
    for tag in NUMFMT_RE.findall(data):
        fmt_id, code = _attr(tag, b"numFmtId"), _attr(tag, b"formatCode") or b""
        if fmt_id and fmt_id.isdigit() and b"%" in code:
            percent_formats.add(int(fmt_id))
    block = XF_BLOCK_RE.search(data)
    found = set()
    for index, tag in enumerate(XF_RE.findall(block.group(0) if block else b"")):
        fmt_id = _attr(tag, b"numFmtId") or b"0"
        if fmt_id.isdigit() and int(fmt_id) in percent_formats:
            found.add(str(index).encode())
    return found


def xlsx_layout(archive: zipfile.ZipFile, limits: Limits) -> Layout:
    """Count the first sheet's rows, columns and cells and the shared strings, and find the
    percentage cells; LimitExceeded as soon as a limit is passed."""
    sheet, strings, styles = xlsx_parts(archive)
    percent_styles = _percent_styles(archive, styles)
    percent_re = None
    if percent_styles:
        alternatives = b"|".join(sorted(percent_styles))
        percent_re = re.compile(rb'<(?:\w+:)?c\s[^>]*?\ss="(?:' + alternatives + rb')"[^>]*>')
    layout = Layout()
    rows = cells = referenced = widest = 0
    row_tag = cell_tag = None
    for chunk in _chunks(archive, sheet):
        if row_tag is None:
            root = ROOT_RE.search(chunk)
            prefix = (root.group(1) if root else None) or b""
            row_tag, cell_tag = b"<" + prefix + b"row", b"<" + prefix + b"c"
        found = CELL_REF_RE.findall(chunk)
        referenced += len(found)
        if found:
            layout.columns = max(layout.columns, max(_column(c) for c in {c for c, _ in found}))
            layout.rows = max(layout.rows, max(int(r) for r in {r for _, r in found}))
        rows += chunk.count(row_tag + b" ") + chunk.count(row_tag + b">")
        in_chunk = sum(chunk.count(cell_tag + end) for end in (b" ", b">", b"/"))
        cells += in_chunk
        if in_chunk > len(found):  # cells without a reference sit after the one before them
            for piece in chunk.split(row_tag):
                widest = max(widest, sum(piece.count(cell_tag + end) for end in (b" ", b">", b"/")))
        if cells > limits.cells:
            raise LimitExceeded("cells", cells)
        if rows > limits.rows or layout.rows > limits.rows:
            raise LimitExceeded("rows", max(rows, layout.rows))
        if layout.columns > limits.columns:
            raise LimitExceeded("columns", layout.columns)
        if layout.rows * layout.columns > limits.cells:  # stop at the row that passes the limit
            raise LimitExceeded("cells", layout.rows * layout.columns)
        if percent_re is not None:
            for match in percent_re.finditer(chunk):
                ref = CELL_REF_RE.search(match.group(0))
                if ref:
                    layout.percent.add((int(ref.group(2)) - 1, _column(ref.group(1)) - 1))
    layout.rows = max(layout.rows, rows)
    if cells > referenced:  # a cell without reference sits after the one before it
        layout.columns = max(layout.columns, widest)
    layout.check(limits)
    for part in strings:
        count = 0
        for chunk in _chunks(archive, part):
            count += len(STRING_RE.findall(chunk))
            if count > limits.strings:
                raise LimitExceeded("strings", count)
    return layout


# -- ODS -------------------------------------------------------------------------------------

ODS_TOKEN_RE = re.compile(
    rb"<table:table-row\b([^>]*?)(/?)>|</table:table-row>"
    rb"|<table:(?:covered-)?table-cell\b([^>]*?)(/?)>|</table:table>"
)


def _count(attrs: bytes, name: bytes) -> int:
    value = _attr(attrs, name)
    return int(value) if value and value.isdigit() and len(value) < 9 else 1


def ods_layout(archive: zipfile.ZipFile, limits: Limits) -> Layout:
    """The first table of content.xml: its used area (repeated rows and cells counted as
    calamine spreads them), its percentage cells and merged cells."""
    if "content.xml" not in archive.NameToInfo:
        raise Unreadable("content.xml")
    layout = Layout()
    row = col = 0
    row_repeat = 1
    row_used = False
    for chunk in _chunks(archive, "content.xml"):
        for match in ODS_TOKEN_RE.finditer(chunk):
            token = match.group(0)
            if token.startswith(b"<table:table-row"):
                row_repeat, col, row_used = (
                    _count(match.group(1), b"table:number-rows-repeated"),
                    0,
                    False,
                )
                if match.group(2):  # an empty self-closed row
                    row += row_repeat
            elif token == b"</table:table-row>":
                if row_used:
                    layout.rows = max(layout.rows, row + row_repeat)
                row += row_repeat
                if layout.rows > limits.rows:
                    raise LimitExceeded("rows", layout.rows)
            elif token == b"</table:table>":
                layout.check(limits)
                return layout
            else:
                attrs = match.group(3)
                repeat = _count(attrs, b"table:number-columns-repeated")
                if not match.group(4) or b"office:value-type" in attrs:
                    row_used = True
                    layout.columns = max(layout.columns, col + repeat)
                    if layout.columns > limits.columns:
                        raise LimitExceeded("columns", layout.columns)
                    if layout.columns * (row + row_repeat) > limits.cells:
                        raise LimitExceeded("cells", layout.columns * (row + row_repeat))
                    if b'office:value-type="percentage"' in attrs:
                        layout.percent.update((row, c) for c in range(col, col + repeat))
                    spans = (
                        _count(attrs, b"table:number-rows-spanned"),
                        _count(attrs, b"table:number-columns-spanned"),
                    )
                    if spans != (1, 1):
                        layout.merges.append((row, col, row + spans[0] - 1, col + spans[1] - 1))
                col += repeat
    layout.check(limits)
    return layout


# -- XLS (BIFF8 in an OLE2 compound file) ----------------------------------------------------

FREE, END = 0xFFFFFFFF, 0xFFFFFFFE
CELL_RECORDS = {0x0203, 0x027E, 0x00FD, 0x0204, 0x0205, 0x0006, 0x0201, 0x00D6}
MULRK, MULBLANK, BOF, EOF, XF, FORMAT, SST = 0x00BD, 0x00BE, 0x0809, 0x000A, 0x00E0, 0x041E, 0x00FC


def _chain(table: list[int], start: int, limit: int) -> list[int]:
    chain, seen = [], set()
    while start not in (FREE, END) and start < len(table):
        if start in seen or len(chain) > limit:
            raise Unreadable("chain")
        seen.add(start)
        chain.append(start)
        start = table[start]
    return chain


def xls_workbook_stream(data: bytes) -> bytes:
    """The Workbook stream of an OLE2 compound file."""
    if len(data) < 512:
        raise Unreadable("header")
    shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
    if shift not in (9, 12) or mini_shift != 6:
        raise Unreadable("header")
    size = 1 << shift
    sectors = (len(data) - 512) // size + 1
    first_dir, _, cutoff, first_minifat, _minifat_count, first_difat, difat_count = (
        struct.unpack_from("<IIIIIII", data, 0x30)
    )

    def sector(index: int) -> bytes:
        offset = 512 + index * size
        if index >= sectors or offset + size > len(data) + size:
            raise Unreadable("sector")
        return data[offset : offset + size]

    fat_sectors = [s for s in struct.unpack_from("<109I", data, 0x4C) if s not in (FREE, END)]
    next_difat = first_difat
    for _ in range(min(difat_count, sectors)):
        if next_difat in (FREE, END):
            break
        entries = struct.unpack(f"<{size // 4}I", sector(next_difat))
        fat_sectors += [s for s in entries[:-1] if s not in (FREE, END)]
        next_difat = entries[-1]
    fat: list[int] = []
    for index in fat_sectors[:sectors]:
        fat += struct.unpack(f"<{size // 4}I", sector(index))

    def read(start: int, length: int) -> bytes:
        return b"".join(sector(s) for s in _chain(fat, start, sectors))[:length]

    directory = read(first_dir, sectors * size)
    entries = {}
    for offset in range(0, len(directory) - 127, 128):
        name_length = struct.unpack_from("<H", directory, offset + 0x40)[0]
        name = directory[offset : offset + max(0, min(name_length, 64) - 2)].decode(
            "utf-16-le", errors="replace"
        )
        kind = directory[offset + 0x42]
        start, length = struct.unpack_from("<II", directory, offset + 0x74)
        entries.setdefault(name, (kind, start, length))
    root = next((e for e in entries.values() if e[0] == 5), None)
    stream = entries.get("Workbook") or entries.get("Book")
    if root is None or stream is None or stream[2] > len(data):
        raise Unreadable("Workbook")
    _kind, start, length = stream
    if length >= cutoff:
        return read(start, length)
    minifat_bytes = read(first_minifat, sectors * size)
    minifat = list(struct.unpack(f"<{len(minifat_bytes) // 4}I", minifat_bytes))
    mini_stream = read(root[1], root[2])
    chain = _chain(minifat, start, len(minifat))
    return b"".join(mini_stream[s * 64 : s * 64 + 64] for s in chain)[:length]


def xls_layout(data: bytes, limits: Limits) -> Layout:
    """The first worksheet's used area and percentage cells, from the BIFF records; every
    sheet's area is bounded, and the shared strings the file declares."""
    stream = xls_workbook_stream(data)
    layout = Layout()
    formats = dict.fromkeys(BUILTIN_PERCENT, True)
    xf_percent: list[bool] = []
    sheets = 0
    rows = columns = 0
    offset = 0
    while offset + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, offset)
        body = stream[offset + 4 : offset + 4 + length]
        offset += 4 + length
        if kind == BOF and len(body) >= 4 and struct.unpack_from("<H", body, 2)[0] == 0x10:
            sheets += 1
            rows = columns = 0
        elif kind == EOF and sheets:
            area = Layout(rows=rows, columns=columns)
            area.check(limits)
            if sheets == 1:
                layout.rows, layout.columns = rows, columns
        elif kind == FORMAT and len(body) >= 5:
            formats[struct.unpack_from("<H", body)[0]] = b"%" in body[5:].replace(b"\0", b"")
        elif kind == XF and len(body) >= 4:
            xf_percent.append(formats.get(struct.unpack_from("<H", body, 2)[0], False))
        elif kind == SST and len(body) >= 8:
            if struct.unpack_from("<I", body, 4)[0] > limits.strings:
                raise LimitExceeded("strings", struct.unpack_from("<I", body, 4)[0])
        elif sheets and kind in CELL_RECORDS and len(body) >= 6:
            row, col, xf = struct.unpack_from("<HHH", body)
            rows, columns = max(rows, row + 1), max(columns, col + 1)
            if sheets == 1 and xf < len(xf_percent) and xf_percent[xf]:
                layout.percent.add((row, col))
        elif sheets and kind in (MULRK, MULBLANK) and len(body) >= 6:
            row, first = struct.unpack_from("<HH", body)
            last = struct.unpack_from("<H", body, len(body) - 2)[0]
            rows, columns = max(rows, row + 1), max(columns, last + 1)
            if sheets == 1 and kind == MULRK:
                step = 6
                for index, col in enumerate(range(first, last + 1)):
                    at = 4 + index * step
                    if at + 2 > len(body) - 2:
                        break
                    xf = struct.unpack_from("<H", body, at)[0]
                    if xf < len(xf_percent) and xf_percent[xf]:
                        layout.percent.add((row, col))
        if rows > limits.rows:
            raise LimitExceeded("rows", rows)
        if columns > limits.columns:
            raise LimitExceeded("columns", columns)
    if sheets == 0:
        raise Unreadable("no worksheet")
    if sheets == 1 and not layout.rows:
        layout.rows, layout.columns = rows, columns
    layout.check(limits)
    return layout
