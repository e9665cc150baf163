"""From rows of cells to objectives: headers, page breaks, blocks, continuation rows.

The reading follows the table as a person would: a header (repeated on every page, split over
two lines or merged into the first data row) says which column is which; a numbered row, or one
with its own weight or objective text, opens an objective; a row with only indicators and
targets adds to the objective above; a lone number, a lone "100%" or a mission/programme written
on its own line belongs to the rows around it. Numbering that restarts opens a new block.
"""

import re
from dataclasses import dataclass, field

from objectives.plan_import.align import CODE_RE, align, consensus
from objectives.plan_import.columns import (
    Header,
    apply_mapping,
    build_header,
    is_headerish,
    merged_header_cells,
    role_base,
    strip_label,
)
from objectives.plan_import.sheets import Sheet, apply_vertical_merges
from objectives.plan_import.values import fold, parse_number, parse_person

DUP_PARTS = ("missione_code", "missione", "programma_code", "programma")
INDICATOR_ROLES = {"indicator", "baseline", "target", "expected_result", "deadline"}
INDICATOR_ROLES |= {"indicator_kind", "indicator_unit", "indicator_direction", "indicator_weight"}
INDICATOR_ROLES |= {"baseline_value", "baseline_year", "target_comparator", "target_value"}
INDICATOR_ROLES |= {"target_date", "target_relative"}
GENERIC_AREA_WORDS = {"dipartimento", "dipartimenti", "area", "settore", "servizio", "servizi"}
GENERIC_AREA_WORDS |= {"ufficio", "uffici", "tutti", "tutte", "generale"}
MIN_HEADER_ROLES = 3
APOSTROPHE_GUARD = re.compile(r"^'(?=[=+\-@\t\r])")  # what our XLSX writer puts before formulas


@dataclass
class Row:
    """One data row of the file, its cells placed under their columns."""

    line: int
    values: dict[str, str]
    header: Header
    merged_header: bool = False
    organizzativa: bool = False
    shifted: bool = False
    cells: list[str] = field(default_factory=list)
    placement: dict[int, int] = field(default_factory=dict)

    def get(self, role: str) -> str:
        return self.values.get(role, "")

    def has(self, *bases: str) -> bool:
        return any(role_base(role) in bases for role, text in self.values.items() if text)

    @property
    def number(self) -> str:
        code = self.get("code").strip()
        return code if CODE_RE.match(code) and re.search(r"[1-9]", code) else ""


@dataclass
class Record:
    """An objective as found in the table: its rows, before any value is interpreted."""

    block: int
    number: str
    first: Row
    lines: list[int]
    indicator_rows: list[Row]
    dup: dict[str, str]
    dirigente_filled: str = ""
    area_filled: str = ""
    code: str = ""


@dataclass
class Table:
    """What the structure of the file says, before values are read."""

    header: Header | None
    headers: list[Header] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int | None, str]] = field(default_factory=list)
    columns: int = 0


def _header_runs(rows: list[list[str]]) -> list[tuple[int, int]]:
    """(first, last) index of each run of consecutive header-like rows."""
    runs, start = [], None
    for index, cells in enumerate(rows):
        if _is_header_row(cells):
            start = index if start is None else start
            continue
        if start is not None:
            runs.append((start, index - 1))
            start = None
    if start is not None:
        runs.append((start, len(rows) - 1))
    return runs


def _is_header_row(cells: list[str]) -> bool:
    filled = [cell for cell in cells if cell]
    if not filled or any(len(cell) > 80 or parse_number(cell) for cell in filled):
        return False
    if not is_headerish(cells):
        return False
    # A header merged into a data row ("SOGGETTO COMPETENTE MARIA") is data, not a header.
    return sum(1 for cell in filled if all(strip_label(cell))) < 3


def _inherit(header: Header, previous: Header | None) -> Header:
    """A repeated header that lost a label keeps the previous page's column there."""
    if previous and len(previous.roles) == len(header.roles):
        for col, role in enumerate(header.roles):
            if role is None and not header.labels[col]:
                header.roles[col] = previous.roles[col]
    return header


def read_table(sheet: Sheet, *, mapping: dict[int, str] | None = None) -> Table:
    """The records of the table; header rows, blank lines and total lines are set aside."""
    rows = sheet.rows
    runs = _header_runs(rows)
    header_rows = {i for first, last in runs for i in range(first, last + 1)}
    if sheet.merges:
        apply_vertical_merges(sheet, header_rows)
    headers_at: dict[int, Header] = {}
    previous = None
    for first, last in runs:
        header = build_header(rows[first : last + 1], line=first + 1)
        if len(header.found) >= MIN_HEADER_ROLES:
            header = _inherit(header, previous)
            headers_at[last] = previous = header
    table = Table(header=None, columns=max((len(r) for r in rows), default=0))
    if not headers_at:
        first_filled = next((i for i, cells in enumerate(rows) if any(cells)), None)
        if first_filled is None:
            return table
        header = build_header([rows[first_filled]], line=first_filled + 1)
        headers_at[first_filled] = header
        header_rows.add(first_filled)
    _find_repeated_headers(rows, header_rows, headers_at)
    if mapping:
        headers_at = {at: apply_mapping(h, mapping) for at, h in headers_at.items()}
    table.headers = list(headers_at.values())
    table.header = table.headers[0]
    # Cells of a spreadsheet are where their author put them; only a text table extracted from
    # a PDF has cells that slide, and gets its rows realigned.
    _Reader(table, realign=sheet.kind == "tsv").read(rows, header_rows, headers_at)
    return table


def _signature(cells: list[str]) -> tuple[str, ...]:
    folded = [fold(cell) for cell in cells]
    while folded and not folded[-1]:
        folded.pop()
    return tuple(folded) if sum(1 for cell in folded if cell) >= 2 else ()


def _find_repeated_headers(
    rows: list[list[str]], header_rows: set[int], headers_at: dict[int, Header]
) -> None:
    """A header whose words we do not know (its columns are mapped by hand) is a header
    wherever it repeats word for word, as it does at the top of every printed page: each
    repetition starts a page with the same columns, and the same mapping."""
    signatures: dict[tuple[str, ...], Header] = {}
    for at, header in sorted(headers_at.items()):
        signatures.setdefault(_signature(rows[at]), header)
    signatures.pop((), None)
    if not signatures:
        return
    for index, cells in enumerate(rows):
        if index in header_rows or not any(cells):
            continue
        header = signatures.get(_signature(cells))
        if header is not None:
            header_rows.add(index)
            headers_at[index] = Header(
                roles=list(header.roles), labels=header.labels, line=index + 1
            )
    ordered = sorted(headers_at.items())
    headers_at.clear()
    headers_at.update(ordered)


class _Reader:
    """Walks the rows once, keeping the state a reader of the printed table keeps."""

    def __init__(self, table: Table, *, realign: bool) -> None:
        self.table = table
        self.realign = realign
        self.block = 0
        self.block_numbers: list[tuple] = []
        self.block_dirigente = ""
        self.block_area: set[str] = set()
        self.header_seen = True
        self.dup_state: dict[str, str] = {}
        self.pending_dup: dict[str, str] = {}
        self.pending_lines: list[int] = []
        self.current: Record | None = None
        self.codes_seen: list[str] = []

    # -- rows --------------------------------------------------------------------------------

    def read(self, rows, header_rows: set[int], headers_at: dict[int, Header]) -> None:
        header: Header | None = None
        data: list[Row] = []
        for index, cells in enumerate(rows):
            line = index + 1
            if index in headers_at:
                header = headers_at[index]
            if index in header_rows:
                data.append(Row(line, {}, header, merged_header=False))
                data[-1].values = {"__header__": "1"}
                continue
            if header is None:
                if any(cells):
                    self.table.skipped.append((line, "prima dell'intestazione"))
                continue
            if not any(cells):
                data.append(Row(line, {}, header))
                continue
            data.append(self._row(line, cells, header))
        self._consensus(data)
        self._merge_wrapped(data)
        for row in data:
            self._take(row)
        self._fill_up()
        self._number_blocks()

    def _row(self, line: int, cells: list[str], header: Header) -> Row:
        cells = [APOSTROPHE_GUARD.sub("", cell) for cell in cells]
        stripped = None if header.exact else merged_header_cells(cells, header.roles)
        merged = stripped is not None
        cells = stripped if merged else cells
        if header.exact or not self.realign:
            placement = {k: k for k, text in enumerate(cells) if text and k < len(header.roles)}
        else:
            placement = align(cells, header.roles)
        organizzativa = any("performance organizzativa" in fold(cell) for cell in cells if cell)
        row = Row(line, {}, header, merged_header=merged, organizzativa=organizzativa)
        row.cells = cells
        self._place(row, placement)
        return row

    @staticmethod
    def _place(row: Row, placement: dict[int, int]) -> None:
        values: dict[str, str] = {}
        for k, col in sorted(placement.items(), key=lambda item: item[1]):
            role = row.header.roles[col]
            if role is None:
                continue
            text = row.cells[k]
            values[role] = f"{values[role]} {text}" if role in values else text
        row.values = values
        row.placement = placement
        row.shifted = any(k != col for k, col in placement.items())

    def _consensus(self, data: list[Row]) -> None:
        """Rows of a page laid out alike (the same cells filled) are read alike: a shift that is
        clear in most of them settles the ones where it is not."""
        groups: dict[tuple, list[Row]] = {}
        for row in data:
            if row.cells and not row.header.exact and not row.merged_header:
                pattern = tuple(k for k, text in enumerate(row.cells) if text)
                groups.setdefault((id(row.header), pattern), []).append(row)
        for rows in groups.values():
            if len(rows) < 2 or not any(row.shifted for row in rows):
                continue
            chosen = consensus([(row.cells, row.placement) for row in rows], rows[0].header.roles)
            for row in rows:
                if row.placement != chosen:
                    self._place(row, chosen)

    @staticmethod
    def _merge_wrapped(data: list[Row]) -> None:
        """A header-merged row without number whose weight reads '1 - rilevante' and the next
        row ('8 ... operativo') are one row wrapped over two lines."""
        for i in range(len(data) - 1):
            row, following = data[i], data[i + 1]
            if not row.merged_header or row.number or not following.number:
                continue
            weight, next_weight = row.get("weight"), following.get("weight")
            if re.search(r"\d", weight) and not re.search(r"\d", next_weight) and next_weight:
                for role, text in following.values.items():
                    row.values[role] = f"{row.values.get(role, '')} {text}".strip()
                row.values["__lines__"] = str(following.line)
                following.values = {"__merged__": "1"}

    # -- classification ----------------------------------------------------------------------

    def _take(self, row: Row) -> None:
        values = {k: v for k, v in row.values.items() if v and not k.startswith("__")}
        if "__header__" in row.values:
            self._page_break()
            self.header_seen = True
            self.table.skipped.append((row.line, "intestazione"))
            return
        if "__merged__" in row.values:
            return
        if not values:
            self._page_break()
            self.table.skipped.append((row.line, "riga vuota"))
            return
        bases = {role_base(role) for role in values}
        number = row.number
        lines = [row.line] + ([int(row.values["__lines__"])] if "__lines__" in row.values else [])
        if bases <= {"code"} and number and self.current:
            self.current.lines += lines  # a number that slipped one line down
            return
        if bases <= set(DUP_PARTS) | {"dup"}:
            self.pending_dup = {k: v for k, v in values.items() if k in DUP_PARTS}
            self.pending_lines += lines
            return
        if bases <= {"weight"} and parse_number(row.get("weight")) and "100" in row.get("weight"):
            self.table.skipped.append((row.line, "riga del totale dei pesi"))
            return
        continues = self.current and number and number == self.current.number and row.header.roles
        if continues and not row.has("title", "description", "weight"):
            self.current.indicator_rows.append(row)
            self.current.lines += lines
            return
        if number or row.has("weight", "title", "description"):
            self._open(row, lines)
            return
        if bases & INDICATOR_ROLES and self.current:
            self.current.indicator_rows.append(row)
            self.current.lines += lines
            return
        self.table.skipped.append((row.line, "riga senza obiettivo né indicatori"))
        self.table.warnings.append((row.line, "riga ignorata: non contiene un obiettivo."))

    def _page_break(self) -> None:
        self.dup_state = {}
        for line in self.pending_lines:
            self.table.skipped.append((line, "riferimento DUP isolato a fine pagina"))
        self.pending_dup, self.pending_lines = {}, []

    def _open(self, row: Row, lines: list[int]) -> None:
        number = row.number
        key = _number_key(number)
        dirigente = row.get("dirigente")
        area = row.get("area")
        if self._starts_block(key, dirigente, area):
            self.block += 1
            self.block_numbers = []
            self.block_dirigente = ""
            self.block_area = set()
        crowd = parse_person(dirigente).group or parse_person(row.get("eq")).group
        if (
            row.shifted
            and dirigente
            and not row.get("eq")
            and self.block_dirigente
            and _person_words(dirigente) != _person_words(self.block_dirigente)
        ):
            # A row that lost a cell: the EQ slid into the dirigente's column.
            row.values["eq"], row.values["dirigente"] = dirigente, ""
            dirigente = ""
        self.header_seen = False
        if key:
            self.block_numbers.append(key)
        if dirigente and parse_person(dirigente).names:
            self.block_dirigente = dirigente
        self.block_area |= _area_words(area)
        record = Record(
            block=self.block,
            number=number,
            first=row,
            lines=self.pending_lines + lines,
            indicator_rows=[row],
            dup=self._dup(row),
            dirigente_filled=(
                self.block_dirigente
                if not parse_person(dirigente).names and not crowd and not row.header.exact
                else ""
            ),
            area_filled="",
        )
        self.pending_lines = []
        self.table.records.append(record)
        self.current = record

    def _starts_block(self, key: tuple, dirigente: str, area: str) -> bool:
        if self.block == 0:
            return True
        words = _area_words(area)
        if words and self.block_area and not words & self.block_area:
            return True
        if key and self.block_numbers and key <= self.block_numbers[-1] and key[:1] <= (1,):
            changed = bool(
                dirigente
                and self.block_dirigente
                and _person_words(dirigente) != _person_words(self.block_dirigente)
            )
            return self.header_seen or changed
        return False

    def _dup(self, row: Row) -> dict[str, str]:
        """The row's mission and programme, with what merged cells above leave implicit."""
        given = {k: row.get(k) for k in DUP_PARTS if row.get(k)}
        given = {**self.pending_dup, **given}
        self.pending_dup = {}
        if given.get("missione_code") or given.get("missione"):
            state = {k: given.get(k, "") for k in DUP_PARTS}
        elif given.get("programma_code") or given.get("programma"):
            state = {
                "missione_code": self.dup_state.get("missione_code", ""),
                "missione": self.dup_state.get("missione", ""),
                "programma_code": given.get("programma_code", ""),
                "programma": given.get("programma", ""),
            }
        else:
            state = dict(self.dup_state)
        self.dup_state = state
        return {**state, "dup": row.get("dup")}

    def _fill_up(self) -> None:
        """Rows opening a block before its dirigente is named take the one named after."""
        first_named: dict[int, str] = {}
        for record in self.table.records:
            named = record.first.get("dirigente")
            if named and parse_person(named).names:
                first_named.setdefault(record.block, named)
        for record in self.table.records:
            row = record.first
            crowd = parse_person(row.get("dirigente")).group or parse_person(row.get("eq")).group
            lost = not parse_person(row.get("dirigente")).names and not record.dirigente_filled
            if lost and not crowd and not row.header.exact:
                record.dirigente_filled = first_named.get(record.block, "")

    # -- codes -------------------------------------------------------------------------------

    def _number_blocks(self) -> None:
        """Codes as written when they are unique; '<block>.<number>' when numbering restarts."""
        records = self.table.records
        numbers = [r.number for r in records if r.number]
        prefixed = len(numbers) != len(set(numbers))
        used: set[str] = set()
        previous_by_block: dict[int, str] = {}
        for index, record in enumerate(records):
            if record.number:
                base = f"{record.block}.{record.number}" if prefixed else record.number
            else:
                base = self._unnumbered(records, index, previous_by_block, prefixed, used)
            code, n = base, 1
            while code in used:
                n += 1
                code = f"{base}-{n}"
            used.add(code)
            record.code = code
            previous_by_block[record.block] = record.number or previous_by_block.get(
                record.block, ""
            )

    @staticmethod
    def _unnumbered(records, index, previous_by_block, prefixed, used) -> str:
        record = records[index]
        before = previous_by_block.get(record.block, "")
        prefix = f"{record.block}." if prefixed else ""
        # Numbers lost between 5 and 8 over two rows are 6 and 7.
        gap_start = index
        while gap_start > 0 and not records[gap_start - 1].number:
            gap_start -= 1
        gap_end = index
        while gap_end < len(records) and not records[gap_end].number:
            gap_end += 1
        after = records[gap_end].number if gap_end < len(records) else ""
        same_block = gap_end < len(records) and records[gap_end].block == record.block
        fits_gap = (
            before.isdigit()
            and after.isdigit()
            and same_block
            and int(after) - int(before) - 1 == gap_end - gap_start
        )
        if fits_gap:
            candidate = f"{prefix}{int(before) + index - gap_start + 1}"
            if candidate not in used:
                return candidate
        letter = chr(ord("b") + min(index - gap_start, 24))
        return f"{prefix}{before or '0'}{letter}"


def _number_key(number: str) -> tuple:
    parts = re.findall(r"\d+", number)
    return tuple(int(p) for p in parts)


def _area_words(area: str) -> set[str]:
    return {w for w in fold(area).split() if len(w) > 3 and w not in GENERIC_AREA_WORDS}


def _person_words(text: str) -> frozenset[str]:
    person = parse_person(text)
    return frozenset(w for name in person.names for w in fold(name).split())
