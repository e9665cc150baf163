"""Values as comuni write them: numbers, weights, dates, targets, people."""

import datetime as dt
from decimal import Decimal

import pytest

from objectives.plan_import.values import (
    learn_category_words,
    parse_dates,
    parse_number,
    parse_person,
    parse_target,
    parse_weight,
)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("14.801", "14801"),
        ("4,44", "4.44"),
        ("5%", "5"),
        ("95,60%", "95.60"),
        ("n. 12", "12"),
        ("1.234,5", "1234.5"),
        ("0,2", "0.2"),
        ("-3", "-3"),
    ],
)
def test_italian_numbers(text, number):
    assert parse_number(text)[0] == Decimal(number)


def test_weights_percent_category_prerequisite_and_errors():
    words = learn_category_words(["1 - rilevante operativo", "2 - rilevante strategico"])
    assert parse_weight("5%", {}, words).points == 5
    category = parse_weight("2 - rilevante strategico", {"2": Decimal(3)}, words)
    assert category.points == 3 and category.kind == "category"
    assert parse_weight("strategico", {}, words).points == 2
    prerequisite = parse_weight("X", {}, words)
    assert prerequisite.points is None and prerequisite.text == "X" and not prerequisite.error
    assert "non è un numero" in parse_weight("tanto", {}, words).error


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("almeno 3", {"comparator": ">=", "value": 3}),
        (">= 2021", {"comparator": ">=", "relative_to_year": 2021, "value": None}),
        ("entro il 31/12/2024", {"comparator": "by_date", "date": dt.date(2024, 12, 31)}),
        ("mantenimento", {"comparator": ">=", "value": None, "relative_to_year": None}),
        ("maggiore 2022", {"comparator": ">", "relative_to_year": 2022}),
        ("<= anno 2022", {"comparator": "<=", "relative_to_year": 2022}),
        ("mantenimento target 2022", {"comparator": ">=", "relative_to_year": 2022}),
        ("80%", {"comparator": ">=", "value": 80}),
        ("0%", {"comparator": "=", "value": 0}),
        ("almeno tre report", {"comparator": ">=", "value": 3}),
        ("entro 31 gennaio", {"comparator": "by_date", "date": dt.date(2024, 1, 31)}),
        ("da ricalibrare", {"comparator": "yes", "value": None}),
    ],
)
def test_targets_keep_the_text_and_read_what_they_can(text, expected):
    target = parse_target(text, 2024)
    assert target["text"] == text and target["year"] == 2024
    assert {key: target[key] for key in expected} == expected


def test_a_relative_year_after_the_target_year_is_not_taken():
    assert parse_target("maggiore 2025", 2024)["relative_to_year"] is None


def test_dates_in_their_italian_forms():
    assert parse_dates("1) entro il 15/3/2024 2) entro il 31.12.2024") == [
        dt.date(2024, 3, 15),
        dt.date(2024, 12, 31),
    ]
    assert parse_dates("entro febbraio 2024") == [dt.date(2024, 2, 29)]
    assert parse_dates("31/06/2024") == []  # no such day


@pytest.mark.parametrize(
    ("text", "names", "group"),
    [
        ("GIANPIETRO PEZZOLI", ("Gianpietro Pezzoli",), ""),
        ("Segretario Generale Giulio Nardi", ("Giulio Nardi",), ""),
        ("arch. Bertone", ("Bertone",), ""),
        ("Area LL.PP.- Patrimonio : Ing. Roberto ROSATI", ("Roberto Rosati",), ""),
        ("N/P", (), ""),
        ("DIRIGENTI", (), "dirigenti"),
        ("DINGENTI", (), "dirigenti"),
        ("tutie ie EQ", (), "eq"),
        ("mantenimento", (), ""),
        ("Anna Alfieri; Bruno Bertoli", ("Anna Alfieri", "Bruno Bertoli"), ""),
    ],
)
def test_people_cells(text, names, group):
    cell = parse_person(text)
    assert cell.names == names and cell.group == group
