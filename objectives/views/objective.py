"""An objective's page: what it is, how it is measured, its reports and its full timeline."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from objectives import permissions, selectors, services
from objectives.models import MonitoringPeriod, Progress
from objectives.weights import objective_groups, responsible_ids, weight_groups


@login_required
def objective_detail(request: HttpRequest, pk: int) -> HttpResponse:
    objective = selectors.get_objective_for_user(request.user, pk)
    reports = (
        Progress.objects.filter(objective=objective)
        .select_related("period", "responsible")
        .order_by("-period__reference_date", "responsible__full_name")
    )
    open_periods = MonitoringPeriod.objects.filter(plan_id=objective.plan_id, is_open=True)
    groups = objective_groups(
        objective,
        weight_groups([objective.plan_id], people=responsible_ids(objective)),
    )
    indicators = selectors.objective_indicators(objective)
    context = {
        "objective": objective,
        "indicators": indicators,
        "reports": reports,
        # The same predicate the service checks: no button that answers 403.
        "open_periods": open_periods
        if permissions.can_start_progress(request.user, objective)
        else [],
        "weight_groups": [(group, group.share_of(objective.weight)) for group in groups],
        "timeline": selectors.objective_timeline(objective, indicators),
    }
    return render(request, "objectives/objective_detail.html", context)


@login_required
@require_POST
def progress_start(request: HttpRequest, pk: int, period_pk: int) -> HttpResponse:
    """Open (creating it if needed) the user's own report on the objective for the period."""
    objective = selectors.get_objective_for_user(request.user, pk)
    period = get_object_or_404(MonitoringPeriod, pk=period_pk, plan_id=objective.plan_id)
    try:
        progress = services.progress_start(
            objective=objective, period=period, acting_user=request.user
        )
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect("objectives:objective_detail", pk=pk)
    return redirect("objectives:progress_detail", pk=progress.pk)


urlpatterns = [
    path("obiettivi/<int:pk>/", objective_detail, name="objective_detail"),
    path(
        "obiettivi/<int:pk>/periodi/<int:period_pk>/compila/",
        progress_start,
        name="progress_start",
    ),
]
