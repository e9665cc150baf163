"""Downloads of the plan and of the lists, and the background export jobs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from objectives import selectors
from objectives.filters import ProgressFilter
from objectives.lists import list_source
from organisation.access import user_entes
from piao.tables import configure_table
from reporting.access import check_export_allowed, sees_all_figures
from reporting.exports import jobs, tabular
from reporting.models import ExportJob

SYNC_PDF_MAX_ROWS = 300


def _bad_request(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    return render(request, "reporting/export_error.html", {"message": message}, status=status)


def _download(data: bytes, file_name: str, fmt: str) -> HttpResponse:
    response = HttpResponse(data, content_type=jobs.MIME[fmt])
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


@login_required
def plan_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The plan page's rows, with its filters, as PDF, XLSX, CSV or JSON."""
    plan = selectors.get_plan_for_user(request.user, pk)
    if fmt not in ("pdf", "xlsx", "csv", "json"):
        raise Http404
    try:
        if fmt == "pdf":
            objectives, _filtered = jobs.filtered_objectives(plan, request.GET)
            if objectives.count() > SYNC_PDF_MAX_ROWS:
                raise jobs.ExportInputError(
                    _(
                        "Un PDF di più di %(n)s obiettivi si prepara in background: usa il "
                        "pulsante «Prepara il PDF per la Giunta» nella pagina del piano."
                    )
                    % {"n": SYNC_PDF_MAX_ROWS}
                )
        data, _pages = jobs.render_export(plan, ExportJob.Kind.PLAN, fmt, query=request.GET)
    except jobs.ExportInputError as exc:
        return _bad_request(request, str(exc))
    return _download(data, jobs.export_file_name(plan, ExportJob.Kind.PLAN, fmt), fmt)


@login_required
def list_export(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    """A list page's filtered rows (every page of them) in the list's own columns."""
    try:
        queryset, table_class, title = list_source(name, request.user)
    except KeyError:
        raise Http404 from None
    if fmt not in ("csv", "xlsx", "json", "pdf"):
        raise Http404
    progress_filter = ProgressFilter(request.GET, queryset=queryset, user=request.user)
    if not progress_filter.is_valid():
        return _bad_request(request, _("I filtri indicati non sono validi."))
    table = table_class(progress_filter.qs)
    configure_table(request, table, False)
    fields, rows = tabular.table_fields_rows(table)
    file_name = f"{name}.{fmt}"
    if fmt == "csv":
        data = tabular.rows_to_csv(fields, rows)
    elif fmt == "xlsx":
        data = tabular.rows_to_xlsx(fields, rows, title=str(title))
    elif fmt == "json":
        data = tabular.rows_to_json(fields, rows, meta={"schema": "piao.list/1", "list": name})
    else:
        if len(rows) > SYNC_PDF_MAX_ROWS:
            return _bad_request(
                request,
                _("Il PDF è disponibile fino a %(n)s righe: restringi i filtri o scarica l'XLSX.")
                % {"n": SYNC_PDF_MAX_ROWS},
            )
        from reporting.exports.pdf import list_to_pdf

        data = list_to_pdf(str(title), fields, rows).data
    return _download(data, file_name, fmt)


def _job_for_user(user, pk: int) -> ExportJob:
    job = (
        ExportJob.objects.filter(ente__in=user_entes(user), pk=pk)
        .select_related("plan__ente")
        .first()
    )
    if job is None:
        raise Http404
    check_export_allowed(user, job.plan, job.kind)
    return job


@login_required
@require_POST
def export_job_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a background export of the plan (or of the filtered rows, or the Relazione)."""
    plan = selectors.get_plan_for_user(request.user, pk)
    check_export_allowed(request.user, plan, request.POST.get("kind", ""))
    query = QueryDict(request.POST.get("query", ""))
    filters = {key: query.getlist(key) for key in query if key != "page"}
    year = request.POST.get("year") or None
    try:
        job, merged = jobs.export_job_start(
            plan=plan,
            kind=request.POST.get("kind", ""),
            fmt=request.POST.get("format", ""),
            filters=filters,
            year=int(year) if year and year.isdigit() else None,
            acting_user=request.user,
        )
    except jobs.ExportBusyError as exc:
        return _bad_request(request, str(exc), status=429)
    except jobs.ExportInputError as exc:
        return _bad_request(request, str(exc))
    if merged:
        messages.info(
            request,
            _("La stessa esportazione è già in preparazione: eccola, non ne serve un'altra."),
        )
    return redirect("reporting:export_job_detail", pk=job.pk)


@login_required
@require_POST
def export_job_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel a queued or running export: the person who asked for it, or the controllo."""
    job = _job_for_user(request.user, pk)
    if not jobs.export_job_cancel(job=job, acting_user=request.user):
        messages.info(request, _("L'esportazione era già finita: nulla da annullare."))
    return redirect("reporting:export_job_detail", pk=job.pk)


@login_required
def export_job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's progress; htmx polls the status partial until the file is ready."""
    job = _job_for_user(request.user, pk)
    template = "reporting/export_job_detail.html"
    if request.htmx:
        template += "#job-status"
    context = {"job": job, "may_cancel": job.may_cancel(request.user)}
    return render(request, template, context)


@login_required
def export_job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _job_for_user(request.user, pk)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=job.file_name,
        content_type=jobs.MIME[job.format],
    )


@login_required
def export_job_list(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_user(request.user, pk)
    jobs = ExportJob.objects.filter(ente=plan.ente_id, plan=plan)
    if not sees_all_figures(request.user, plan):  # the Relazione's jobs: check_export_allowed
        jobs = jobs.exclude(kind=ExportJob.Kind.RELAZIONE)
    job_list = jobs.select_related("requested_by")[:20]
    return render(request, "reporting/export_job_list.html", {"plan": plan, "jobs": job_list})


urlpatterns = [
    path("piano/<int:pk>/esporta/<str:fmt>/", plan_export, name="plan_export"),
    path("piano/<int:pk>/esportazioni/", export_job_list, name="export_job_list"),
    path("piano/<int:pk>/esportazioni/avvia/", export_job_start, name="export_job_start"),
    path("esportazioni/<int:pk>/", export_job_detail, name="export_job_detail"),
    path("esportazioni/<int:pk>/annulla/", export_job_cancel, name="export_job_cancel"),
    path("esportazioni/<int:pk>/scarica/", export_job_download, name="export_job_download"),
    path("elenchi/<str:name>/esporta/<str:fmt>/", list_export, name="list_export"),
]
