"""The two CSV dialects: what a spreadsheet set to Italian opens, and open data as AgID asks."""

import csv
import datetime as dt
import io
from decimal import Decimal

from reporting.exports.csv import OPEN_DATA, PEOPLE

HEADER = ["Codice", "Quota", "Media", "Scadenza", "Obiettivo"]
ROW = [Decimal("1"), Decimal("33.33"), 12.5, dt.date(2026, 6, 30), '=HYPERLINK("x"); altro']


def test_people_read_semicolons_decimal_commas_and_italian_dates_with_a_bom():
    data = PEOPLE.write(HEADER, [ROW, [None, None, None, None, ""]])
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows == [
        HEADER,
        ["1", "33,33", "12,5", "30/06/2026", '\'=HYPERLINK("x"); altro'],
        ["", "", "", "", ""],
    ]
    assert data.endswith(b"\r\n")


def test_open_data_is_comma_separated_with_dot_decimals_iso_dates_and_no_bom():
    data = OPEN_DATA.write(HEADER, [ROW])
    assert data.startswith(b"Codice,Quota,")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    assert rows == [HEADER, ["1", "33.33", "12.5", "2026-06-30", '\'=HYPERLINK("x"); altro']]


def test_a_header_a_user_named_cannot_become_a_formula_either():
    data = PEOPLE.write(["=cmd"], [])
    assert data.decode("utf-8-sig") == "'=cmd\r\n"
