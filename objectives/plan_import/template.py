"""Write a table in the canonical layout as XLSX: the blank template, and any rows given.

Text that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
return) is written behind an apostrophe; the importer takes the apostrophe off again.
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from objectives.plan_layout import Column, layout_columns
from piao.spreadsheet import neutralise


def safe_text(value: str) -> str:
    return neutralise(value)


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


def sheet_columns(columns: list[Column], *, comments: bool = True, **options) -> list:
    """The writer's columns (piao.spreadsheet) for layout columns; `comments` names each
    column's role on its header, for whoever fills the template by hand."""
    from objectives.plan_import.columns import role_label
    from piao.spreadsheet import SheetColumn

    return [
        SheetColumn(
            c.header,
            c.width,
            comment=role_label(c.role) if comments else None,
            **{key: f(c) for key, f in options.items()},
        )
        for c in columns
    ]


def write_table(columns: list[Column], rows: Iterable[dict], *, title: str = "Piano") -> bytes:
    """One sheet: the header row, then one row per dict (keyed by column role)."""
    from piao.spreadsheet import table_to_xlsx

    values = ([_cell(row.get(c.role), c) for c in columns] for row in rows)
    return table_to_xlsx(sheet_columns(columns), values, title=title, freeze="B2")


def template_xlsx(years) -> bytes:
    """The blank template for a plan over `years`: the columns a comune fills by hand."""
    return write_table(layout_columns(years, full=False), [], title="Piano")
