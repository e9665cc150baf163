"""Importing a plan from a spreadsheet in the browser: upload, preview, map columns, confirm.

Only the controllo di gestione of an ente imports into it; anyone else gets 403, and a plan or
an upload of an ente that is not theirs answers 404. Nothing is saved before confirmation.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_tables2 import RequestConfig

from objectives.forms import PlanImportForm, year_range
from objectives.models import ImportRecord, Plan
from objectives.plan_import import PlanImportError
from objectives.plan_import.columns import role_choices
from objectives.plan_import.preview import MappingError, PreviewPage, column_rows, mapping_from
from objectives.plan_import.sheets import SheetError
from objectives.plan_import.spreadsheet import (
    import_spreadsheet,
    preview_spreadsheet,
    record_import,
)
from objectives.plan_import.template import template_xlsx
from objectives.plan_import.uploads import (
    UploadNotFound,
    discard_upload,
    keep_preview,
    kept_preview,
    load_upload,
    receive_upload,
)
from objectives.plan_import.writer import locked_plan_refusal
from objectives.selectors import get_plan_for_import, importable_plans
from objectives.tables import ImportPreviewTable
from organisation.access import admin_entes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Outcome = ImportRecord.Outcome

PREVIEW_ROWS_PER_PAGE = 100


def _controllo_entes(request: HttpRequest):
    """The entes whose plan the user writes; 403 for a user who writes none."""
    entes = admin_entes(request.user)
    if not entes.exists():
        raise PermissionDenied("Solo il controllo di gestione dell'ente importa un piano.")
    return entes


def _upload(request: HttpRequest, token: str, entes):
    try:
        return load_upload(token, user=request.user, entes=entes)
    except UploadNotFound as exc:
        raise Http404("File da importare non trovato o scaduto: caricalo di nuovo.") from exc


def _preview(upload, mapping):
    return preview_spreadsheet(
        upload.read(),
        upload.file_name,
        ente_slug=upload.ente.slug,
        plan_title=upload.title,
        first_year=upload.first_year,
        last_year=upload.last_year,
        mapping=mapping,
    )


def _mapping(params, years: range) -> dict[int, str]:
    """The columns mapped by hand; MappingError (a 400) for a field no page of ours sends."""
    return mapping_from(params, {value for value, _label in role_choices(years)})


def _bad_mapping(request: HttpRequest, upload, exc: MappingError) -> HttpResponse:
    context = {"upload": upload, "message": str(exc)}
    return render(request, "objectives/plan_import_bad_request.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def plan_import(request: HttpRequest) -> HttpResponse:
    entes = _controllo_entes(request)
    plan_id = request.POST.get("plan") or request.GET.get("piano")
    plan = get_plan_for_import(request.user, plan_id) if plan_id else None
    initial = {"ente": entes.first()}
    if plan is not None:
        initial = {"ente": plan.ente, "plan": plan, "first_year": plan.first_year}
        initial["last_year"] = plan.last_year
    form = PlanImportForm(
        request.POST or None,
        request.FILES or None,
        entes=entes,
        plans=importable_plans(request.user),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            token = receive_upload(form.cleaned_data, user=request.user)
        except SheetError as exc:
            form.add_error("file", exc.errors[0])
        else:
            return redirect("objectives:plan_import_preview", token=token)
    context = {"form": form, "plan": plan}
    status = 400 if form.errors else 200
    return render(request, "objectives/plan_import_form.html", context, status=status)


def _render_preview(request, upload, page: PreviewPage, mapping, *, status=None) -> HttpResponse:
    years = range(upload.first_year, upload.last_year + 1)
    table = ImportPreviewTable(page.table_rows())
    # A page of rows at a time (the mapping stays in the query string); every error and warning
    # is listed above the table whatever the page.
    RequestConfig(request, paginate={"per_page": PREVIEW_ROWS_PER_PAGE}).configure(table)
    existing = Plan.objects.filter(ente=upload.ente, title=upload.title).first()
    refusal = locked_plan_refusal(existing)
    context = {
        "upload": upload,
        "refusal": refusal,
        "preview": page,
        "table": table,
        "columns": column_rows(page, years),
        "mapping": mapping,
        "confirm_url": reverse("objectives:plan_import_confirm", args=[upload.token]),
    }
    if status is None:
        status = 400 if page.errors or refusal else 200
    return render(request, "objectives/plan_import_preview.html", context, status=status)


@login_required
@require_GET
def plan_import_preview(request: HttpRequest, token: str) -> HttpResponse:
    entes = _controllo_entes(request)
    upload = _upload(request, token, entes)
    years = range(upload.first_year, upload.last_year + 1)
    try:
        mapping = _mapping(request.GET, years)
    except MappingError as exc:
        return _bad_mapping(request, upload, exc)
    page = kept_preview(upload, mapping)  # paging through the preview reads no file
    if page is None:
        try:
            page = PreviewPage.of(_preview(upload, mapping))
        except SheetError as exc:  # the stored file was checked on upload; kept for safety
            raise Http404(exc.errors[0]) from exc
        keep_preview(upload.path, mapping, page)
    return _render_preview(request, upload, page, mapping)


@login_required
@require_POST
def plan_import_confirm(request: HttpRequest, token: str) -> HttpResponse:
    entes = _controllo_entes(request)
    upload = _upload(request, token, entes)
    years = range(upload.first_year, upload.last_year + 1)
    try:
        mapping = _mapping(request.POST, years)
    except MappingError as exc:
        return _bad_mapping(request, upload, exc)
    data = upload.read()
    preview = _preview(upload, mapping)
    record = {"source": "web", "file_name": upload.file_name, "data": data}
    record |= {"user": request.user, "ente_slug": upload.ente.slug, "plan_title": upload.title}
    try:
        summary = import_spreadsheet(preview, acting_user=request.user)
    except PlanImportError as exc:
        record_import(outcome=Outcome.REFUSED, preview=preview, messages=exc.errors, **record)
        messages.error(request, "Il piano non è stato importato: correggi le righe segnalate.")
        page = PreviewPage.of(preview)
        return _render_preview(request, upload, page, mapping, status=400)
    record_import(outcome=Outcome.ACCEPTED, preview=preview, summary=summary, **record)
    discard_upload(upload)
    verb = "creato" if summary.plan_created else "aggiornato"
    messages.success(
        request,
        f"Piano «{summary.plan.title}» {verb}: {summary.objectives_created} obiettivi nuovi, "
        f"{summary.objectives_updated} aggiornati, {summary.objectives_unchanged} invariati; "
        f"{summary.indicators} indicatori, {summary.targets} target.",
    )
    return redirect("home")


@login_required
@require_GET
def plan_import_template(request: HttpRequest) -> HttpResponse:
    _controllo_entes(request)
    years = year_range(request.GET.get("primo"), request.GET.get("ultimo"))
    response = HttpResponse(template_xlsx(years), content_type=XLSX)
    name = f"modello-piano-{years[0]}-{years[-1]}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


urlpatterns = [
    path("importa/", plan_import, name="plan_import"),
    path("importa/anteprima/<str:token>/", plan_import_preview, name="plan_import_preview"),
    path("importa/conferma/<str:token>/", plan_import_confirm, name="plan_import_confirm"),
    path("importa/modello.xlsx", plan_import_template, name="plan_import_template"),
]
