"""A dashboard table as CSV or XLSX: the same columns as on the page, every row, raw numbers."""

from decimal import Decimal

import django_tables2 as tables

from piao import spreadsheet
from piao.spreadsheet import SheetColumn
from reporting.exports.csv import PEOPLE


def _raw(value: object) -> object:
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
    """The table as one sheet (piao.spreadsheet), its figures as numbers."""
    header, rows = table_values(table)
    columns = [SheetColumn(h, min(50, max(12, len(h) + 4)), kind="number") for h in header]
    return spreadsheet.table_to_xlsx(columns, rows, title=title or "Tabella")
