"""What every write of the cycle shares: its errors, the locked row, the audit event."""

from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from objectives import permissions
from objectives.models import (
    MonitoringPeriod,
    Plan,
    Progress,
    ProgressEvent,
)
from piao.formatting import format_number

Status = Progress.Status
Action = ProgressEvent.Action


class WorkflowError(Exception):
    """A request the rules refuse for a reason the user can act on (Italian message)."""


class ConflictError(Exception):
    """Someone else saved the report after this user opened it."""

    def __init__(self, progress: Progress, changes: list[str]):
        super().__init__(_("L'avanzamento è stato modificato da un'altra persona."))
        self.progress = progress
        self.changes = changes


def _locked(progress_id: int, version: int | None) -> Progress:
    progress = (
        Progress.objects.select_for_update(of=("self",))
        .select_related("objective__plan", "objective__eq", "period", "responsible")
        .get(pk=progress_id)
    )
    if version is not None and progress.version != version:
        raise ConflictError(progress, changes_since(progress, version))
    return progress


def changes_since(progress: Progress, version: int) -> list[str]:
    """What happened to the report after the given version, one sentence per event."""
    lines = []
    events = ProgressEvent.objects.filter(progress=progress, version__gt=version).select_related(
        "actor"
    )
    for event in events:
        who = event.actor.get_full_name() or event.actor.get_username()
        line = f"{event.get_action_display()} di {who} alle {timezone.localtime(event.at):%H:%M}"
        details = [f"{field}: {old} → {new}" for field, (old, new) in event.changes.items()]
        if event.note:
            details.append(f"nota: {event.note}")
        lines.append(line + (f" ({'; '.join(details)})" if details else ""))
    return lines or [_("La versione che avevi aperto non è più quella attuale.")]


def _record(
    progress: Progress,
    *,
    action: str,
    actor: AbstractBaseUser,
    from_status: str,
    note: str = "",
    changes: dict | None = None,
) -> None:
    progress.version += 1
    progress.full_clean(validate_unique=False, validate_constraints=False)
    progress.save()
    ProgressEvent.objects.create(
        ente_id=progress.ente_id,
        progress=progress,
        action=action,
        from_status=from_status,
        to_status=progress.status,
        actor=actor,
        at=timezone.now(),
        version=progress.version,
        note=note,
        changes=changes or {},
    )


def _refuse_edit(progress: Progress, user: AbstractBaseUser) -> None:
    if not permissions.is_responsible(user, progress):
        raise PermissionDenied
    if progress.status != Status.BOZZA:
        raise WorkflowError(
            _("L'avanzamento è già stato inviato: può cambiarlo solo chi lo restituisce.")
        )
    if not progress.period.is_open:
        raise WorkflowError(
            _("Il periodo %(name)s è chiuso: non accetta modifiche né invii.")
            % {"name": progress.period.name}
        )


def _show(value: object) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal):
        return format_number(value)
    if isinstance(value, bool):
        return _("sì") if value else _("no")
    return str(value)


def _plan_record(plan: Plan, *, acting_user: AbstractBaseUser, reason: str) -> None:
    """Save the plan with a line in its history: who, when and why."""
    plan.full_clean()
    plan._history_user = acting_user
    plan._change_reason = reason
    plan.save()


def _refuse_period_change(period: MonitoringPeriod) -> None:
    if period.is_frozen:
        raise WorkflowError(
            _(
                "Il NdV ha validato il %(year)s: il periodo %(name)s e i suoi risultati sono "
                "definitivi e non si riaprono."
            )
            % {"year": period.reference_date.year, "name": period.name}
        )
