"""The one XLSX table writer: the template, the plan's workbook, the lists' and the dashboard's
downloads all write their tables through `TableSheet`.

A sheet has a styled header (bold, shaded, wrapped, underlined, optionally a comment per column),
frozen panes, column widths and an autofilter over the rows written. Rows are written as they
come (openpyxl's write-only mode), so memory stays flat with size. Numbers stay numbers (a
percent column's figures are written as fractions formatted as percent), dates are dates, and a
text a spreadsheet would run as a formula is written behind an apostrophe (`neutralise`).
"""

import copy
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
PERCENT_FORMAT = "0.##%"
DATE_FORMAT = "DD/MM/YYYY"
INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def neutralise(value: object) -> object:
    """A text a spreadsheet would read as a formula, prefixed with an apostrophe (ASVS V1.2.10).

    Numbers, dates and None pass through unchanged: only user text can carry a formula.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def sheet_title(name: str, default: str = "Foglio") -> str:
    """A name Excel accepts for a sheet: no [ ] : * ? / \\, at most 31 characters."""
    return INVALID_SHEET_CHARS.sub(" ", name).strip()[:31] or default


@dataclass(frozen=True)
class SheetColumn:
    header: str
    width: int = 18  # characters
    kind: str = "text"  # text | percent (figures in percent, written as fractions) | number
    wrap: bool = False  # long text: wrapped, top-aligned
    comment: str | None = None  # shown on the header cell


class _Styles:
    """The few cell styles, made once (openpyxl shares equal styles)."""

    def __init__(self) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self.header_font = Font(bold=True)
        self.header_fill = PatternFill("solid", fgColor="DDE6F0")
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.border = Border(bottom=Side(style="thin", color="667788"))


STYLES: _Styles | None = None


def _styles() -> _Styles:
    global STYLES
    if STYLES is None:
        STYLES = _Styles()
    return STYLES


def header_cells(sheet, labels: Sequence[str], comments: Sequence[str | None] = ()) -> list:
    """The header row's cells, styled (for a sheet that is not a plain table)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.comments import Comment

    styles = _styles()
    cells = []
    for index, label in enumerate(labels):
        cell = WriteOnlyCell(sheet, value=neutralise(label))
        cell.font, cell.fill = styles.header_font, styles.header_fill
        cell.alignment, cell.border = styles.wrap, styles.border
        if index < len(comments) and comments[index]:
            cell.comment = Comment(comments[index], "piao")
        cells.append(cell)
    return cells


class TableSheet:
    """One sheet of a write-only workbook, written row by row."""

    def __init__(self, workbook, title: str, columns: Sequence[SheetColumn], *, freeze="A2"):
        from openpyxl.utils import get_column_letter

        self.sheet = workbook.create_sheet(sheet_title(title))
        self.columns = list(columns)
        self.count = 0
        for index, column in enumerate(self.columns, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = column.width
        self.sheet.freeze_panes = freeze
        labels = [c.header for c in self.columns]
        self.sheet.append(header_cells(self.sheet, labels, [c.comment for c in self.columns]))
        # Written when the workbook is saved, after the rows: the range grows with them.
        self.last_column = get_column_letter(max(len(self.columns), 1))
        self.sheet.auto_filter.ref = f"A1:{self.last_column}1"
        # Each style is registered once on a prototype cell and its index array copied to every
        # cell: setting a style per cell hashes it again each time (a third of a large run).
        self.percent_style = self._prototype(number_format=PERCENT_FORMAT)
        self.date_style = self._prototype(number_format=DATE_FORMAT)
        self.wrap_style = self._prototype(alignment=_styles().wrap)

    def _prototype(self, **style):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(self.sheet)
        for name, value in style.items():
            setattr(cell, name, value)
        return cell._style

    def _cell(self, value, style):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(self.sheet, value=value)
        cell._style = copy.copy(style)
        return cell

    def append(self, values: Sequence) -> None:
        """One row, its values in the columns' order."""
        cells = []
        for column, value in zip(self.columns, values, strict=True):
            if isinstance(value, Decimal):
                value = int(value) if value == value.to_integral_value() else float(value)
            if value is None or value == "":
                value = None
            elif column.kind == "percent" and isinstance(value, int | float):
                value = self._cell(value / 100, self.percent_style)
            elif isinstance(value, dt.date):
                value = self._cell(value, self.date_style)
            elif isinstance(value, str):
                value = neutralise(value)
                if column.wrap:
                    value = self._cell(value, self.wrap_style)
            cells.append(value)
        self.sheet.append(cells)
        self.count += 1
        self.sheet.auto_filter.ref = f"A1:{self.last_column}{self.count + 1}"


def new_workbook():
    from openpyxl import Workbook

    return Workbook(write_only=True)


def workbook_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table_to_xlsx(
    columns: Sequence[SheetColumn], rows: Iterable[Sequence], *, title: str, freeze: str = "A2"
) -> bytes:
    """A workbook of one table."""
    workbook = new_workbook()
    sheet = TableSheet(workbook, title, columns, freeze=freeze)
    for row in rows:
        sheet.append(row)
    return workbook_bytes(workbook)
