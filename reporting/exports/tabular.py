"""CSV, XLSX and JSON of a table's rows: the plan page's and the filtered lists'.

A list's download takes the columns of the table the page shows (django-tables2), so it holds
the same columns and exactly the filtered rows; every text cell goes through `neutralise`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from piao.spreadsheet import SheetColumn, table_to_xlsx
from reporting.exports.csv import PEOPLE, Dialect

if TYPE_CHECKING:
    from django_tables2 import Table


@dataclass(frozen=True)
class Field:
    key: str
    header: str
    kind: str = "text"  # text | percent | number


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _number(value: object) -> object:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def rows_to_csv(fields: list[Field], rows: list[dict], dialect: Dialect = PEOPLE) -> bytes:
    """The rows as CSV in `dialect` (reporting.exports.csv): a person's download unless said."""
    return dialect.write(
        [f.header for f in fields],
        ([_number(row.get(f.key)) for f in fields] for row in rows),
    )


def rows_to_json(fields: list[Field], rows: list[dict], *, meta: dict) -> bytes:
    document = {
        **meta,
        "columns": [{"key": f.key, "header": f.header} for f in fields],
        "rows": [{f.key: _plain(row.get(f.key)) for f in fields} for row in rows],
    }
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def rows_to_xlsx(fields: list[Field], rows: list[dict], *, title: str) -> bytes:
    """One sheet (piao.spreadsheet): styled frozen header, autofilter, widths, wrapped text,
    percent numbers."""
    columns = [
        SheetColumn(
            f.header,
            12 if f.kind != "text" else min(50, max(12, len(f.header) + 4)),
            kind=f.kind,
            wrap=f.kind == "text",
        )
        for f in fields
    ]
    values = ([row.get(f.key) for f in fields] for row in rows)
    return table_to_xlsx(columns, values, title=title or "Elenco")


def table_fields_rows(table: Table) -> tuple[list[Field], list[dict]]:
    """The columns and every row (not only a page) of a django-tables2 table of the app.

    Percent columns keep their numbers; the others take the text the page shows. Columns
    without data (checkboxes, actions) are left out.
    """
    from objectives.tables import PercentColumn

    skip = {"select", "actions"}
    columns = [c for c in table.columns if c.name not in skip]
    fields = [
        Field(c.name, str(c.header), "percent" if isinstance(c.column, PercentColumn) else "text")
        for c in columns
    ]
    rows = []
    for bound_row in table.rows:
        row = {}
        for column, field in zip(columns, fields, strict=True):
            if field.kind == "percent":
                row[field.key] = column.accessor.resolve(bound_row.record, quiet=True)
            else:
                row[field.key] = str(bound_row.get_cell_value(column.name))
        rows.append(row)
    return fields, rows
