"""Bounded exports: caps per ente and in all, identical requests merged, cancellation, retries
of a job whose renderer or worker died, and the job's doors per ente.

The database tasks backend only queues here (no worker runs): what a flood of requests leaves
behind is what the tests count, jobs and the library's task rows alike."""

import datetime as dt
import sys

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from objectives.models import Objective
from organisation.models import Membership
from reporting.exports import jobs
from reporting.models import ExportJob
from tests.factories import make_user
from tests.reporting.exports_data import DATABASE_TASKS, IMMEDIATE_TASKS, plan_with_units

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def queued_only(settings, tmp_path):
    settings.TASKS = DATABASE_TASKS
    settings.MEDIA_ROOT = tmp_path
    settings.EXPORT_JOBS_PER_ENTE = 2
    settings.EXPORT_JOBS_TOTAL = 4
    settings.EXPORT_JOB_ATTEMPTS = 3


@pytest.fixture
def esporta():
    return plan_with_units(1)


def start(client, plan, fmt="pdf", **data):
    url = reverse("reporting:export_job_start", args=[plan.pk])
    return client.post(url, {"kind": "plan", "format": fmt, "query": "", **data})


def test_beyond_the_ente_cap_a_request_is_refused_and_nothing_is_queued(client, esporta):
    client.force_login(esporta.viewer)
    assert start(client, esporta.plan, "pdf").status_code == 302
    assert start(client, esporta.plan, "xlsx").status_code == 302
    refused = start(client, esporta.plan, "pdf_a3")
    assert refused.status_code == 429
    assert "già 2 esportazioni in coda o in preparazione" in refused.content.decode()
    assert ExportJob.objects.count() == 2 and DBTaskResult.objects.count() == 2
    assert set(ExportJob.objects.values_list("status", flat=True)) == {"queued"}


def test_beyond_the_server_cap_another_ente_is_refused_too(client):
    entes = [plan_with_units(1, slug=slug) for slug in ("uno", "due", "tre")]
    for esporta in entes[:2]:
        client.force_login(esporta.viewer)
        assert start(client, esporta.plan, "pdf").status_code == 302
        assert start(client, esporta.plan, "xlsx").status_code == 302
    client.force_login(entes[2].viewer)
    refused = start(client, entes[2].plan, "pdf")
    assert refused.status_code == 429
    assert "Il server sta già preparando 4 esportazioni" in refused.content.decode()
    assert not ExportJob.objects.filter(ente=entes[2].ente).exists()
    assert DBTaskResult.objects.count() == 4


def test_finished_and_cancelled_jobs_do_not_count_against_the_cap(client, esporta):
    client.force_login(esporta.viewer)
    start(client, esporta.plan, "pdf")
    start(client, esporta.plan, "xlsx")
    ExportJob.objects.filter(format="pdf").update(status="done")
    ExportJob.objects.filter(format="xlsx").update(status="cancelled")
    assert start(client, esporta.plan, "pdf_a3").status_code == 302
    assert ExportJob.objects.filter(status="queued").count() == 1


def test_two_identical_requests_make_one_job(client, esporta):
    client.force_login(esporta.viewer)
    first = start(client, esporta.plan, "pdf", query=f"dirigente={esporta.anna.pk}")
    client.force_login(esporta.controllo)  # someone else, the same document
    second = start(client, esporta.plan, "pdf", query=f"dirigente={esporta.anna.pk}")
    job = ExportJob.objects.get()
    assert (
        first["Location"]
        == second["Location"]
        == reverse("reporting:export_job_detail", args=[job.pk])
    )
    assert DBTaskResult.objects.count() == 1 and job.requested_by == esporta.viewer
    page = client.get(second["Location"]).content.decode()
    assert "La stessa esportazione è già in preparazione" in page
    # Other parameters, another job.
    start(client, esporta.plan, "pdf", query=f"dirigente={esporta.dario.pk}")
    assert ExportJob.objects.count() == 2


def test_a_change_to_the_plan_makes_an_identical_request_a_new_job(client, esporta):
    client.force_login(esporta.viewer)
    start(client, esporta.plan, "xlsx")
    objective = Objective.objects.get(plan=esporta.plan, code="1.1")
    objective.title = "Finalità riscritta"
    objective.save()  # a new history row: the data version moves
    start(client, esporta.plan, "xlsx")
    assert ExportJob.objects.count() == 2
    # Once the job is finished, the same request starts a new one.
    ExportJob.objects.update(status="done")
    start(client, esporta.plan, "xlsx")
    assert ExportJob.objects.filter(status="queued").count() == 1


def test_the_database_refuses_a_second_active_job_with_the_same_request(esporta):
    from django.db import IntegrityError, transaction

    job, _merged = jobs.export_job_start(
        plan=esporta.plan, kind="plan", fmt="csv", filters={}, year=None, acting_user=None
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ExportJob.objects.create(
            ente=esporta.ente, plan=esporta.plan, kind="plan", format="csv",
            request_key=job.request_key,
        )  # fmt: skip


def test_the_requester_cancels_a_queued_job_and_no_worker_renders_it(client, esporta):
    client.force_login(esporta.viewer)
    job_url = start(client, esporta.plan, "pdf")["Location"]
    job = ExportJob.objects.get()
    page = client.get(job_url).content.decode()
    assert 'data-testid="job-cancel"' in page
    response = client.post(reverse("reporting:export_job_cancel", args=[job.pk]))
    assert response.status_code == 302 and response["Location"] == job_url
    job.refresh_from_db()
    assert (job.status, job.cancelled_by) == ("cancelled", esporta.viewer)
    assert jobs.export_job_execute(job.pk) == "cancelled"  # the worker takes its task: nothing
    job.refresh_from_db()
    assert not job.file and job.attempts == 0
    page = client.get(job_url).content.decode()
    assert "è stata annullata" in page and "hx-trigger" not in page


def test_only_the_requester_or_the_controllo_may_cancel(client, esporta):
    colleague = make_user("collega", ente=esporta.ente, role=Membership.Role.VIEWER)
    client.force_login(esporta.viewer)
    start(client, esporta.plan, "pdf")
    job = ExportJob.objects.get()
    cancel = reverse("reporting:export_job_cancel", args=[job.pk])
    client.force_login(colleague)
    assert (
        'data-testid="job-cancel"'
        not in client.get(reverse("reporting:export_job_detail", args=[job.pk])).content.decode()
    )
    assert client.post(cancel).status_code == 403
    assert ExportJob.objects.get().status == "queued"
    client.force_login(esporta.controllo)
    assert client.post(cancel).status_code == 302
    assert ExportJob.objects.get().status == "cancelled"
    assert client.get(cancel).status_code == 405


def test_another_entes_job_cannot_be_seen_nor_cancelled(client, esporta):
    client.force_login(esporta.viewer)
    start(client, esporta.plan, "pdf")
    job = ExportJob.objects.get()
    other = plan_with_units(1, slug="altro")
    client.force_login(other.controllo)
    for name in ("export_job_detail", "export_job_download"):
        assert client.get(reverse(f"reporting:{name}", args=[job.pk])).status_code == 404
    assert client.post(reverse("reporting:export_job_cancel", args=[job.pk])).status_code == 404
    assert start(client, esporta.plan, "xlsx").status_code == 404
    assert ExportJob.objects.get().status == "queued" and ExportJob.objects.count() == 1


def test_a_job_whose_renderer_crashes_is_retried_then_fails_in_italian(esporta, monkeypatch):
    crash = [sys.executable, "-c", "import os; os._exit(9)"]  # killed, as by the OOM killer
    monkeypatch.setattr(jobs, "renderer_command", lambda job_id: crash)
    job, _merged = jobs.export_job_start(
        plan=esporta.plan, kind="plan", fmt="pdf", filters={}, year=None, acting_user=None
    )
    first_task = job.task_id
    assert jobs.export_job_execute(job.pk) == "queued"  # attempt 1 died: queued again
    job.refresh_from_db()
    assert (job.attempts, job.status) == (1, "queued") and job.task_id != first_task
    assert DBTaskResult.objects.filter(id=job.task_id, status="READY").exists()
    assert jobs.export_job_execute(job.pk) == "queued"
    assert jobs.export_job_execute(job.pk) == "failed"  # the third attempt was the last
    job.refresh_from_db()
    assert job.attempts == 3 and "si è interrotta 3 volte" in job.error
    assert DBTaskResult.objects.count() == 3  # one task per attempt, none after the last
    assert jobs.export_job_execute(job.pk) == "failed"


def test_a_job_whose_worker_died_is_queued_again_and_then_finishes(esporta, settings):
    job, _merged = jobs.export_job_start(
        plan=esporta.plan, kind="plan", fmt="xlsx", filters={}, year=None, acting_user=None
    )
    # A worker claimed the task and started the job, then died: no more heartbeats.
    silent = timezone.now() - dt.timedelta(minutes=5)
    DBTaskResult.objects.filter(id=job.task_id).update(status="RUNNING", started_at=silent)
    ExportJob.objects.filter(pk=job.pk).update(
        status="running", attempts=1, heartbeat_at=silent, progress=40
    )
    alive = job_row_running(esporta, heartbeat_at=timezone.now())  # another worker's, alive
    assert jobs.export_jobs_recover() == 1
    assert jobs.export_jobs_recover() == 0  # once
    job.refresh_from_db()
    assert (job.status, job.progress, job.attempts) == ("queued", 0, 1)
    assert DBTaskResult.objects.get(id=job.task_id).status == "READY"
    assert DBTaskResult.objects.filter(status="FAILED").count() == 1  # the lost task, recorded
    assert ExportJob.objects.get(pk=alive.pk).status == "running"
    settings.TASKS = IMMEDIATE_TASKS  # render the second attempt here
    assert jobs.export_job_execute(job.pk) == "done"
    job.refresh_from_db()
    assert job.attempts == 2 and job.file.read()[:2] == b"PK"


def test_a_job_whose_worker_died_before_starting_it_gets_a_new_task(esporta):
    job, _merged = jobs.export_job_start(
        plan=esporta.plan, kind="plan", fmt="csv", filters={}, year=None, acting_user=None
    )
    lost_task = job.task_id
    # The worker claimed the task (the library's RUNNING) and died before the job started.
    silent = timezone.now() - dt.timedelta(minutes=5)
    DBTaskResult.objects.filter(id=lost_task).update(status="RUNNING", started_at=silent)
    assert jobs.export_jobs_recover() == 1
    assert jobs.export_jobs_recover() == 0
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("queued", 1) and job.task_id != lost_task
    assert DBTaskResult.objects.get(id=lost_task).status == "FAILED"
    assert DBTaskResult.objects.get(id=job.task_id).status == "READY"


def test_a_worker_that_dies_on_the_last_attempt_fails_the_job(esporta):
    job = job_row_running(esporta, heartbeat_at=timezone.now() - dt.timedelta(hours=1))
    ExportJob.objects.filter(pk=job.pk).update(attempts=3)
    assert jobs.export_jobs_recover() == 1
    job.refresh_from_db()
    assert job.status == "failed" and "si è interrotta 3 volte" in job.error


def job_row_running(esporta, **fields) -> ExportJob:
    return ExportJob.objects.create(
        ente=esporta.ente, plan=esporta.plan, kind="plan", format="csv", status="running",
        attempts=1, **fields,
    )  # fmt: skip
