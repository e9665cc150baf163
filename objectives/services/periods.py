"""Monitoring periods: their reports created, opened and closed with the rules in force."""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from objectives import permissions
from objectives.models import (
    MonitoringPeriod,
    Objective,
    Plan,
    Progress,
    ProgressEvent,
)
from objectives.services.common import WorkflowError, _plan_record, _refuse_period_change
from objectives.weights import responsible_ids

Status = Progress.Status
Action = ProgressEvent.Action


@transaction.atomic
def progress_rows_ensure(*, period: MonitoringPeriod) -> int:
    """A draft report for every objective of the plan and every one of its responsibles."""
    existing = set(
        Progress.objects.filter(period=period).values_list("objective_id", "responsible_id")
    )
    objectives = Objective.objects.filter(plan_id=period.plan_id).prefetch_related("assignees")
    rows = [
        Progress(
            ente_id=period.ente_id, objective=objective, responsible_id=person_id, period=period
        )
        for objective in objectives
        for person_id in responsible_ids(objective)
        if (objective.pk, person_id) not in existing
    ]
    Progress.objects.bulk_create(rows, batch_size=500)
    return len(rows)


@transaction.atomic
def period_open(*, period_id: int, acting_user: AbstractBaseUser) -> int:
    """Open the period for reports; returns how many new draft reports it created.

    Only on an approved plan or one already in monitoring (the first period opened moves an
    approved plan to *in monitoraggio*), never on a period of a year the NdV has validated."""
    period = MonitoringPeriod.objects.select_for_update().get(pk=period_id)
    if not permissions.can_manage_periods(acting_user, period.ente_id):
        raise PermissionDenied
    plan = Plan.objects.select_for_update().get(pk=period.plan_id)
    _refuse_period_change(period)
    if not plan.accepts_periods:
        raise WorkflowError(
            _(
                "Il piano «%(title)s» è %(status)s: un periodo si apre solo su un piano "
                "approvato o in monitoraggio."
            )
            % {"title": plan.title, "status": plan.get_status_display().lower()}
        )
    if plan.status == Plan.Status.APPROVATO:
        plan.status = Plan.Status.IN_MONITORAGGIO
        _plan_record(
            plan,
            acting_user=acting_user,
            reason=_("In monitoraggio: aperto il periodo %(name)s") % {"name": period.name},
        )
    period.is_open = True
    period.closed_at = None
    period.rules = None  # while open, the plan's rules in force count
    period._history_user = acting_user
    period.save(update_fields=["is_open", "closed_at", "rules"])
    return progress_rows_ensure(period=period)


def rules_in_force(plan: Plan) -> dict:
    """The plan's scoring rules as a period records them when it closes."""
    return {
        "scoring_rules": plan.scoring_rules,
        "achievement_cap": str(plan.achievement_cap),
        "weight_categories": plan.weight_categories or {},
    }


@transaction.atomic
def period_close(*, period_id: int, acting_user: AbstractBaseUser) -> MonitoringPeriod:
    """Close the period: no more submissions; the plan's rules in force are recorded with it,
    and its figures are computed with them from now on, whatever later changes of the rules."""
    period = MonitoringPeriod.objects.select_for_update().get(pk=period_id)
    if not permissions.can_manage_periods(acting_user, period.ente_id):
        raise PermissionDenied
    _refuse_period_change(period)
    plan = Plan.objects.get(pk=period.plan_id)
    period.is_open = False
    period.closed_at = timezone.now()
    period.rules = rules_in_force(plan)
    period._history_user = acting_user
    period.save(update_fields=["is_open", "closed_at", "rules"])
    return period


@transaction.atomic
def period_create(
    *,
    plan_id: int,
    name: str,
    reference_date: dt.date,
    due_date: dt.date | None = None,
    acting_user: AbstractBaseUser,
) -> MonitoringPeriod:
    """A new monitoring period of the plan, closed: opening it is period_open's job."""
    plan = Plan.objects.select_for_update().get(pk=plan_id)
    if not permissions.can_manage_periods(acting_user, plan.ente_id):
        raise PermissionDenied
    period = MonitoringPeriod(
        ente_id=plan.ente_id,
        plan=plan,
        name=name,
        reference_date=reference_date,
        due_date=due_date,
        is_open=False,
    )
    period.full_clean()
    period._history_user = acting_user
    period.save()
    return period
