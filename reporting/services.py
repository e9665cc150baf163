"""Writes of the reporting app: only its own rows (the NdV's validation of the Relazione)."""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from objectives.models import Plan
from objectives.permissions import role_in
from objectives.services import plan_year_freeze
from organisation.models import Membership
from reporting.freeze import figures_freeze
from reporting.models import FrozenResult, ValidationStatement


@transaction.atomic
def validation_statement_save(
    *,
    plan: Plan,
    year: int,
    statement: str,
    validated_on: dt.date,
    signatories: str,
    acting_user: AbstractBaseUser,
) -> ValidationStatement:
    """Record (or correct) the NdV's validation of the year's Relazione; NdV members only.

    The first validation of a year passes objectives' gate (`plan_year_freeze`: periods
    closed, every report validated or excluded; the last year on a closed plan, which becomes
    *validato*) and stores the year's figures (`figures_freeze`) in the same transaction; a
    correction of the statement's text leaves them as they were stored.
    """
    if role_in(acting_user, plan.ente_id) != Membership.Role.NDV:
        raise PermissionDenied
    periods = plan_year_freeze(plan_id=plan.pk, year=year, acting_user=acting_user)
    if not FrozenResult.objects.filter(ente=plan.ente_id, period__in=periods).exists():
        plan.refresh_from_db()
        for period in periods:
            figures_freeze(plan=plan, period=period)
    record = ValidationStatement.objects.filter(ente=plan.ente_id, plan=plan, year=year).first()
    record = record or ValidationStatement(ente_id=plan.ente_id, plan=plan, year=year)
    record.statement = statement
    record.validated_on = validated_on
    record.signatories = signatories
    record.recorded_by = acting_user
    record.recorded_at = timezone.now()
    record.full_clean()
    record.save()
    return record
