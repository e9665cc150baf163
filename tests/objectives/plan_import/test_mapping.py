"""The columns mapped by hand in the preview apply to every repetition of the header, as a
table printed over several pages repeats it at the top of each one."""

import pytest

from objectives.models import Objective
from objectives.plan_import.sheets import Sheet
from objectives.plan_import.table import read_table
from tests.objectives.plan_import.conftest import csv_bytes
from tests.objectives.plan_import.test_views import confirm_url, preview_url, upload

HEADER = ["Cosa", "Chi", "Quanto"]
MAPPING = {0: "description", 1: "dirigente", 2: "weight"}


def paged_rows(pages: int, per_page: int = 2) -> list[list[str]]:
    """A table whose unknown header repeats at the top of each page, with a blank line
    between pages, as text extracted from a printed plan looks."""
    rows: list[list[str]] = []
    for page in range(pages):
        rows.append(list(HEADER))
        for n in range(per_page):
            number = page * per_page + n + 1
            rows.append([f"Ridurre i tempi {number}", "Anna Alfieri", "10%"])
        rows.append(["", "", ""])
    return rows


def test_the_mapping_applies_to_every_page_and_no_header_becomes_an_objective():
    table = read_table(Sheet(rows=paged_rows(3), kind="csv"), mapping=MAPPING)
    assert [h.line for h in table.headers] == [1, 5, 9]
    assert all(h.roles == ["description", "dirigente", "weight"] for h in table.headers)
    assert all(h.manual == {0, 1, 2} for h in table.headers)
    descriptions = [record.first.get("description") for record in table.records]
    assert descriptions == [f"Ridurre i tempi {n}" for n in range(1, 7)]
    assert {record.first.get("weight") for record in table.records} == {"10%"}


def test_a_repeated_header_is_skipped_even_before_it_is_mapped():
    table = read_table(Sheet(rows=paged_rows(2), kind="csv"))
    assert (5, "intestazione") in table.skipped
    assert all(record.first.line not in (1, 5) for record in table.records)


def test_a_row_that_only_resembles_the_header_stays_data():
    rows = paged_rows(1) + [["Cosa", "Chi", "Quanto costa"]]
    table = read_table(Sheet(rows=rows, kind="csv"), mapping=MAPPING)
    assert [h.line for h in table.headers] == [1]
    assert table.records[-1].first.get("weight") == "Quanto costa"


@pytest.mark.django_db
def test_mapping_a_paged_file_in_the_preview_imports_every_page(controllo_client, world):
    data = csv_bytes(paged_rows(3))
    address = preview_url(upload(controllo_client, world, data, name="pagine.csv"))
    response = controllo_client.get(address)
    assert response.status_code == 400
    assert "Manca la colonna obbligatoria" in response.content.decode()

    form = {"col_0": "description", "col_1": "dirigente", "col_2": "weight"}
    response = controllo_client.get(address, form)
    page = response.content.decode()
    assert response.status_code == 200, page[:3000]
    assert "6 obiettivi" in page and "Ridurre i tempi 6" in page
    assert page.count('data-status="ok"') == 6

    response = controllo_client.post(confirm_url(address), form)
    assert response.status_code == 302
    objectives = Objective.objects.filter(plan__title="PIAO importato 2024-2026")
    assert objectives.count() == 6
    assert not objectives.filter(description="Cosa").exists()
    assert {o.dirigente.full_name for o in objectives.select_related("dirigente")} == {
        "Anna Alfieri"
    }
