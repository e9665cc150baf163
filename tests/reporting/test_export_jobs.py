"""Background exports: the job, its renderer command, its page and its file, per ente (the
immediate tasks backend: the job runs inside the request)."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from pypdf import PdfReader

from objectives.models import Objective
from reporting.exports.jobs import export_job_start
from reporting.models import ExportJob
from tests.reporting.exports_data import IMMEDIATE_TASKS, plan_with_units

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def inline_jobs(settings, tmp_path):
    # The test database lives in this process: a child process could not see it.
    settings.TASKS = IMMEDIATE_TASKS
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def esporta():
    return plan_with_units(2)


def start(client, plan, **data):
    return client.post(reverse("reporting:export_job_start", args=[plan.pk]), data)


def job_row(plan, fmt="xlsx", status="queued", **fields) -> ExportJob:
    """A job as the service stores it, left in the given state (no task runs it)."""
    return ExportJob.objects.create(
        ente=plan.ente, plan=plan, kind="plan", format=fmt, status=status, **fields
    )


def test_a_pdf_job_renders_the_plan_and_offers_the_file(client, esporta):
    client.force_login(esporta.controllo)
    response = start(client, esporta.plan, kind="plan", format="pdf", query="")
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:export_job_detail", args=[job.pk])
    assert job.status == "done" and job.progress == 100 and job.pages >= 1
    assert job.requested_by == esporta.controllo and job.ente == esporta.ente
    page = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert 'data-status="done"' in page and "hx-trigger" not in page  # polling stops
    download = client.get(reverse("reporting:export_job_download", args=[job.pk]))
    data = b"".join(download.streaming_content)
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert len(PdfReader(io.BytesIO(data)).pages) == job.pages


def test_a_job_keeps_the_filters_of_the_page(client, esporta):
    client.force_login(esporta.viewer)
    start(client, esporta.plan, kind="plan", format="json", query=f"dirigente={esporta.anna.pk}")
    job = ExportJob.objects.get()
    assert job.filters == {"dirigente": [str(esporta.anna.pk)]}
    download = client.get(reverse("reporting:export_job_download", args=[job.pk]))
    document = json.loads(b"".join(download.streaming_content))
    assert [o["code"] for o in document["objectives"]] == ["1.1", "1.2"]


def test_a_running_job_is_polled_with_its_progress(client, esporta):
    job = job_row(esporta.plan, status="running", progress=40)
    client.force_login(esporta.viewer)
    page = client.get(reverse("reporting:export_job_detail", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and "40%" in page
    assert client.get(reverse("reporting:export_job_download", args=[job.pk])).status_code == 404


def test_jobs_of_another_ente_are_404(client, esporta):
    job, _merged = export_job_start(
        plan=esporta.plan, kind="plan", fmt="csv", filters={}, year=None, acting_user=None
    )
    assert job.status == "done"
    other = plan_with_units(1, slug="altro")
    client.force_login(other.controllo)
    for name in ("export_job_detail", "export_job_download"):
        assert client.get(reverse(f"reporting:{name}", args=[job.pk])).status_code == 404
    assert start(client, esporta.plan, kind="plan", format="pdf").status_code == 404
    assert ExportJob.objects.count() == 1


def test_bad_requests_get_a_400_and_no_job(client, esporta):
    client.force_login(esporta.viewer)
    assert start(client, esporta.plan, kind="plan", format="doc").status_code == 400
    assert start(client, esporta.plan, kind="plan", format="pdf", query="kind=x").status_code == 400
    assert ExportJob.objects.count() == 0
    assert (
        client.get(reverse("reporting:export_job_start", args=[esporta.plan.pk])).status_code == 405
    )


def test_the_renderer_command_renders_a_running_job_and_records_a_failure(esporta):
    job = job_row(esporta.plan, fmt="pdf_a3", status="running", file_name="piano.pdf")
    out = io.StringIO()
    call_command("run_export_job", str(job.pk), stdout=out)
    job.refresh_from_db()
    assert job.status == "done" and job.file.name.endswith(".pdf")
    page = PdfReader(job.file.open("rb")).pages[0]
    assert round(float(page.mediabox.width) / 72 * 25.4) == 420  # A3 landscape
    assert f"{job.pk}\tdone" in out.getvalue()
    broken = job_row(esporta.plan, fmt="csv", status="running", filters={"dirigente": ["999999"]})
    with pytest.raises(CommandError):
        call_command("run_export_job", str(broken.pk), stdout=io.StringIO())
    broken.refresh_from_db()
    assert broken.status == "failed" and "filtri" in broken.error
    queued = job_row(esporta.plan)
    with pytest.raises(CommandError, match="non è in preparazione"):
        call_command("run_export_job", str(queued.pk))  # only the worker's child renders
    with pytest.raises(CommandError):
        call_command("run_export_job", "999999")


def test_export_plan_command_writes_every_format(esporta, tmp_path):
    Objective.objects.filter(plan=esporta.plan, code="1.1").update(title="=SOMMA(A1)")
    for fmt in ("pdf", "xlsx", "csv", "json"):
        output = tmp_path / f"piano.{fmt}"
        out = io.StringIO()
        call_command(
            "export_plan",
            str(esporta.plan.pk),
            "--format",
            fmt,
            "--output",
            str(output),
            stdout=out,
        )
        assert output.stat().st_size > 0 and str(output) in out.getvalue()
    assert (tmp_path / "piano.pdf").read_bytes().startswith(b"%PDF")
    assert "'=SOMMA(A1)" in (tmp_path / "piano.csv").read_text(encoding="utf-8-sig")
    document = json.loads((tmp_path / "piano.json").read_text())
    assert document["schema"] == "piao.plan/1" and len(document["objectives"]) == 4


def test_job_pages_queries_do_not_grow_with_the_jobs(client, esporta, django_assert_num_queries):
    def make_jobs(n: int) -> ExportJob:
        for _ in range(n):
            job = job_row(esporta.plan, fmt="json", requested_by=esporta.controllo)
        return job

    client.force_login(esporta.viewer)
    job = make_jobs(2)
    detail = reverse("reporting:export_job_detail", args=[job.pk])
    listing = reverse("reporting:export_job_list", args=[esporta.plan.pk])
    with django_assert_num_queries(8):  # 8: the role, for the cancel button
        assert client.get(detail).status_code == 200
    with django_assert_num_queries(9):  # 9: the role, whether the Relazione's jobs are listed
        assert client.get(listing).status_code == 200
    make_jobs(30)
    with django_assert_num_queries(8):  # 8: the role, for the cancel button
        assert client.get(detail).status_code == 200
    with django_assert_num_queries(9):  # 9: the role, whether the Relazione's jobs are listed
        assert client.get(listing).status_code == 200
