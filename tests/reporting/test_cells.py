import datetime as dt
from decimal import Decimal

import pytest

from piao.spreadsheet import neutralise


@pytest.mark.parametrize("text", ["=1+1", "+39 030", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_text_that_would_be_a_formula_gets_an_apostrophe(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize(
    "value", ["Ridurre i tempi", "", None, Decimal("-2"), -2.5, dt.date(2024, 1, 1)]
)
def test_plain_text_and_numbers_pass_unchanged(value):
    assert neutralise(value) == value
