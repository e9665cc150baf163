"""Background export jobs on Django's Tasks framework (the django-tasks backport).

Asking for an export stores an ExportJob and enqueues `export_job_task` in the same transaction,
after merging it with an identical active request and checking the caps (per ente and in all).
The database backend's worker (`manage.py run_worker`, started beside the server) picks the task
up and renders the document in a child process (`manage.py run_export_job ID`) that exits when
done, handing WeasyPrint's memory back to the system; the worker watches it: it beats the job's
heartbeat, stops it when the job is cancelled or takes too long, and queues the job again when
the child died without an outcome (up to EXPORT_JOB_ATTEMPTS). A worker that died itself is
noticed by its silent heartbeat (`export_jobs_recover`, run by every worker). With the immediate
backend (TASKS_IMMEDIATE: tests, set-ups with no worker) the job is rendered inside the request.
"""

import datetime as dt
import hashlib
import json
import logging
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_tasks import task
from django_tasks.backends.immediate import ImmediateBackend

from objectives.filters import ObjectiveFilter
from objectives.models import Objective, Plan
from objectives.selectors import plan_objectives
from reporting.models import ExportJob

MIME = {
    "pdf": "application/pdf",
    "pdf_a3": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}


logger = logging.getLogger(__name__)

Status = ExportJob.Status


class ExportInputError(ValueError):
    """The request for an export cannot be served: an Italian message for a 400."""


class ExportBusyError(ExportInputError):
    """Too many exports queued or running (for the ente or the server): an Italian message."""


def filtered_objectives(plan: Plan, query: QueryDict | dict) -> QuerySet[Objective]:
    """The plan's objectives narrowed by the plan page's filters; ExportInputError if the
    filters are not valid."""
    if not isinstance(query, QueryDict):
        data = QueryDict(mutable=True)
        for key, value in query.items():
            data.setlist(key, value if isinstance(value, list) else [value])
        query = data
    objective_filter = ObjectiveFilter(query, queryset=plan_objectives(plan), plan=plan)
    if not objective_filter.is_valid():
        raise ExportInputError("I filtri indicati non sono validi: ricarica la pagina del piano.")
    return objective_filter.qs, any(v for v in objective_filter.form.cleaned_data.values())


def export_file_name(plan: Plan, kind: str, fmt: str, year: int | None = None) -> str:
    extension = "pdf" if fmt.startswith("pdf") else fmt
    stem = slugify(f"{plan.ente.slug} {plan.title}") or "piano"
    if kind == ExportJob.Kind.RELAZIONE:
        stem = slugify(f"{plan.ente.slug} relazione performance {year}")
    return f"{stem}.{extension}"


def render_export(
    plan: Plan,
    kind: str,
    fmt: str,
    *,
    query: QueryDict | dict | None = None,
    year: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[bytes, int | None]:
    """The document's bytes and, for a PDF, its page count."""
    from reporting.exports import pdf
    from reporting.exports import plan as exports
    from reporting.exports import workbook as xlsx

    if kind == ExportJob.Kind.RELAZIONE:
        from reporting.exports import relazione

        if not fmt.startswith("pdf"):
            raise ExportInputError("La Relazione si esporta in PDF.")
        document = relazione.relazione_pdf(plan, year, progress=progress)
        return document.data, document.pages
    objectives, filtered = filtered_objectives(plan, query or {})
    if fmt.startswith("pdf"):
        paper = "A3" if fmt == "pdf_a3" else "A4"
        document = pdf.plan_to_pdf(
            plan, objectives, paper=paper, filtered=filtered, progress=progress
        )
        return document.data, document.pages
    if fmt == "xlsx":
        return xlsx.plan_workbook(plan, only=objectives), None
    if fmt == "csv":
        return exports.plan_to_csv(plan, objectives), None
    if fmt == "json":
        return exports.plan_to_json_bytes(plan, only=objectives), None
    raise ExportInputError(f"Formato non previsto: {fmt}.")


def plan_data_version(plan: Plan) -> str:
    """When anything an export of the plan shows last changed (every write keeps history)."""
    from objectives.models import Indicator, Measurement, Objective, Progress, Target
    from reporting.models import ValidationStatement

    stamps = [
        Plan.history.filter(id=plan.pk).aggregate(m=Max("history_date"))["m"],
        Objective.history.filter(plan_id=plan.pk).aggregate(m=Max("history_date"))["m"],
        Indicator.history.filter(objective__plan_id=plan.pk).aggregate(m=Max("history_date"))["m"],
        Target.history.filter(indicator__objective__plan_id=plan.pk).aggregate(
            m=Max("history_date")
        )["m"],
        Progress.history.filter(objective__plan_id=plan.pk).aggregate(m=Max("history_date"))["m"],
        Measurement.history.filter(progress__objective__plan_id=plan.pk).aggregate(
            m=Max("history_date")
        )["m"],
        ValidationStatement.objects.filter(ente=plan.ente_id, plan=plan).aggregate(
            m=Max("recorded_at")
        )["m"],
    ]
    latest = max((s for s in stamps if s is not None), default=None)
    return latest.isoformat() if latest else ""


def request_key(
    plan: Plan, kind: str, fmt: str, filters: dict, year: int | None, data_version: str
) -> str:
    """Equal for two requests that would render the same document."""
    normal = {
        key: sorted(str(v) for v in values if str(v))
        for key, values in filters.items()
        if any(str(v) for v in values)
    }
    payload = {
        "plan": plan.pk,
        "kind": kind,
        "format": fmt,
        "filters": normal,
        "year": year,
        "data": data_version,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _lock_job_requests() -> None:
    """Serialise the caps' count-then-insert. SQLite's IMMEDIATE transactions already take the
    write lock at BEGIN; PostgreSQL takes a transaction-level advisory lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('piao.export_jobs'))")


def _check_caps(ente_id: int) -> None:
    active = ExportJob.objects.filter(status__in=ExportJob.ACTIVE)
    per_ente = settings.EXPORT_JOBS_PER_ENTE
    if active.filter(ente_id=ente_id).count() >= per_ente:
        raise ExportBusyError(
            _(
                "Per questo ente ci sono già %(n)s esportazioni in coda o in preparazione: "
                "attendi che una finisca (o annullane una) e richiedila di nuovo."
            )
            % {"n": per_ente}
        )
    total = settings.EXPORT_JOBS_TOTAL
    if active.count() >= total:
        raise ExportBusyError(
            _(
                "Il server sta già preparando %(n)s esportazioni: richiedila di nuovo tra "
                "qualche minuto."
            )
            % {"n": total}
        )


def export_job_start(
    *,
    plan: Plan,
    kind: str,
    fmt: str,
    filters: dict,
    year: int | None,
    acting_user: AbstractBaseUser,
) -> tuple[ExportJob, bool]:
    """Queue an export, or hand back the identical one already queued or running.

    Returns (job, merged). ExportInputError when the request is not valid, ExportBusyError
    when the ente or the server has as many active jobs as its cap: nothing is queued."""
    if kind not in ExportJob.Kind.values or fmt not in ExportJob.Format.values:
        raise ExportInputError(_("Documento o formato non previsto."))
    if kind == ExportJob.Kind.RELAZIONE and (year is None or year not in plan.years):
        raise ExportInputError(_("L'anno della Relazione è fuori dagli anni del piano."))
    if kind == ExportJob.Kind.PLAN:
        filtered_objectives(plan, filters)
    key = request_key(plan, kind, fmt, filters, year, plan_data_version(plan))
    try:
        with transaction.atomic():
            _lock_job_requests()
            same = ExportJob.objects.filter(
                ente_id=plan.ente_id, request_key=key, status__in=ExportJob.ACTIVE
            ).first()
            if same is not None:
                return same, True
            _check_caps(plan.ente_id)
            job = ExportJob(
                ente_id=plan.ente_id,
                plan=plan,
                kind=kind,
                format=fmt,
                filters=filters,
                year=year,
                requested_by=acting_user,
                file_name=export_file_name(plan, kind, fmt, year),
                request_key=key,
            )
            job.full_clean(exclude=["file"], validate_constraints=False)
            job.save()
            _enqueue(job)
    except IntegrityError:  # an identical request won the race (the unique constraint)
        same = ExportJob.objects.filter(
            ente_id=plan.ente_id, request_key=key, status__in=ExportJob.ACTIVE
        ).first()
        if same is None:
            raise
        return same, True
    job.refresh_from_db()
    return job, False


def _enqueue(job: ExportJob) -> None:
    """Enqueue the job's task (in the caller's transaction: the row and its task commit together).

    With the immediate backend the task runs here and now."""
    if _runs_here():
        export_job_task.enqueue(job.pk)
        return
    result = export_job_task.enqueue(job.pk)
    ExportJob.objects.filter(pk=job.pk).update(task_id=str(result.id))


def _runs_here() -> bool:
    return isinstance(export_job_task.get_backend(), ImmediateBackend)


@transaction.atomic
def export_job_cancel(*, job: ExportJob, acting_user: AbstractBaseUser) -> bool:
    """Cancel a queued or running job (its requester or the controllo di gestione).

    A running render is stopped by its worker within a second. False when it had already
    finished."""
    if job.is_finished:
        return False
    if not job.may_cancel(acting_user):
        raise PermissionDenied(
            _("Solo chi l'ha richiesta o il controllo di gestione può annullare l'esportazione.")
        )
    cancelled = ExportJob.objects.filter(pk=job.pk, status__in=ExportJob.ACTIVE).update(
        status=Status.CANCELLED, cancelled_by=acting_user, finished_at=timezone.now()
    )
    job.refresh_from_db()
    return bool(cancelled)


@task()
def export_job_task(job_id: int) -> str:
    """The background task: run one attempt of the export job; returns the job's status."""
    return export_job_execute(job_id)


def export_job_execute(job_id: int) -> str:
    """Start an attempt of the job: in a child process (a worker), or here (immediate backend)."""
    now = timezone.now()
    started = ExportJob.objects.filter(pk=job_id, status=Status.QUEUED).update(
        status=Status.RUNNING,
        started_at=now,
        heartbeat_at=now,
        attempts=F("attempts") + 1,
        progress=5,
    )
    if not started:  # cancelled before it started, or already handled
        return ExportJob.objects.filter(pk=job_id).values_list("status", flat=True).first() or ""
    if _runs_here():
        export_job_render(job_id)
    else:
        _supervise_renderer(job_id)
    return ExportJob.objects.filter(pk=job_id).values_list("status", flat=True).first() or ""


def renderer_command(job_id: int) -> list[str]:
    """The child process that renders one job and exits."""
    manage = Path(settings.BASE_DIR) / "manage.py"
    return [sys.executable, str(manage), "run_export_job", str(job_id)]


def _supervise_renderer(job_id: int) -> None:
    """Run the renderer in a child process and watch it until it exits: beat the heartbeat,
    stop it on cancellation or timeout, queue the job again if it died without an outcome."""
    child = subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
        renderer_command(job_id), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL
    )
    deadline = time.monotonic() + settings.EXPORT_JOB_TIMEOUT.total_seconds()
    beat = settings.EXPORT_JOB_HEARTBEAT_SECONDS
    next_beat = time.monotonic() + beat
    try:
        while child.poll() is None:
            time.sleep(0.5)
            if time.monotonic() >= next_beat:
                next_beat = time.monotonic() + beat
                ExportJob.objects.filter(pk=job_id, status=Status.RUNNING).update(
                    heartbeat_at=timezone.now()
                )
            status = ExportJob.objects.filter(pk=job_id).values_list("status", flat=True).first()
            if status != Status.RUNNING:  # cancelled (or the job deleted): stop rendering
                _stop(child)
                return
            if time.monotonic() > deadline:
                _stop(child)
                minutes = int(settings.EXPORT_JOB_TIMEOUT.total_seconds() // 60)
                _finish_failed(
                    job_id,
                    _(
                        "L'esportazione ha superato il tempo massimo di %(n)s minuti ed è stata "
                        "fermata: restringi i filtri o scegli un formato più leggero."
                    )
                    % {"n": minutes},
                )
                return
    except BaseException:  # the worker is stopping: leave no renderer behind, try again later
        _stop(child)
        export_job_retry(job_id, reason="worker stopped")
        raise
    if ExportJob.objects.filter(pk=job_id, status=Status.RUNNING).exists():
        logger.warning(
            "Export job %s: renderer exited %s without an outcome", job_id, child.returncode
        )
        export_job_retry(job_id, reason=f"renderer exited {child.returncode}")


def _stop(child: subprocess.Popen) -> None:
    child.terminate()
    try:
        child.wait(timeout=10)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def _finish_failed(job_id: int, message: str) -> None:
    ExportJob.objects.filter(pk=job_id, status=Status.RUNNING).update(
        status=Status.FAILED, error=message[:2000], finished_at=timezone.now()
    )


def crashed_message(attempts: int) -> str:
    return _(
        "L'esportazione si è interrotta %(n)s volte (il processo che la preparava si è fermato): "
        "richiedila di nuovo più tardi, o con meno righe."
    ) % {"n": attempts}


def export_job_retry(job_id: int, *, reason: str, heartbeat_at: dt.datetime | None = None) -> str:
    """Queue again a running job whose renderer or worker died, or fail it after its last
    attempt. `heartbeat_at` (the stale beat seen) makes two watchers act once."""
    with transaction.atomic():
        running = ExportJob.objects.filter(pk=job_id, status=Status.RUNNING)
        if heartbeat_at is not None:
            running = running.filter(heartbeat_at=heartbeat_at)
        job = running.first()
        if job is None:
            return ""
        if job.attempts >= settings.EXPORT_JOB_ATTEMPTS:
            _finish_failed(job_id, crashed_message(job.attempts))
            logger.warning(
                "Export job %s failed after %s attempts (%s)", job_id, job.attempts, reason
            )
            return Status.FAILED
        running.update(status=Status.QUEUED, progress=0, heartbeat_at=None, task_id="")
        job.refresh_from_db()
        _enqueue(job)
    logger.warning("Export job %s queued again after attempt %s (%s)", job_id, job.attempts, reason)
    return Status.QUEUED


def export_jobs_recover(*, now: dt.datetime | None = None) -> int:
    """Queue again (or fail) the running jobs whose worker stopped beating: it died."""
    now = now or timezone.now()
    silent = now - dt.timedelta(seconds=6 * settings.EXPORT_JOB_HEARTBEAT_SECONDS)
    stale = list(
        ExportJob.objects.filter(status=Status.RUNNING, heartbeat_at__lt=silent).values_list(
            "pk", "heartbeat_at", "task_id"
        )
    )
    handled = 0
    for pk, heartbeat_at, task_id in stale:
        if export_job_retry(pk, reason="worker silent", heartbeat_at=heartbeat_at):
            handled += 1
            _record_lost_task(task_id, now)
    return handled + _recover_unstarted(now=now, silent=silent)


def _recover_unstarted(*, now: dt.datetime, silent: dt.datetime) -> int:
    """Queued jobs whose task a worker claimed and then died (or failed) before the job
    started: a new task, counted as an attempt."""
    if _runs_here():
        return 0
    from django.db.models import Q
    from django_tasks_db.models import DBTaskResult

    queued = dict(
        ExportJob.objects.filter(status=Status.QUEUED)
        .exclude(task_id="")
        .values_list("task_id", "pk")
    )
    if not queued:
        return 0
    lost = DBTaskResult.objects.filter(id__in=list(queued)).filter(
        Q(status="RUNNING", started_at__lt=silent) | Q(status="FAILED")
    )
    handled = 0
    for task_id in [str(pk) for pk in lost.values_list("id", flat=True)]:
        with transaction.atomic():
            jobs_of_task = ExportJob.objects.filter(
                pk=queued[task_id], status=Status.QUEUED, task_id=task_id
            )
            job = jobs_of_task.first()
            if job is None:
                continue
            if job.attempts + 1 >= settings.EXPORT_JOB_ATTEMPTS:
                jobs_of_task.update(
                    status=Status.FAILED,
                    attempts=job.attempts + 1,
                    error=crashed_message(job.attempts + 1),
                    finished_at=now,
                )
            else:
                jobs_of_task.update(attempts=job.attempts + 1, task_id="")
                _enqueue(job)
        _record_lost_task(task_id, now)
        handled += 1
    return handled


def _record_lost_task(task_id: str, now: dt.datetime) -> None:
    """The dead worker's task row stays RUNNING in the library's table: record it failed."""
    if not task_id:
        return
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(id=task_id, status="RUNNING").update(
        status="FAILED",
        finished_at=now,
        exception_class_path="reporting.exports.jobs.WorkerLost",
        traceback="The worker running this task stopped beating; the export job was recovered.",
    )


def start_recovery_thread(interval: float = 30.0) -> threading.Thread:
    """Inside a worker: look for jobs of dead workers now and every `interval` seconds."""

    def loop() -> None:
        from django.db import close_old_connections

        while True:
            try:
                export_jobs_recover()
            except Exception:  # keep watching: a locked database passes
                logger.exception("Export job recovery failed")
            finally:
                close_old_connections()
            time.sleep(interval)

    thread = threading.Thread(target=loop, name="export-job-recovery", daemon=True)
    thread.start()
    return thread


def export_job_render(job_id: int) -> ExportJob:
    """Render the running job's document in this process, save it and record the outcome."""
    job = ExportJob.objects.select_related("plan__ente").get(pk=job_id)

    def progress(percent: int) -> None:
        ExportJob.objects.filter(pk=job.pk, status=Status.RUNNING).update(progress=percent)

    try:
        data, pages = render_export(
            job.plan, job.kind, job.format, query=job.filters, year=job.year, progress=progress
        )
    except Exception as exc:  # the job records any failure for the user to see
        message = str(exc) if isinstance(exc, ExportInputError) else repr(exc)
        _finish_failed(job.pk, message)
        job.refresh_from_db()
        return job
    job.file.save(job.file_name, ContentFile(data), save=False)
    done = ExportJob.objects.filter(pk=job.pk, status=Status.RUNNING).update(
        file=job.file.name,
        pages=pages,
        status=Status.DONE,
        progress=100,
        finished_at=timezone.now(),
    )
    if not done:  # cancelled while rendering: nobody will download it
        job.file.delete(save=False)
    job.refresh_from_db()
    return job


def export_jobs_purge(*, now: dt.datetime | None = None) -> int:
    """Delete the jobs (with their files and their task rows) finished more than
    EXPORT_FILES_KEEP_DAYS ago. Returns how many."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    old = ExportJob.objects.exclude(status__in=ExportJob.ACTIVE).filter(
        finished_at__lt=now - dt.timedelta(days=settings.EXPORT_FILES_KEEP_DAYS)
    )
    deleted = 0
    for job in old.only("pk", "file").iterator():
        if job.file:
            job.file.delete(save=False)  # the file first: a row without its file is harmless
        job.delete()
        deleted += 1
    DBTaskResult.objects.finished().filter(
        finished_at__lt=now - dt.timedelta(days=settings.EXPORT_FILES_KEEP_DAYS)
    ).delete()
    return deleted
