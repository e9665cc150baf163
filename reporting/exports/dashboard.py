"""A dashboard table as CSV or XLSX: the same columns as on the page, every row, raw numbers."""

import io
import re
from decimal import Decimal

import django_tables2 as tables

from reporting.exports.cells import neutralise
from reporting.exports.csv import PEOPLE


def _raw(value):
    if isinstance(value, float):
        return Decimal(f"{value:.2f}")
    return value


def table_values(table: tables.Table) -> tuple[list[str], list[list]]:
    """The header and every row of the table (all pages), numbers left as numbers."""
    columns = [c for c in table.columns if c.name not in table.exclude]
    header = [str(c.header) for c in columns]
    rows = []
    for record in table.data:
        rows.append([_raw(tables.A(c.accessor).resolve(record, quiet=True)) for c in columns])
    return header, rows


def table_to_csv(table: tables.Table) -> bytes:
    """The table for a person's spreadsheet (reporting.exports.csv.PEOPLE)."""
    header, rows = table_values(table)
    return PEOPLE.write(header, rows)


def table_to_xlsx(table: tables.Table, *, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    header, rows = table_values(table)
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = re.sub(r"[\\/*?:\[\]]", "-", title)[:31] or "Tabella"
    sheet.append([neutralise(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(
            [
                float(v) if isinstance(v, Decimal) else (neutralise(v) if isinstance(v, str) else v)
                for v in row
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
