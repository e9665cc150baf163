"""An export job's life outside the request: the real database worker in a process of its own,
the renderer child it starts and stops, and old files purged."""

import datetime as dt
import io
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from reporting.exports import jobs
from reporting.models import ExportJob
from tests.reporting.exports_data import DATABASE_TASKS, IMMEDIATE_TASKS, plan_with_units


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def new_job(plan, fmt="csv") -> ExportJob:
    job, _merged = jobs.export_job_start(
        plan=plan, kind="plan", fmt=fmt, filters={}, year=None, acting_user=None
    )
    return job


def child_environment(media_root) -> dict:
    """What a child process needs to reach this test's database and media folder."""
    env = dict(os.environ, MEDIA_DIR=str(media_root), TASKS_IMMEDIATE="false")
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        env["SQLITE_NAME"] = str(database["NAME"])
        env.pop("DATABASE_URL", None)
    else:
        user, host, port = database["USER"], database["HOST"], database["PORT"]
        env["DATABASE_URL"] = f"postgres://{user}@{host}:{port}/{database['NAME']}"
    return env


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_runs_a_job_in_a_renderer_that_exits(settings, media):
    settings.TASKS = DATABASE_TASKS
    esporta = plan_with_units(2)
    job = new_job(esporta.plan, fmt="xlsx")
    assert job.status == "queued" and DBTaskResult.objects.get(id=job.task_id).status == "READY"
    manage = Path(django_settings.BASE_DIR) / "manage.py"
    worker = subprocess.run(  # noqa: S603 - our own command
        [sys.executable, str(manage), "run_worker", "--batch", "--no-startup-delay"],
        env=child_environment(media),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert worker.returncode == 0, worker.stderr
    job.refresh_from_db()
    assert (job.status, job.progress, job.attempts) == ("done", 100, 1)
    assert (media / job.file.name).read_bytes()[:2] == b"PK"  # a workbook
    task = DBTaskResult.objects.get(id=job.task_id)
    assert task.status == "SUCCESSFUL" and task.return_value == "done"


@pytest.mark.django_db(transaction=True)
def test_ten_requests_at_once_queue_two_jobs_and_an_identical_one_is_merged(settings, media):
    settings.TASKS = DATABASE_TASKS
    settings.EXPORT_JOBS_PER_ENTE = 2
    esporta = plan_with_units(1)
    barrier = threading.Barrier(10)
    answers: list[str] = []

    def ask(i: int) -> None:
        from django.db import connections

        barrier.wait()
        try:
            filters = {"q": [f"parola {i % 5}"]}  # five different documents, each asked twice
            job, merged = jobs.export_job_start(
                plan=esporta.plan, kind="plan", fmt="pdf", filters=filters, year=None,
                acting_user=None,
            )  # fmt: skip
            answers.append(f"merged {job.pk}" if merged else f"queued {job.pk}")
        except jobs.ExportBusyError:
            answers.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(answers) == 10
    assert ExportJob.objects.count() == 2 and DBTaskResult.objects.count() == 2
    queued = sorted(a for a in answers if a.startswith("queued"))
    assert len(queued) == 2 and len(set(queued)) == 2
    # The other requests were refused, or sent to one of the two jobs.
    ids = {a.split()[1] for a in queued}
    assert all(a == "refused" or a.split()[1] in ids for a in answers)


@pytest.mark.django_db(transaction=True)
def test_cancelling_a_running_job_stops_its_renderer(settings, media, monkeypatch):
    settings.TASKS = DATABASE_TASKS
    esporta = plan_with_units(1)
    job = new_job(esporta.plan, fmt="pdf")
    started: list[subprocess.Popen] = []
    real_popen = subprocess.Popen

    def popen(command, **kwargs):
        # A renderer that would take a minute.
        started.append(real_popen([sys.executable, "-c", "import time; time.sleep(60)"], **kwargs))
        return started[-1]

    monkeypatch.setattr(subprocess, "Popen", popen)
    outcome: list[str] = []

    def work() -> None:
        from django.db import connections

        try:
            outcome.append(jobs.export_job_execute(job.pk))
        finally:
            connections.close_all()  # the thread's own connection: no session left behind

    worker = threading.Thread(target=work)
    worker.start()
    for _ in range(100):
        if started:
            break
        time.sleep(0.1)
    assert started and started[0].poll() is None
    assert jobs.export_job_cancel(job=job, acting_user=esporta.controllo)
    worker.join(timeout=20)
    assert not worker.is_alive() and outcome == ["cancelled"]
    assert started[0].poll() is not None  # the renderer was stopped, not left running
    job.refresh_from_db()
    assert job.status == "cancelled" and not job.file


@pytest.mark.django_db
def test_a_task_run_twice_renders_the_job_once(settings, media):
    settings.TASKS = IMMEDIATE_TASKS
    esporta = plan_with_units(1)
    job = new_job(esporta.plan)
    assert job.status == "done"
    assert jobs.export_job_execute(job.pk) == "done"  # a second task for the same job
    assert ExportJob.objects.get(pk=job.pk).file.name == job.file.name


@pytest.mark.django_db
def test_purge_deletes_old_jobs_with_their_files_and_task_rows(settings, media):
    settings.TASKS = IMMEDIATE_TASKS
    settings.EXPORT_FILES_KEEP_DAYS = 7
    esporta = plan_with_units(1)
    old = new_job(esporta.plan, fmt="csv")
    recent = new_job(esporta.plan, fmt="json")
    long_ago = timezone.now() - dt.timedelta(days=8)
    ExportJob.objects.filter(pk=old.pk).update(finished_at=long_ago)
    settings.TASKS = DATABASE_TASKS
    queued = new_job(esporta.plan, fmt="xlsx")
    DBTaskResult.objects.create(
        args_kwargs={"args": [0], "kwargs": {}},
        task_path="reporting.exports.jobs.export_job_task",
        backend_name="default",
        status="SUCCESSFUL",
        finished_at=long_ago,
    )
    old_file = media / old.file.name
    assert old_file.exists()

    out = io.StringIO()
    call_command("purge_exports", stdout=out)

    assert "riprese: 0; eliminate: 1" in out.getvalue()
    assert not old_file.exists() and not ExportJob.objects.filter(pk=old.pk).exists()
    assert ExportJob.objects.get(pk=recent.pk).file  # kept with its file
    assert ExportJob.objects.get(pk=queued.pk).status == "queued"
    assert list(DBTaskResult.objects.values_list("id", flat=True)) == [
        DBTaskResult.objects.get(id=queued.task_id).id
    ]
    assert jobs.export_jobs_purge() == 0  # nothing left to do
