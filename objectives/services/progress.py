"""Writes of a progress report: save, submit, verify, return, validate, reopen, exclude,
acknowledge, and the user's own report started on an open period."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from objectives import notifications, permissions
from objectives.achievement import Measured
from objectives.evaluation import evaluate, indicators_with_targets
from objectives.models import (
    Measurement,
    MonitoringPeriod,
    Objective,
    Progress,
    ProgressEvent,
)
from objectives.services.common import (
    WorkflowError,
    _locked,
    _record,
    _refuse_edit,
    _refuse_period_change,
    _show,
)
from objectives.weights import responsible_ids
from piao.formatting import format_percent

Status = Progress.Status
Action = ProgressEvent.Action


@dataclass(frozen=True)
class DraftValues:
    measured: dict[int, Measured]
    declared: Decimal | None
    justification: str
    notes: str


@transaction.atomic
def progress_save(
    *, progress_id: int, version: int, acting_user: AbstractBaseUser, values: DraftValues
) -> Progress:
    """Save the draft: measured values, declared %, justification and the responsible's notes."""
    progress = _locked(progress_id, version)
    if not permissions.can_edit(acting_user, progress):
        _refuse_edit(progress, acting_user)
    indicators = indicators_with_targets(progress)
    known = {m.indicator_id: m for m in progress.measurements.all()}
    changes: dict[str, list[str]] = {}
    for indicator in indicators:
        new = values.measured.get(indicator.pk, Measured())
        measurement = known.get(indicator.pk) or Measurement(
            ente_id=progress.ente_id, progress=progress, indicator=indicator
        )
        before = (
            measurement.value_number,
            measurement.value_date,
            measurement.value_bool,
            measurement.value_text,
        )
        after = (new.number, new.date, new.flag, new.text)
        if before != after:  # a new, empty measurement equals its empty "before" too
            measurement.value_number, measurement.value_date = new.number, new.date
            measurement.value_bool, measurement.value_text = new.flag, new.text
            measurement.save()
            label = (indicator.description or f"indicatore {indicator.order}")[:60]
            changes[label] = [
                " ".join(_show(v) for v in before if v not in (None, "")) or "—",
                " ".join(_show(v) for v in after if v not in (None, "")) or "—",
            ]
    evaluation = evaluate(progress, values.measured, indicators=indicators)
    for field, new in (
        ("declared_achievement", values.declared),
        ("justification", values.justification),
        ("responsible_notes", values.notes),
        ("computed_achievement", evaluation.achievement),
    ):
        old = getattr(progress, field)
        if old != new:
            changes[str(Progress._meta.get_field(field).verbose_name)] = [_show(old), _show(new)]
            setattr(progress, field, new)
    _record(
        progress,
        action=Action.SAVE,
        actor=acting_user,
        from_status=progress.status,
        changes=changes,
    )
    return progress


@transaction.atomic
def progress_submit(*, progress_id: int, version: int, acting_user: AbstractBaseUser) -> Progress:
    """Send the report to the segretario; the declared % defaults to the computed one."""
    progress = _locked(progress_id, version)
    if not permissions.can_submit(acting_user, progress):
        _refuse_edit(progress, acting_user)
    if progress.declared_achievement is None:
        progress.declared_achievement = progress.computed_achievement
    if progress.declared_achievement is None:
        raise WorkflowError(
            _("Indica il raggiungimento dichiarato: non è calcolabile dai valori inseriti.")
        )
    if (
        progress.computed_achievement is not None
        and progress.declared_achievement != progress.computed_achievement
        and not progress.justification.strip()
    ):
        raise WorkflowError(
            _(
                "Il dichiarato (%(declared)s) è diverso dal calcolato (%(computed)s): "
                "scrivi la motivazione prima di inviare."
            )
            % {
                "declared": format_percent(progress.declared_achievement),
                "computed": format_percent(progress.computed_achievement),
            }
        )
    progress.status = Status.INVIATO
    progress.submitted_by = acting_user
    progress.submitted_at = timezone.now()
    progress.return_note = ""
    _record(progress, action=Action.SUBMIT, actor=acting_user, from_status=Status.BOZZA)
    transaction.on_commit(lambda: notifications.submitted(progress))
    return progress


@transaction.atomic
def progress_verify(*, progress_id: int, version: int, acting_user: AbstractBaseUser) -> Progress:
    progress = _locked(progress_id, version)
    if not permissions.can_verify(acting_user, progress):
        raise PermissionDenied
    progress.status = Status.VERIFICATO
    progress.reviewed_by = acting_user
    progress.reviewed_at = timezone.now()
    _record(progress, action=Action.VERIFY, actor=acting_user, from_status=Status.INVIATO)
    return progress


@transaction.atomic
def progress_return(
    *, progress_id: int, version: int, acting_user: AbstractBaseUser, note: str
) -> Progress:
    """Back to the responsible as a draft, with a note they will see."""
    progress = _locked(progress_id, version)
    if not permissions.can_return(acting_user, progress):
        raise PermissionDenied
    if not note.strip():
        raise WorkflowError(_("Scrivi una nota per il responsabile: dice cosa correggere."))
    from_status = progress.status
    progress.status = Status.BOZZA
    progress.return_note = note.strip()
    _record(
        progress,
        action=Action.RETURN,
        actor=acting_user,
        from_status=from_status,
        note=note.strip(),
    )
    transaction.on_commit(lambda: notifications.returned(progress))
    return progress


@transaction.atomic
def progress_validate(
    *,
    progress_id: int,
    version: int,
    acting_user: AbstractBaseUser,
    validated: Decimal,
    reason: str,
    ndv_notes: str,
) -> Progress:
    """The NdV's final figure; a reason is required when it differs from the declared one."""
    progress = _locked(progress_id, version)
    if not permissions.can_validate(acting_user, progress):
        raise PermissionDenied
    if validated is None or validated < 0:
        raise WorkflowError(_("Indica il raggiungimento validato (un numero da 0 in su)."))
    if validated != progress.declared_achievement and not reason.strip():
        raise WorkflowError(
            _(
                "Il validato (%(validated)s) è diverso dal dichiarato (%(declared)s): "
                "la motivazione è obbligatoria."
            )
            % {
                "validated": format_percent(validated),
                "declared": format_percent(progress.declared_achievement),
            }
        )
    changes = {}
    if progress.declared_achievement != validated:
        changes["raggiungimento"] = [
            format_percent(progress.declared_achievement),
            format_percent(validated),
        ]
    progress.status = Status.VALIDATO
    progress.validated_achievement = validated
    progress.validation_reason = reason.strip()
    progress.ndv_notes = ndv_notes.strip()
    progress.validated_by = acting_user
    progress.validated_at = timezone.now()
    _record(
        progress,
        action=Action.VALIDATE,
        actor=acting_user,
        from_status=Status.VERIFICATO,
        note=reason.strip(),
        changes=changes,
    )
    transaction.on_commit(lambda: notifications.validated(progress))
    return progress


@transaction.atomic
def progress_validate_unchanged(*, progress_ids: list[int], acting_user: AbstractBaseUser) -> int:
    """Validate, as declared, every verified report among these that the user may validate."""
    count = 0
    for progress_id in progress_ids:
        progress = _locked(progress_id, None)
        if not permissions.can_validate(acting_user, progress):
            continue
        if progress.declared_achievement is None:
            continue
        progress.status = Status.VALIDATO
        progress.validated_achievement = progress.declared_achievement
        progress.validated_by = acting_user
        progress.validated_at = timezone.now()
        _record(
            progress,
            action=Action.VALIDATE,
            actor=acting_user,
            from_status=Status.VERIFICATO,
            note=_("Validato come dichiarato."),
        )
        transaction.on_commit(lambda p=progress: notifications.validated(p))
        count += 1
    return count


@transaction.atomic
def progress_reopen(
    *, progress_id: int, version: int, acting_user: AbstractBaseUser, reason: str
) -> Progress:
    """The NdV takes a validated result back to review; the reason stays on record."""
    progress = _locked(progress_id, version)
    _refuse_period_change(progress.period)  # first: the reason the NdV cannot, said plainly
    if not permissions.can_reopen(acting_user, progress):
        raise PermissionDenied
    if not reason.strip():
        raise WorkflowError(_("Per riaprire un risultato validato serve una motivazione."))
    changes = {"validato": [format_percent(progress.validated_achievement), "—"]}
    progress.status = Status.VERIFICATO
    progress.acknowledged_at = None
    progress.validated_achievement = None
    _record(
        progress,
        action=Action.REOPEN,
        actor=acting_user,
        from_status=Status.VALIDATO,
        note=reason.strip(),
        changes=changes,
    )
    return progress


@transaction.atomic
def progress_exclude(
    *, progress_id: int, version: int, acting_user: AbstractBaseUser, reason: str
) -> Progress:
    """The NdV leaves a report of a closed period out of the evaluation, with a reason: it
    scores nothing, and it no longer holds back the validation of its year."""
    progress = _locked(progress_id, version)
    if permissions.role_in(acting_user, progress.ente_id) != permissions.Role.NDV:
        raise PermissionDenied
    _refuse_period_change(progress.period)
    # The checks below are permissions.can_exclude, one by one, each with its reason.
    if progress.period.is_open:
        raise WorkflowError(_("Si esclude un risultato solo a periodo chiuso."))
    if progress.is_excluded:
        raise WorkflowError(_("Il risultato è già escluso dalla valutazione."))
    if progress.status == Status.VALIDATO:
        raise WorkflowError(_("Il risultato è validato: riaprilo prima di escluderlo."))
    if not reason.strip():
        raise WorkflowError(_("Per escludere un risultato dalla valutazione serve un motivo."))
    progress.excluded_reason = reason.strip()
    progress.excluded_by = acting_user
    progress.excluded_at = timezone.now()
    _record(
        progress,
        action=Action.EXCLUDE,
        actor=acting_user,
        from_status=progress.status,
        note=progress.excluded_reason,
    )
    return progress


@transaction.atomic
def progress_acknowledge(
    *, progress_id: int, version: int, acting_user: AbstractBaseUser
) -> Progress:
    """The responsible's presa visione of the NdV's final figure."""
    progress = _locked(progress_id, version)
    if not permissions.can_acknowledge(acting_user, progress):
        raise PermissionDenied
    progress.acknowledged_at = timezone.now()
    _record(progress, action=Action.ACKNOWLEDGE, actor=acting_user, from_status=progress.status)
    return progress


@transaction.atomic
def progress_start(
    *, objective: Objective, period: MonitoringPeriod, acting_user: AbstractBaseUser
) -> Progress:
    """The user's own report on an objective for an open period, created if missing."""
    if not permissions.can_start_progress(acting_user, objective):
        raise PermissionDenied(_("Solo il responsabile dell'obiettivo o la sua EQ lo compila."))
    if not period.is_open or period.plan_id != objective.plan_id:
        raise WorkflowError(_("Il periodo non è aperto per questo piano."))
    for person_id in responsible_ids(objective):
        progress, _created = Progress.objects.get_or_create(
            ente_id=objective.ente_id,
            objective=objective,
            responsible_id=person_id,
            period=period,
        )
        if permissions.is_responsible(acting_user, progress):
            return progress
    raise PermissionDenied
