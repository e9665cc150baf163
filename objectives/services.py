"""Writes of the monitoring cycle: every save and transition of a progress report goes here.

Each function checks the rule (objectives.permissions), runs in one transaction on a locked
row, bumps the version (optimistic locking: a stale version is a ConflictError that says what
changed meanwhile), writes an audit event, and queues the emails to go after the commit.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from objectives import notifications, permissions
from objectives.achievement import Measured
from objectives.evaluation import evaluate, indicators_with_targets
from objectives.evidence import RejectedFile, check_upload
from objectives.models import (
    Evidence,
    Measurement,
    MonitoringPeriod,
    Objective,
    Plan,
    Progress,
    ProgressEvent,
)
from objectives.weights import responsible_ids
from piao.formatting import format_number, format_percent

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


@dataclass(frozen=True)
class DraftValues:
    measured: dict[int, Measured]
    declared: Decimal | None
    justification: str
    notes: str


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
    actor,
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


def _refuse_edit(progress: Progress, user) -> None:
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


def _show(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal):
        return format_number(value)
    if isinstance(value, bool):
        return _("sì") if value else _("no")
    return str(value)


@transaction.atomic
def progress_save(*, progress_id: int, version: int, acting_user, values: DraftValues) -> Progress:
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
def progress_submit(*, progress_id: int, version: int, acting_user) -> Progress:
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
def progress_verify(*, progress_id: int, version: int, acting_user) -> Progress:
    progress = _locked(progress_id, version)
    if not permissions.can_verify(acting_user, progress):
        raise PermissionDenied
    progress.status = Status.VERIFICATO
    progress.reviewed_by = acting_user
    progress.reviewed_at = timezone.now()
    _record(progress, action=Action.VERIFY, actor=acting_user, from_status=Status.INVIATO)
    return progress


@transaction.atomic
def progress_return(*, progress_id: int, version: int, acting_user, note: str) -> Progress:
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
    *, progress_id: int, version: int, acting_user, validated: Decimal, reason: str, ndv_notes: str
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
def progress_validate_unchanged(*, progress_ids: list[int], acting_user) -> int:
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
def progress_reopen(*, progress_id: int, version: int, acting_user, reason: str) -> Progress:
    """The NdV takes a validated result back to review; the reason stays on record."""
    progress = _locked(progress_id, version)
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
def progress_acknowledge(*, progress_id: int, version: int, acting_user) -> Progress:
    """The responsible's presa visione of the NdV's final figure."""
    progress = _locked(progress_id, version)
    if not permissions.can_acknowledge(acting_user, progress):
        raise PermissionDenied
    progress.acknowledged_at = timezone.now()
    _record(progress, action=Action.ACKNOWLEDGE, actor=acting_user, from_status=progress.status)
    return progress


@transaction.atomic
def evidence_add(*, progress_id: int, acting_user, upload: UploadedFile) -> Evidence:
    progress = _locked(progress_id, None)
    if not permissions.can_edit(acting_user, progress):
        _refuse_edit(progress, acting_user)
    try:
        content_type = check_upload(upload)
    except RejectedFile as exc:
        raise WorkflowError(str(exc)) from exc
    evidence = Evidence(
        ente_id=progress.ente_id,
        progress=progress,
        original_name=upload.name[:255],
        content_type=content_type,
        size=upload.size,
        uploaded_by=acting_user,
        uploaded_at=timezone.now(),
    )
    evidence.file.save(upload.name, upload, save=False)
    evidence.save()
    _record(
        progress,
        action=Action.EVIDENCE_ADD,
        actor=acting_user,
        from_status=progress.status,
        note=evidence.original_name,
    )
    return evidence


@transaction.atomic
def evidence_remove(*, evidence_id: int, acting_user) -> None:
    evidence = Evidence.objects.select_related("progress").get(pk=evidence_id)
    progress = _locked(evidence.progress_id, None)
    if not permissions.can_edit(acting_user, progress):
        _refuse_edit(progress, acting_user)
    name = evidence.original_name
    stored = evidence.file.name
    storage = evidence.file.storage
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(stored))
    _record(
        progress,
        action=Action.EVIDENCE_REMOVE,
        actor=acting_user,
        from_status=progress.status,
        note=name,
    )


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
def period_open(*, period_id: int, acting_user) -> int:
    """Open the period for reports; returns how many new draft reports it created."""
    period = MonitoringPeriod.objects.select_for_update().get(pk=period_id)
    if not permissions.can_manage_periods(acting_user, period.ente_id):
        raise PermissionDenied
    period.is_open = True
    period._history_user = acting_user
    period.save(update_fields=["is_open"])
    return progress_rows_ensure(period=period)


@transaction.atomic
def period_close(*, period_id: int, acting_user) -> MonitoringPeriod:
    period = MonitoringPeriod.objects.select_for_update().get(pk=period_id)
    if not permissions.can_manage_periods(acting_user, period.ente_id):
        raise PermissionDenied
    period.is_open = False
    period._history_user = acting_user
    period.save(update_fields=["is_open"])
    return period


@transaction.atomic
def period_create(
    *,
    plan_id: int,
    name: str,
    reference_date,
    due_date=None,
    acting_user,
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


@transaction.atomic
def progress_start(*, objective: Objective, period: MonitoringPeriod, acting_user) -> Progress:
    """The user's own report on an objective for an open period, created if missing."""
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


def _objectives_reweigh(plan) -> int:
    """Give every objective weighed by category the points its category now has; returns how
    many changed (each change kept in the objective's history)."""
    from simple_history.utils import bulk_update_with_history

    from objectives.plan_import.values import learn_category_words, parse_weight

    objectives = list(Objective.objects.filter(plan=plan).exclude(weight_text=""))
    words = learn_category_words(o.weight_text for o in objectives)
    categories = {k: Decimal(str(v)) for k, v in plan.weight_categories.items()}
    changed = []
    for objective in objectives:
        parsed = parse_weight(objective.weight_text, categories, words)
        if parsed.kind == "category" and parsed.points != objective.weight:
            objective.weight = parsed.points
            changed.append(objective)
    bulk_update_with_history(changed, Objective, ["weight"], batch_size=500)
    return len(changed)


@transaction.atomic
def plan_scoring_rules_update(
    *,
    plan_id: int,
    acting_user,
    achievement_cap: Decimal,
    weight_categories: dict,
    scoring_rules: dict,
) -> tuple[Plan, int]:
    """Change the plan's scoring rules (SMVP); scores follow at once, as they are computed when
    read. A new category mapping re-weighs the objectives weighed by category. The change is
    kept in the plan's history; returns the plan and how many objectives were re-weighed."""
    plan = Plan.objects.select_for_update().get(pk=plan_id)
    if not permissions.can_edit_scoring_rules(acting_user, plan.ente_id):
        raise PermissionDenied
    categories_changed = plan.weight_categories != weight_categories
    plan.achievement_cap = achievement_cap
    plan.weight_categories = weight_categories
    plan.scoring_rules = scoring_rules
    plan.full_clean()
    plan._history_user = acting_user
    plan._change_reason = _("Regole di punteggio aggiornate")
    plan.save()
    return plan, _objectives_reweigh(plan) if categories_changed else 0
