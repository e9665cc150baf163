"""Background export jobs: a whole plan rendered by a separate process that exits when done.

Starting a job stores an ExportJob and starts `manage.py run_export_job ID` as a detached OS
process (its own session, no pipes), which renders the document, saves it through Django's
storage, updates the progress as it goes and exits, handing WeasyPrint's memory back to the
system. The page polls the job with htmx and offers the file when it is ready. With the
setting EXPORT_JOBS_INLINE (tests, and single-process set-ups) the job runs in the request.
"""

import datetime as dt
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.text import slugify

from objectives.filters import ObjectiveFilter
from objectives.models import Plan
from objectives.selectors import plan_objectives as page_objectives
from reporting.models import ExportJob

MIME = {
    "pdf": "application/pdf",
    "pdf_a3": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}


class ExportInputError(ValueError):
    """The request for an export cannot be served: an Italian message for a 400."""


def filtered_objectives(plan: Plan, query: QueryDict | dict):
    """The plan's objectives narrowed by the plan page's filters; ExportInputError if the
    filters are not valid."""
    if not isinstance(query, QueryDict):
        data = QueryDict(mutable=True)
        for key, value in query.items():
            data.setlist(key, value if isinstance(value, list) else [value])
        query = data
    objective_filter = ObjectiveFilter(query, queryset=page_objectives(plan), plan=plan)
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
    plan: Plan, kind: str, fmt: str, *, query=None, year=None, progress=None
) -> tuple[bytes, int | None]:
    """The document's bytes and, for a PDF, its page count."""
    from reporting import exports, pdf, xlsx

    if kind == ExportJob.Kind.RELAZIONE:
        from reporting import relazione

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


def export_job_create(
    *, plan: Plan, kind: str, fmt: str, filters: dict, year: int | None, acting_user
) -> ExportJob:
    """Store a queued job after checking what it asks for (ExportInputError otherwise)."""
    if kind not in ExportJob.Kind.values or fmt not in ExportJob.Format.values:
        raise ExportInputError("Documento o formato non previsto.")
    if kind == ExportJob.Kind.RELAZIONE and (year is None or year not in plan.years):
        raise ExportInputError("L'anno della Relazione è fuori dagli anni del piano.")
    if kind == ExportJob.Kind.PLAN:
        filtered_objectives(plan, filters)
    job = ExportJob(
        ente_id=plan.ente_id,
        plan=plan,
        kind=kind,
        format=fmt,
        filters=filters,
        year=year,
        requested_by=acting_user,
        file_name=export_file_name(plan, kind, fmt, year),
    )
    job.full_clean(exclude=["file"])
    job.save()
    return job


def export_job_launch(job: ExportJob) -> None:
    """Run the job: in a detached process, or inline when EXPORT_JOBS_INLINE is set."""
    if settings.EXPORT_JOBS_INLINE:
        export_job_run(job.pk)
        return
    manage = Path(settings.BASE_DIR) / "manage.py"
    # After the commit, so that the child process sees the job's row.
    transaction.on_commit(
        lambda: subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
            [sys.executable, str(manage), "run_export_job", str(job.pk)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
        )
    )


def export_job_run(job_id: int) -> ExportJob:
    """Render the job's document, save it, and record the outcome (in the current process)."""
    job = ExportJob.objects.select_related("plan__ente").get(pk=job_id)
    # Claimed with one conditional UPDATE: a second process started for the same job does nothing.
    claimed = ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING, started_at=timezone.now(), progress=5
    )
    if not claimed:
        job.refresh_from_db()
        return job

    def progress(percent: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(progress=percent)

    try:
        data, pages = render_export(
            job.plan,
            job.kind,
            job.format,
            query=job.filters,
            year=job.year,
            progress=progress,
        )
    except Exception as exc:  # the job records any failure for the user to see
        message = str(exc) if isinstance(exc, ExportInputError) else repr(exc)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED, error=message[:2000], finished_at=timezone.now()
        )
        job.refresh_from_db()
        return job
    job.refresh_from_db()
    job.file.save(job.file_name, ContentFile(data), save=False)
    job.pages = pages
    job.status = ExportJob.Status.DONE
    job.progress = 100
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "pages", "status", "progress", "finished_at"])
    return job


INTERRUPTED = (
    "L'esportazione si è interrotta (il processo non ha finito in tempo): richiedila di nuovo."
)


def export_jobs_purge(*, now=None) -> tuple[int, int]:
    """Record as failed the jobs whose process died, and delete the jobs (with their files)
    finished more than EXPORT_FILES_KEEP_DAYS ago. Returns (interrupted, deleted)."""
    now = now or timezone.now()
    unfinished = [ExportJob.Status.QUEUED, ExportJob.Status.RUNNING]
    cutoff = now - settings.EXPORT_JOB_TIMEOUT
    interrupted = (
        ExportJob.objects.filter(status__in=unfinished)
        .filter(Q(started_at__lt=cutoff) | Q(started_at__isnull=True, created_at__lt=cutoff))
        .update(status=ExportJob.Status.FAILED, error=INTERRUPTED, finished_at=now)
    )
    old = ExportJob.objects.filter(
        status__in=[ExportJob.Status.DONE, ExportJob.Status.FAILED],
        finished_at__lt=now - dt.timedelta(days=settings.EXPORT_FILES_KEEP_DAYS),
    )
    deleted = 0
    for job in old.only("pk", "file").iterator():
        if job.file:
            job.file.delete(save=False)  # the file first: a row without its file is harmless
        job.delete()
        deleted += 1
    return interrupted, deleted
