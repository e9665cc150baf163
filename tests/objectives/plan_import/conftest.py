"""Files for the importer's tests, built by the tests themselves, and a counter of rows."""

import csv
import io
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

SEEDS = Path(settings.BASE_DIR) / "fixtures" / "seeds"
CURATED = Path(settings.BASE_DIR) / "fixtures" / "plans"


def xlsx_bytes(rows, *, merges=(), percent_cells=()) -> bytes:
    """An XLSX with the rows on its first sheet; `merges` like "A2:A4"."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    for cell in percent_cells:
        sheet[cell].number_format = "0%"
    for ref in merges:
        sheet.merge_cells(ref)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, *, delimiter=";", encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode(encoding)


NAMES = ["Anna", "Bruno", "Carla", "Dario", "Elena", "Fabio", "Giulia"]
HEADER = ["N°", "Obiettivo", "Responsabile", "Peso", "Indicatore", "Target 2024", "Target 2025"]


def plan_rows(n: int, *, start: int = 1) -> list[list]:
    """A clean table of n objectives with one indicator each."""
    return [HEADER] + [
        [
            str(i),
            f"Obiettivo numero {i}",
            f"{NAMES[i % len(NAMES)]} Rossi",
            "5%",
            f"Pratiche evase {i}",
            f"almeno {i}",
            f">= {i + 1}",
        ]
        for i in range(start, start + n)
    ]


def row_counts() -> dict[str, int]:
    """Rows of every model of the project (history included), but the import register."""
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"organisation", "objectives"}
        and model._meta.model_name != "importrecord"
    }


@pytest.fixture
def controllo_client(client, world):
    client.force_login(world.controllo)
    return client


@pytest.fixture(autouse=True)
def uploads_in_a_temporary_folder(settings, tmp_path):
    """Uploaded files waiting for confirmation go to a folder of the test, not the project's."""
    settings.MEDIA_ROOT = tmp_path / "media"
