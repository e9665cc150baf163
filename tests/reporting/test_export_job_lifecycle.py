"""An export job's life outside the request: its own process, a process that dies, old files."""

import datetime as dt
import io
import os
import subprocess

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from reporting.jobs import export_job_create, export_job_launch, export_job_run, export_jobs_purge
from reporting.models import ExportJob
from tests.reporting.exports_data import plan_with_units


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def new_job(plan, fmt="csv") -> ExportJob:
    return export_job_create(
        plan=plan, kind="plan", fmt=fmt, filters={}, year=None, acting_user=None
    )


def child_environment(media_root) -> dict:
    """What the child process needs to reach this test's database and media folder."""
    env = dict(os.environ, MEDIA_DIR=str(media_root), EXPORT_JOBS_INLINE="false")
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        env["SQLITE_NAME"] = str(database["NAME"])
        env.pop("DATABASE_URL", None)
    else:
        user, host, port = database["USER"], database["HOST"], database["PORT"]
        env["DATABASE_URL"] = f"postgres://{user}@{host}:{port}/{database['NAME']}"
    return env


@pytest.mark.django_db(transaction=True)
def test_a_job_runs_in_a_process_of_its_own_that_exits(settings, media, monkeypatch):
    settings.EXPORT_JOBS_INLINE = False
    esporta = plan_with_units(2)
    job = new_job(esporta.plan, fmt="xlsx")
    started: list[subprocess.Popen] = []
    real_popen = subprocess.Popen

    def popen(command, **kwargs):
        started.append(real_popen(command, **{**kwargs, "env": child_environment(media)}))
        return started[-1]

    monkeypatch.setattr(subprocess, "Popen", popen)
    export_job_launch(job)  # no transaction open: starts at once
    assert len(started) == 1 and started[0].args[-2:] == ["run_export_job", str(job.pk)]
    assert started[0].wait(timeout=120) == 0  # the process exits when done
    job.refresh_from_db()
    assert (job.status, job.progress) == ("done", 100)
    assert (media / job.file.name).read_bytes()[:2] == b"PK"  # a workbook


@pytest.mark.django_db
def test_a_job_whose_process_died_shows_as_interrupted_and_stops_polling(client, media):
    esporta = plan_with_units(1)
    job = new_job(esporta.plan)
    ExportJob.objects.filter(pk=job.pk).update(
        status="running", started_at=timezone.now() - dt.timedelta(hours=2), progress=40
    )
    client.force_login(esporta.controllo)
    page = client.get(reverse("reporting:export_job_detail", args=[job.pk])).content.decode()
    assert "si è interrotta" in page and "hx-trigger" not in page
    listing = client.get(reverse("reporting:export_job_list", args=[esporta.plan.pk]))
    assert "Interrotta" in listing.content.decode()


@pytest.mark.django_db
def test_a_job_is_run_once_even_if_two_processes_start_it(media):
    esporta = plan_with_units(1)
    job = new_job(esporta.plan)
    assert export_job_run(job.pk).status == "done"
    first_file = ExportJob.objects.get(pk=job.pk).file.name
    again = export_job_run(job.pk)  # a second process for the same job
    assert again.status == "done" and again.file.name == first_file


@pytest.mark.django_db
def test_purge_records_interrupted_jobs_and_deletes_old_files(settings, media):
    settings.EXPORT_FILES_KEEP_DAYS = 7
    esporta = plan_with_units(1)
    old, recent, stuck = (new_job(esporta.plan) for _ in range(3))
    for job in (old, recent):
        export_job_run(job.pk)
    long_ago = timezone.now() - dt.timedelta(days=8)
    ExportJob.objects.filter(pk=old.pk).update(finished_at=long_ago)
    ExportJob.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - dt.timedelta(hours=1))
    old_file = media / ExportJob.objects.get(pk=old.pk).file.name
    assert old_file.exists()

    out = io.StringIO()
    call_command("purge_exports", stdout=out)

    assert "interrotte: 1; eliminate: 1" in out.getvalue()
    assert not old_file.exists() and not ExportJob.objects.filter(pk=old.pk).exists()
    assert ExportJob.objects.get(pk=recent.pk).file  # kept with its file
    stuck.refresh_from_db()
    assert stuck.status == "failed" and "interrotta" in stuck.error
    assert export_jobs_purge() == (0, 0)  # nothing left to do
