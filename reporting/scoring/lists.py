"""Lists of reports that need attention: late (overdue drafts) and at risk."""

import datetime as dt

from django.db.models import (
    F,
    QuerySet,
    Value,
)
from django.db.models.lookups import LessThan
from django.utils import timezone

from objectives.models import MonitoringPeriod, Plan, Progress
from reporting.scoring.rules import Rules, Status
from reporting.scoring.sql import Scope, scored_progress


def is_overdue(period: MonitoringPeriod, today: dt.date | None = None) -> bool:
    """The period's reports were due (its due date, else its reference date) before today."""
    today = today or timezone.localdate()
    return (period.due_date or period.reference_date) < today


def late_progress(
    plan: Plan, period: MonitoringPeriod, today: dt.date | None = None, scope: Scope | None = None
) -> QuerySet[Progress]:
    """Reports still in draft after the period's due date (none before it)."""
    queryset = scored_progress(plan, period, scope).filter(status=Status.BOZZA)
    return queryset if is_overdue(period, today) else queryset.none()


def at_risk_progress(
    plan: Plan, period: MonitoringPeriod, scope: Scope | None = None
) -> QuerySet[Progress]:
    """Reports whose achievement (capped) is under the plan's at-risk threshold."""
    rules = Rules.for_period(period, plan)
    return scored_progress(plan, period, scope).filter(
        LessThan(F("capped"), Value(float(rules.at_risk_below)))
    )
