"""The plan page: the plan's objectives in the seeds' columns, filtered, with downloads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from objectives import permissions, selectors, services
from objectives.filters import ObjectiveFilter
from objectives.forms import PlanApproveForm
from objectives.plan_table import LazyPlanRows, plan_columns
from objectives.tables import LazyRowsData, ObjectiveTable
from piao.tables import configure_table

PER_PAGE = 50
FORMATS = ("pdf", "xlsx", "csv", "json")


def download_links(url_name: str, args: list, query: str, formats=FORMATS) -> list[dict]:
    """The download buttons of a list: each format, with the list's filters."""
    suffix = f"?{query}" if query else ""
    return [{"format": f, "url": reverse(url_name, args=[*args, f]) + suffix} for f in formats]


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_user(request.user, pk)
    objective_filter = ObjectiveFilter(
        request.GET, queryset=selectors.plan_objectives(plan), plan=plan
    )
    if not objective_filter.is_valid():
        response = render(
            request, "objectives/plan_detail.html", {"plan": plan, "filter": objective_filter}
        )
        response.status_code = 400
        return response
    table = ObjectiveTable(
        LazyRowsData(LazyPlanRows(plan, objective_filter.qs)),
        columns=plan_columns(plan, page=True),
    )
    configure_table(request, table, {"per_page": PER_PAGE})
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "plan": plan,
        "can_manage": permissions.can_manage_periods(request.user, plan.ente_id),
        "approve_form": PlanApproveForm(),
        "filter": objective_filter,
        "table": table,
        "query": query.urlencode(),
        "downloads": download_links("reporting:plan_export", [plan.pk], query.urlencode()),
    }
    template = "objectives/plan_detail.html"
    if request.htmx:
        template += "#plan-objectives"
    return render(request, template, context)


@login_required
@require_POST
def plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """The controllo di gestione approves a draft plan with its delibera."""
    plan = selectors.get_plan_for_user(request.user, pk)
    if not permissions.can_manage_periods(request.user, plan.ente_id):
        raise PermissionDenied
    form = PlanApproveForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("objectives:plan_detail", pk=plan.pk)
    try:
        services.plan_approve(
            plan_id=plan.pk,
            acting_user=request.user,
            act_number=form.cleaned_data["act_number"],
            act_date=form.cleaned_data["act_date"],
        )
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Piano approvato."))
    return redirect("objectives:plan_detail", pk=plan.pk)


@login_required
@require_POST
def plan_close(request: HttpRequest, pk: int) -> HttpResponse:
    """The controllo di gestione closes a plan whose periods are all closed."""
    plan = selectors.get_plan_for_user(request.user, pk)
    if not permissions.can_manage_periods(request.user, plan.ente_id):
        raise PermissionDenied
    try:
        services.plan_close(plan_id=plan.pk, acting_user=request.user)
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Piano chiuso: il NdV può validarne l'ultimo anno."))
    return redirect("objectives:plan_detail", pk=plan.pk)


urlpatterns = [
    path("<int:pk>/", plan_detail, name="plan_detail"),
    path("<int:pk>/approva/", plan_approve, name="plan_approve"),
    path("<int:pk>/chiudi/", plan_close, name="plan_close"),
]
