"""One progress report: read it, fill it in, and move it through the workflow."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from objectives import permissions, selectors, services
from objectives.evaluation import evaluate, indicators_with_targets, saved_measurements
from objectives.forms import (
    EvidenceForm,
    ExcludeForm,
    ProgressForm,
    ReopenForm,
    ReturnForm,
    ValidateForm,
    VersionForm,
)
from objectives.models import Evidence, Progress

CHECKS = {
    "edit": permissions.can_edit,
    "verify": permissions.can_verify,
    "return": permissions.can_return,
    "validate": permissions.can_validate,
    "reopen": permissions.can_reopen,
    "exclude": permissions.can_exclude,
    "acknowledge": permissions.can_acknowledge,
}


def _page(
    request: HttpRequest,
    progress: Progress,
    *,
    status: int = 200,
    error: str = "",
    conflict: services.ConflictError | None = None,
    **bound_forms: forms.Form,
) -> HttpResponse:
    indicators = indicators_with_targets(progress)
    can = {name: check(request.user, progress) for name, check in CHECKS.items()}
    form = bound_forms.get("form")
    if form is None and can["edit"]:
        form = ProgressForm(initial=ProgressForm.initial_for(progress), indicators=indicators)
    measured = form.measured() if form is not None and form.is_bound and form.is_valid() else None
    evaluation = evaluate(
        progress,
        measured if measured is not None else saved_measurements(progress),
        indicators=indicators,
    )
    version = {"version": progress.version}
    context = {
        "progress": progress,
        "objective": progress.objective,
        "evaluation": evaluation,
        "can": can,
        "form": form,
        "evidence_form": bound_forms.get("evidence_form") or EvidenceForm(),
        "return_form": bound_forms.get("return_form") or ReturnForm(initial=version),
        "validate_form": bound_forms.get("validate_form")
        or ValidateForm(
            initial=version
            | {"validated": progress.declared_achievement, "ndv_notes": progress.ndv_notes}
        ),
        "reopen_form": bound_forms.get("reopen_form") or ReopenForm(initial=version),
        "exclude_form": bound_forms.get("exclude_form") or ExcludeForm(initial=version),
        "version_form": VersionForm(initial=version),
        "evidence": progress.evidence.select_related("uploaded_by"),
        "events": progress.events.select_related("actor").order_by("-at", "-pk"),
        "error": error,
        "conflict": conflict,
    }
    return render(request, "objectives/progress_detail.html", context, status=status)


@login_required
def progress_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, selectors.get_progress_for_user(request.user, pk))


@login_required
@require_POST
def progress_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the draft; with action=submit, then send it."""
    progress = selectors.get_progress_for_user(request.user, pk)
    form = ProgressForm(request.POST, indicators=indicators_with_targets(progress))
    if not form.is_valid():
        return _page(
            request, progress, form=form, status=400, error=_("Controlla i valori indicati.")
        )
    try:
        saved = services.progress_save(
            progress_id=pk,
            version=form.cleaned_data["version"],
            acting_user=request.user,
            values=form.draft_values(),
        )
    except services.ConflictError as exc:
        data = request.POST.copy()
        data["version"] = exc.progress.version
        rebound = ProgressForm(data, indicators=form.indicators)
        return _page(request, exc.progress, form=rebound, status=409, conflict=exc)
    except services.WorkflowError as exc:
        return _page(request, progress, form=form, status=400, error=str(exc))
    if request.POST.get("action") != "submit":
        messages.success(request, _("Bozza salvata."))
        return redirect("objectives:progress_detail", pk=pk)
    try:
        services.progress_submit(progress_id=pk, version=saved.version, acting_user=request.user)
    except services.WorkflowError as exc:
        saved = selectors.get_progress_for_user(request.user, pk)
        return _page(
            request,
            saved,
            status=400,
            error=_("Bozza salvata ma non inviata: %(reason)s") % {"reason": exc},
        )
    messages.success(request, _("Avanzamento inviato al segretario generale."))
    return redirect("objectives:progress_detail", pk=pk)


@login_required
@require_POST
def progress_compute(request: HttpRequest, pk: int) -> HttpResponse:
    """The computed achievement of the values being typed (HTMX), with its derivation."""
    progress = selectors.get_progress_for_user(request.user, pk)
    form = ProgressForm(request.POST, indicators=indicators_with_targets(progress))
    form.is_valid()  # what is valid so far is computed; the rest counts as missing
    evaluation = evaluate(progress, form.measured(), indicators=form.indicators)
    return render(
        request,
        "objectives/progress_detail.html#computed",
        {"evaluation": evaluation, "progress": progress, "live": True},
    )


def _transition(
    request: HttpRequest,
    pk: int,
    form_class: type[forms.Form],
    form_name: str,
    call: Callable[[dict], object],
    done: str,
) -> HttpResponse:
    progress = selectors.get_progress_for_user(request.user, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        return _page(
            request,
            progress,
            status=400,
            error=_("Controlla i campi indicati."),
            **{form_name: form},
        )
    try:
        call(form.cleaned_data)
    except services.ConflictError as exc:
        return _page(request, exc.progress, status=409, conflict=exc)
    except services.WorkflowError as exc:
        return _page(request, progress, status=400, error=str(exc), **{form_name: form})
    messages.success(request, done)
    return redirect("objectives:progress_detail", pk=pk)


@login_required
@require_POST
def progress_verify(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request,
        pk,
        VersionForm,
        "version_form",
        lambda d: services.progress_verify(
            progress_id=pk, version=d["version"], acting_user=request.user
        ),
        _("Avanzamento verificato: passa al Nucleo di Valutazione."),
    )


@login_required
@require_POST
def progress_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request,
        pk,
        ReturnForm,
        "return_form",
        lambda d: services.progress_return(
            progress_id=pk, version=d["version"], acting_user=request.user, note=d["note"]
        ),
        _("Avanzamento restituito al responsabile con la nota."),
    )


@login_required
@require_POST
def progress_validate(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request,
        pk,
        ValidateForm,
        "validate_form",
        lambda d: services.progress_validate(
            progress_id=pk,
            version=d["version"],
            acting_user=request.user,
            validated=d["validated"],
            reason=d["reason"],
            ndv_notes=d["ndv_notes"],
        ),
        _("Risultato validato."),
    )


@login_required
@require_POST
def progress_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request,
        pk,
        ReopenForm,
        "reopen_form",
        lambda d: services.progress_reopen(
            progress_id=pk, version=d["version"], acting_user=request.user, reason=d["reason"]
        ),
        _("Risultato riaperto: torna in validazione."),
    )


@login_required
@require_POST
def progress_exclude(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request,
        pk,
        ExcludeForm,
        "exclude_form",
        lambda d: services.progress_exclude(
            progress_id=pk, version=d["version"], acting_user=request.user, reason=d["reason"]
        ),
        _("Risultato escluso dalla valutazione, con il motivo indicato."),
    )


@login_required
@require_POST
def progress_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request,
        pk,
        VersionForm,
        "version_form",
        lambda d: services.progress_acknowledge(
            progress_id=pk, version=d["version"], acting_user=request.user
        ),
        _("Presa visione registrata."),
    )


@login_required
@require_POST
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    progress = selectors.get_progress_for_user(request.user, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(
            request,
            progress,
            status=400,
            error=_("Scegli un file da caricare."),
            evidence_form=form,
        )
    try:
        services.evidence_add(
            progress_id=pk, acting_user=request.user, upload=form.cleaned_data["file"]
        )
    except services.WorkflowError as exc:
        return _page(request, progress, status=400, error=str(exc), evidence_form=form)
    messages.success(request, _("Evidenza caricata."))
    return redirect("objectives:progress_detail", pk=pk)


@login_required
@require_POST
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = get_object_or_404(
        Evidence, pk=pk, progress__in=selectors.progress_for_user(request.user)
    )
    try:
        services.evidence_remove(evidence_id=pk, acting_user=request.user)
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    return redirect("objectives:progress_detail", pk=evidence.progress_id)


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """The file, to those who may read the report only (any member of its ente)."""
    evidence = get_object_or_404(
        Evidence, pk=pk, progress__in=selectors.progress_for_user(request.user)
    )
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns = [
    path("avanzamenti/<int:pk>/", progress_detail, name="progress_detail"),
    path("avanzamenti/<int:pk>/salva/", progress_save, name="progress_save"),
    path("avanzamenti/<int:pk>/calcola/", progress_compute, name="progress_compute"),
    path("avanzamenti/<int:pk>/verifica/", progress_verify, name="progress_verify"),
    path("avanzamenti/<int:pk>/restituisci/", progress_return, name="progress_return"),
    path("avanzamenti/<int:pk>/valida/", progress_validate, name="progress_validate"),
    path("avanzamenti/<int:pk>/riapri/", progress_reopen, name="progress_reopen"),
    path("avanzamenti/<int:pk>/escludi/", progress_exclude, name="progress_exclude"),
    path("avanzamenti/<int:pk>/presa-visione/", progress_acknowledge, name="progress_acknowledge"),
    path("avanzamenti/<int:pk>/evidenze/", evidence_upload, name="evidence_upload"),
    path("evidenze/<int:pk>/", evidence_download, name="evidence_download"),
    path("evidenze/<int:pk>/elimina/", evidence_delete, name="evidence_delete"),
]
