"""What the models would refuse is refused by the document check, with the objective and row
it is about, before anything is written (the writer does not validate each row again)."""

import pytest

from objectives.models import Plan
from objectives.plan_import import PlanImportError, import_plan_document
from objectives.plan_import.spreadsheet import preview_spreadsheet
from tests.objectives.plan_import.conftest import csv_bytes

pytestmark = pytest.mark.django_db


def document(**objective) -> dict:
    target = {"year": 2024, "comparator": ">=", "value": 3, "text": ">= 3"}
    base = {
        "code": "1",
        "title": "Ridurre i tempi",
        "weight": 10,
        "weight_text": "10%",
        "indicators": [{"description": "Pratiche", "unit": "n.", "targets": [target]}],
    }
    return {
        "schema": "piao.plan/1",
        "ente": {"slug": "controlli", "name": "Comune dei controlli"},
        "plan": {"title": "PIAO 2024-2026", "first_year": 2024, "last_year": 2026},
        "objectives": [base | objective],
    }


def refused(data: dict) -> list[str]:
    with pytest.raises(PlanImportError) as excinfo:
        import_plan_document(data)
    assert not Plan.objects.filter(ente__slug="controlli").exists()
    return excinfo.value.errors


def test_a_code_longer_than_the_column_is_refused_with_its_objective():
    errors = refused(document(code="1." * 20))
    assert errors == ["Obiettivo 1: «code» (codice) è troppo lungo: 40 caratteri, il massimo è 30."]


def test_a_weight_with_too_many_digits_is_refused():
    errors = refused(document(weight=12.345))
    assert errors == [
        "Obiettivo 1 (codice 1): «weight» (peso) vale 12.345: "
        "al massimo 5 cifre prima della virgola e 2 dopo."
    ]


def test_an_indicator_unit_too_long_and_a_huge_target_value_are_refused():
    indicator = {
        "description": "Pratiche",
        "unit": "u" * 51,
        "targets": [{"year": 2025, "comparator": ">=", "value": 1e30}],
    }
    errors = refused(document(indicators=[indicator]))
    assert errors[0] == (
        "Obiettivo 1 (codice 1), indicatore 1: «unit» (unità di misura) è troppo lungo: "
        "51 caratteri, il massimo è 50."
    )
    assert errors[1] == (
        "Obiettivo 1 (codice 1), indicatore 1, target 1: «value» (valore) vale 1e+30: "
        "al massimo 16 cifre prima della virgola e 4 dopo."
    )


def test_target_rules_of_the_model_are_checked_with_the_row():
    targets = [
        {"year": 2024, "comparator": ">=", "value": 3, "relative_to_year": 2025},
        {"year": 2025, "comparator": "by_date"},
    ]
    errors = refused(document(indicators=[{"description": "Pratiche", "targets": targets}]))
    assert errors == [
        "Obiettivo 1 (codice 1), indicatore 1, target 1: "
        "l'anno di riferimento non può seguire l'anno del target.",
        "Obiettivo 1 (codice 1), indicatore 1, target 2: "
        "un target a scadenza richiede la data o il testo.",
    ]


def test_a_good_document_is_written_with_its_history():
    summary = import_plan_document(document())
    objective = summary.plan.objectives.get()
    assert objective.weight == 10 and objective.indicators.get().targets.get().value == 3
    assert objective.history.count() == 1


def test_a_spreadsheet_row_too_long_for_a_column_is_shown_on_its_row_in_the_preview():
    rows = [["N°", "Obiettivo", "Peso", "Tempi"], ["1", "Ridurre", "5%", "entro " + "x" * 300]]
    preview = preview_spreadsheet(
        csv_bytes(rows), "p.csv", ente_slug="alfa", plan_title="x", first_year=2024, last_year=2026
    )
    messages = [str(issue) for issue in preview.errors]
    assert messages == [
        "Riga 2: «deadline_text» (tempi come scritti) è troppo lungo: 306 caratteri, "
        "il massimo è 300."
    ]
