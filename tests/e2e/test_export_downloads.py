"""A viewer downloads what they see from the plan page, in a real Chromium."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from objectives.models import Plan
from tests.reporting.exports_data import IMMEDIATE_TASKS

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def jobs_inline(settings, tmp_path):
    settings.TASKS = IMMEDIATE_TASKS  # the live server shares the test database
    settings.MEDIA_ROOT = tmp_path / "media"


def test_viewer_filters_the_plan_and_downloads_csv_and_the_pdf(page, demo_site):
    demo_site(page, "viewer")
    plan = Plan.objects.get(ente__slug="montepulciano")
    page.get_by_role("link", name=plan.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(plan.title)
    dirigente = plan.objectives.exclude(dirigente=None).first().dirigente
    expected = list(
        plan.objectives.filter(dirigente=dirigente)
        .order_by("order", "id")
        .values_list("code", flat=True)
    )
    page.get_by_label("Dirigente").select_option(label=dirigente.full_name)
    expect(page.get_by_test_id("objective-count")).to_contain_text(f"{len(expected)} obiettiv")
    with page.expect_download() as info:
        page.get_by_test_id("download-csv").click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = csv.DictReader(io.StringIO(text), delimiter=";")  # reporting.exports.csv.PEOPLE
    assert [row["NR"] for row in rows] == expected

    page.get_by_test_id("job-pdf").click()
    expect(page.get_by_test_id("job-status")).to_have_attribute("data-status", "done")
    with page.expect_download() as info:
        page.get_by_test_id("job-download").click()
    data = Path(info.value.path()).read_bytes()
    reader = PdfReader(io.BytesIO(data))
    text = "".join(p.extract_text() for p in reader.pages)
    assert "Estratto filtrato del piano" in text.replace("\n", " ")
    assert dirigente.full_name.split()[-1] in text
