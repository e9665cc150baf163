"""A dashboard table as CSV or XLSX: the same columns as on the page, every row, raw numbers."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import django_tables2 as tables

from reporting.exports.cells import neutralise


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


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return str(value).replace(".", ",")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return neutralise(str(value))


def table_to_csv(table: tables.Table) -> str:
    """Semicolon-separated, decimal comma: what a spreadsheet set to Italian opens cleanly."""
    header, rows = table_values(table)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
    return out.getvalue()


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
