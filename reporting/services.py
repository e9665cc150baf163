"""Writes of the reporting app: only its own rows (the NdV's validation of the Relazione)."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from objectives.models import Plan
from objectives.permissions import role_in
from organisation.models import Membership
from reporting.models import ValidationStatement


@transaction.atomic
def validation_statement_save(
    *,
    plan: Plan,
    year: int,
    statement: str,
    validated_on: dt.date,
    signatories: str,
    acting_user,
) -> ValidationStatement:
    """Record (or correct) the NdV's validation of the year's Relazione; NdV members only."""
    if role_in(acting_user, plan.ente_id) != Membership.Role.NDV:
        raise PermissionDenied
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
