"""Write a table in the canonical layout as XLSX: the blank template, and any rows given.

Text that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
return) is written behind an apostrophe; the importer takes the apostrophe off again.
"""

import datetime as dt
import io
import re
from collections.abc import Iterable
from decimal import Decimal

from objectives.plan_layout import Column, layout_columns

FORMULA_START = re.compile(r"^[=+\-@\t\r]")


def safe_text(value: str) -> str:
    return f"'{value}" if FORMULA_START.match(value) else value


def _cell(value, column: Column):
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "sì" if value else "no"
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, int | float | dt.date):
        return value
    return safe_text(str(value))


def write_table(columns: list[Column], rows: Iterable[dict], *, title: str = "Piano") -> bytes:
    """One sheet: the header row, then one row per dict (keyed by column role)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from objectives.plan_import.columns import role_label

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "B2"
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE6F0")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.comment = Comment(role_label(column.role), "piao")
        header.append(cell)
    sheet.append(header)
    for row in rows:
        values = []
        for column in columns:
            value = _cell(row.get(column.role), column)
            if isinstance(value, dt.date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "DD/MM/YYYY"
                value = cell
            values.append(value)
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_xlsx(years) -> bytes:
    """The blank template for a plan over `years`: the columns a comune fills by hand."""
    return write_table(layout_columns(years, full=False), [], title="Piano")
