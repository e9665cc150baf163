"""The two CSV dialects piao writes, chosen here and nowhere else.

- `PEOPLE`: what a spreadsheet set to Italian (Excel, LibreOffice) opens correctly with a double
  click: semicolon-separated, decimal comma, dates as dd/mm/yyyy, UTF-8 with a BOM (without it
  Excel reads the accents as Windows-1252). Every download a person asks for: the plan page, the
  lists, the dashboard's tables.
- `OPEN_DATA`: what the AgID open-data guidelines ask of a machine-readable file: comma-separated
  (RFC 4180), dot decimals, ISO 8601 dates, UTF-8 without a BOM. The files of Amministrazione
  Trasparente.

Both end lines with CRLF (RFC 4180) and both are formula-safe: a text a spreadsheet would read as
a formula is prefixed with an apostrophe (`piao.spreadsheet.neutralise`), since a citizen
opens the open-data file in a spreadsheet as often as a program reads it.
"""

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from piao.spreadsheet import neutralise


@dataclass(frozen=True)
class Dialect:
    name: str
    delimiter: str
    decimal: str
    date_format: str | None  # None: ISO 8601
    bom: bool

    def cell(self, value: object) -> str:
        """One value as this dialect writes it: numbers with its decimal mark, dates in its
        format, text formula-safe, None empty."""
        if value is None:
            return ""
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, Decimal | int | float):
            return format(value, "f" if isinstance(value, Decimal) else "").replace(
                ".", self.decimal
            )
        if isinstance(value, dt.datetime) and self.date_format:
            return value.strftime(f"{self.date_format} %H:%M")
        if isinstance(value, dt.date):
            return value.strftime(self.date_format) if self.date_format else value.isoformat()
        return neutralise(str(value))

    def write(self, header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
        """The header and the rows as CSV bytes in this dialect."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=self.delimiter, lineterminator="\r\n")
        writer.writerow([neutralise(str(h)) for h in header])
        for row in rows:
            writer.writerow([self.cell(value) for value in row])
        return (("\ufeff" if self.bom else "") + buffer.getvalue()).encode("utf-8")


PEOPLE = Dialect("people", delimiter=";", decimal=",", date_format="%d/%m/%Y", bom=True)
OPEN_DATA = Dialect("open_data", delimiter=",", decimal=".", date_format=None, bom=False)
