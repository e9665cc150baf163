"""Headers as comuni write them, and tables laid out as PDFs and spreadsheets leave them."""

import pytest

from objectives.plan_import.columns import recognise
from objectives.plan_import.sheets import read_sheet
from objectives.plan_import.spreadsheet import preview_spreadsheet
from objectives.plan_import.table import read_table
from objectives.plan_layout import layout_columns
from tests.objectives.plan_import.conftest import csv_bytes, xlsx_bytes

HEADER_VARIANTS = {
    "code": ["NR", "N°", "n. obiettivo", "N° OBIETTIVO", "Codice", "num.", "Numero obiettivo"],
    "dirigente": [
        "SOGGETTO COMPETENTE",
        "Responsabile",
        "RESPONSABILE",
        "Dirigente-A.P./ Responsabile",
        "Dirigente",
        "Dirigente / Responsabile",
    ],
    "eq": ["EQ", "EO", "P.O.", "Posizione organizzativa", "Elevata Qualificazione"],
    "weight": ["PESO OBIETTIVO", "Peso", "Peso (%)", "peso %", "PESO OBJETTIVO", "Pesatura"],
    "dup": ["Rif. DUP Missione/ Programma", "Missione/ Programma", "Riferimento DUP", "DUP"],
    "title": ["FINALITA' OBIETTIVO", "Finalità", "PINALITA' OBJETTIVO", "Obiettivo strategico"],
    "description": ["OBIETTIVO", "Obiettivo (descrizione)", "Descrizione obiettivo", "Azione"],
    "indicator": ["INDICATORE", "Indicatori", "Indicatore di risultato"],
    "expected_result": ["RISULTATO ATTESO", "Risultati attesi", "Valore atteso", "Target"],
    "deadline": ["TEMPI STABILITI", "Tempi", "Scadenza", "Tempistica", "Termine"],
    "staff": ["personale coinvolto", "Personale coinvolto", "Risorse umane coinvolte"],
    "achievement": ["% Raggiunta (da validare NdV)", "STATO DI RAGGIUNGIMENTO", "%"],
    "notes": ["NOTE", "Note", "Osservazioni"],
    "area": ["AMBITO ORGANIZZATIVO", "Dipartimento", "Area", "Settore"],
    "servizio": ["SERVIZIO", "Servizio", "Servizi"],
    "ufficio": ["UFFICIO", "Uffici"],
    "missione": ["MISSIONE", "Missione"],
    "programma": ["PROGRAMMA", "Programma"],
    "indicator_unit": ["Unità di misura", "U.M."],
    "target@2022": ["TARGET 2022", "Target 2022", "target-2022", "Valore atteso 2022", "2022"],
    "baseline": [
        'punto di partenza ("baseline") 2021',
        "Punto di partenza cd. Baseline 2021?",
        "Baseline",
        "Valori 2019",
        "Valore di partenza",
    ],
}


@pytest.mark.parametrize(
    ("role", "label"),
    [(role, label) for role, labels in HEADER_VARIANTS.items() for label in labels],
)
def test_header_variants_are_recognised(role, label):
    assert recognise(label) == role


def test_our_own_layout_is_recognised_exactly():
    for column in layout_columns(range(2024, 2027)):
        assert recognise(column.header) == column.role, column.header


def test_numbers_before_missione_and_programma_are_their_codes():
    rows = [["N°", "MISSIONE", "N°", "PROGRAMMA", "N°", "Obiettivo"], ["1", "", "2", "", "1", "x"]]
    header = read_table(read_sheet(csv_bytes(rows))).header
    assert header.roles[:5] == ["missione_code", "missione", "programma_code", "programma", "code"]


def test_a_repeated_target_year_is_read_as_the_next_one():
    rows = [
        ["N°", "Obiettivo", "TARGET 2022", "TARGET 2022", "TARGET 2023"],
        ["1", "x", "", "", ""],
    ]
    header = read_table(read_sheet(csv_bytes(rows))).header
    assert header.roles[2:] == ["target@2022", "target@2023", "target@2024"]
    assert "ripete l'anno 2022" in header.notes[0]


def _preview(data: bytes, name="t.tsv", years=(2024, 2026)):
    return preview_spreadsheet(
        data, name, ente_slug="prova", plan_title="p", first_year=years[0], last_year=years[1]
    )


@pytest.mark.django_db
def test_repeated_headers_blank_lines_restarting_numbers_and_total_lines():
    header = ["NR", "Obiettivo", "Responsabile", "Peso", "Indicatore", "Target 2024"]
    rows = [
        header,
        ["1", "Primo", "Anna Alfieri", "50%", "n. pratiche", "almeno 3"],
        ["", "", "", "", "tempi medi", "<= 30"],  # a further indicator of objective 1
        ["2", "Secondo", "", "50%", "report", "entro il 31/12/2024"],
        ["", "", "", "100%", "", ""],  # the block's total
        [],
        header,  # the header again, on the next page
        ["1", "Terzo", "Bruno Bertoli", "X", "n. controlli", "mantenimento"],
    ]
    preview = _preview(csv_bytes(rows, delimiter="\t"))
    assert not preview.errors
    objectives = preview.objectives
    assert [o["code"] for o in objectives] == ["1.1", "1.2", "2.1"]
    assert len(objectives[0]["indicators"]) == 2
    assert objectives[1]["dirigente"] == "Anna Alfieri"  # named once for the block
    assert objectives[2]["weight"] is None and objectives[2]["weight_text"] == "X"
    target = objectives[1]["indicators"][0]["targets"][0]
    assert target["comparator"] == "by_date" and target["date"] == "2024-12-31"


@pytest.mark.django_db
def test_a_header_merged_into_the_first_data_row_and_wrapped_cells():
    header = ["NR", "SOGGETTO COMPETENTE", "OBIETTIVO", "PESO OBIETTIVO", "RISULTATO ATTESO"]
    rows = [
        header,
        ["1", "MARIA VERDI", "Avviare il protocollo", "1 - rilevante operativo", "100%"],
        [
            "NR",
            "SOGGETTO COMPETENTE MARIA",
            "OBIETTIVO Approvare il manuale",
            "PESO OBIETTIVO 2 - rilevante",
            "RISULTATO ATTESO entro il 31/12/2024",
        ],
        ["2", "VERDI", "di gestione documentale", "strategico", ""],
        ["3", "", "Terzo obiettivo", "operativo", "almeno 2"],
    ]
    preview = _preview(csv_bytes(rows, delimiter="\t"))
    assert not preview.errors, [str(e) for e in preview.errors]
    first, second, third = preview.objectives
    assert preview.built.lines[1] == [3, 4]
    assert second["dirigente"] == "Maria Verdi" and second["weight"] == 2
    assert second["description"] == "Approvare il manuale di gestione documentale"
    assert third["weight"] == 1  # "operativo" is category 1, as the file writes it in full
    assert preview.built.document["plan"]["weight_categories"] == {"1": 1, "2": 2}


@pytest.mark.django_db
def test_merged_cells_in_xlsx_fill_the_rows_they_span():
    rows = [
        ["N°", "Responsabile", "Obiettivo", "Peso", "Indicatore", "Target 2024"],
        [1, "Carla Neri", "Primo", 0.3, "n. atti", "almeno 2"],
        [2, None, "Secondo", 0.3, "n. sedute", "almeno 4"],
        [3, None, "Terzo", 0.4, "report", "entro il 30/06/2024"],
    ]
    data = xlsx_bytes(rows, merges=["B2:B4"], percent_cells=["D2", "D3", "D4"])
    preview = _preview(data, "merged.xlsx")
    assert not preview.errors
    assert [o["dirigente"] for o in preview.objectives] == ["Carla Neri"] * 3
    assert [o["weight_text"] for o in preview.objectives] == ["30%", "30%", "40%"]
    assert preview.built.document["plan"]["weight_mode"] == "percent"


@pytest.mark.django_db
def test_semicolon_and_comma_csv_with_italian_numbers():
    rows = [["Codice", "Obiettivo", "Peso", "Indicatore", "Baseline 2023", "Target 2024"]]
    rows.append(["A.1", "Riscossione", "4,5%", "importo riscosso", "14.801", "almeno 15.000,50"])
    for delimiter in (";", ","):
        preview = _preview(csv_bytes(rows, delimiter=delimiter), "p.csv")
        objective = preview.objectives[0]
        indicator = objective["indicators"][0]
        assert objective["code"] == "A.1" and objective["weight"] == 4.5
        assert indicator["baseline"] == {"value": 14801, "year": 2023, "text": "14.801"}
        assert indicator["targets"][0]["value"] == 15000.5
        assert indicator["targets"][0]["comparator"] == ">="
