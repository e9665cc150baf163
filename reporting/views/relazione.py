"""The Relazione sulla performance as a page, and the NdV's validation statement."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from objectives import selectors
from objectives.services import WorkflowError
from reporting.access import relazione_for_user, sees_all_figures


def _relazione_context(request, plan, year: int, form=None) -> dict:
    from objectives.permissions import role_in
    from organisation.models import Membership
    from reporting.exports.relazione import RelazioneError, build_relazione
    from reporting.forms import ValidationStatementForm

    context = {"plan": plan, "year": year, "sees_all": sees_all_figures(request.user, plan)}
    try:
        context["relazione"] = relazione_for_user(build_relazione(plan, year), request.user)
    except RelazioneError as exc:
        context["error"] = str(exc)
        return context
    if role_in(request.user, plan.ente_id) == Membership.Role.NDV:
        statement = context["relazione"].statement
        initial = (
            {
                "statement": statement.statement,
                "validated_on": statement.validated_on,
                "signatories": statement.signatories,
            }
            if statement
            else {}
        )
        context["statement_form"] = form or ValidationStatementForm(initial=initial)
    return context


@login_required
def relazione_index(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_user(request.user, pk)
    year = max(
        (y for y in plan.years if plan.periods.filter(reference_date__year=y).exists()),
        default=plan.first_year,
    )
    return redirect("reporting:relazione_detail", pk=plan.pk, year=year)


@login_required
def relazione_detail(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """The year's Relazione as a page, with its PDF and, for the NdV, the validation form."""
    plan = selectors.get_plan_for_user(request.user, pk)
    if year not in plan.years:
        raise Http404
    context = _relazione_context(request, plan, year)
    status = 400 if "error" in context else 200
    return render(request, "reporting/relazione_detail.html", context, status=status)


@login_required
@require_POST
def relazione_validate(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    from reporting.forms import ValidationStatementForm
    from reporting.services import validation_statement_save

    plan = selectors.get_plan_for_user(request.user, pk)
    if year not in plan.years:
        raise Http404
    form = ValidationStatementForm(request.POST)
    if not form.is_valid():
        context = _relazione_context(request, plan, year, form=form)
        return render(request, "reporting/relazione_detail.html", context, status=400)
    try:
        validation_statement_save(
            plan=plan, year=year, acting_user=request.user, **form.cleaned_data
        )
    except WorkflowError as exc:
        context = _relazione_context(request, plan, year, form=form)
        context["validation_error"] = str(exc)
        return render(request, "reporting/relazione_detail.html", context, status=400)
    return redirect("reporting:relazione_detail", pk=plan.pk, year=year)


urlpatterns = [
    path("piano/<int:pk>/relazione/", relazione_index, name="relazione_index"),
    path("piano/<int:pk>/relazione/<int:year>/", relazione_detail, name="relazione_detail"),
    path(
        "piano/<int:pk>/relazione/<int:year>/validazione/",
        relazione_validate,
        name="relazione_validate",
    ),
]
