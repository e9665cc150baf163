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
def progress_exclude(*, progress_id: int, version: int, acting_user, reason: str) -> Progress:
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


def _plan_record(plan: Plan, *, acting_user, reason: str) -> None:
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


@transaction.atomic
def period_open(*, period_id: int, acting_user) -> int:
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
def period_close(*, period_id: int, acting_user) -> MonitoringPeriod:
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
    period.save(update_fields=["is_open", "closed_at", "rules"])
    return period


# -- the plan's life: bozza -> approvato -> in monitoraggio -> chiuso -> validato ---------------


@transaction.atomic
def plan_approve(*, plan_id: int, acting_user, act_number: str, act_date) -> Plan:
    """bozza -> approvato, with the approval act (delibera number and date, both required)."""
    plan = Plan.objects.select_for_update().get(pk=plan_id)
    if not permissions.can_manage_periods(acting_user, plan.ente_id):
        raise PermissionDenied
    if plan.status != Plan.Status.BOZZA:
        raise WorkflowError(
            _("Il piano è già %(status)s: si approva solo una bozza.")
            % {"status": plan.get_status_display().lower()}
        )
    act_number = (act_number or "").strip()
    if not act_number or act_date is None:
        raise WorkflowError(_("Per approvare il piano servono il numero e la data della delibera."))
    if act_date.year > plan.last_year:
        raise WorkflowError(_("La delibera non può essere successiva all'ultimo anno del piano."))
    plan.status = Plan.Status.APPROVATO
    plan.approval_act_number = act_number[:50]
    plan.approval_act_date = act_date
    _plan_record(
        plan,
        acting_user=acting_user,
        reason=_("Approvato con delibera n. %(n)s del %(d)s")
        % {"n": plan.approval_act_number, "d": act_date.strftime("%d/%m/%Y")},
    )
    return plan


@transaction.atomic
def plan_close(*, plan_id: int, acting_user) -> Plan:
    """in monitoraggio -> chiuso, once every monitoring period of the plan is closed."""
    plan = Plan.objects.select_for_update().get(pk=plan_id)
    if not permissions.can_manage_periods(acting_user, plan.ente_id):
        raise PermissionDenied
    if plan.status != Plan.Status.IN_MONITORAGGIO:
        raise WorkflowError(
            _("Il piano è %(status)s: si chiude solo un piano in monitoraggio.")
            % {"status": plan.get_status_display().lower()}
        )
    still_open = list(plan.periods.filter(is_open=True).values_list("name", flat=True))
    if still_open:
        raise WorkflowError(
            _("Chiudi prima i periodi ancora aperti: %(names)s.") % {"names": ", ".join(still_open)}
        )
    plan.status = Plan.Status.CHIUSO
    _plan_record(plan, acting_user=acting_user, reason=_("Chiuso: tutti i periodi sono chiusi"))
    return plan


@transaction.atomic
def plan_year_freeze(*, plan_id: int, year: int, acting_user) -> list[MonitoringPeriod]:
    """The NdV validates a year of the plan: its periods become frozen (never reopened; their
    figures are stored by reporting in the same transaction) and, for the plan's last year,
    the plan becomes *validato*.

    The gate: the year has monitoring periods, all closed, and every report of every period of
    the year is validated by the NdV or explicitly excluded with a reason. The last year is
    validated only on a *chiuso* plan (every period closed, the controllo closed the plan):
    so a plan is *validato* exactly when the NdV has validated its last year. Validating an
    already validated year again (to correct the statement's text) changes no figure.
    """
    plan = Plan.objects.select_for_update().get(pk=plan_id)
    if permissions.role_in(acting_user, plan.ente_id) != permissions.Role.NDV:
        raise PermissionDenied
    periods = list(
        MonitoringPeriod.objects.select_for_update()
        .filter(ente_id=plan.ente_id, plan=plan, reference_date__year=year)
        .order_by("reference_date")
    )
    if not periods:
        raise WorkflowError(
            _("Il piano non ha periodi di monitoraggio nel %(year)s: non c'è nulla da validare.")
            % {"year": year}
        )
    if all(p.is_frozen for p in periods):
        return periods
    still_open = [p.name for p in periods if p.is_open]
    if still_open:
        raise WorkflowError(
            _("Il %(year)s ha periodi ancora aperti (%(names)s): si valida a periodi chiusi.")
            % {"year": year, "names": ", ".join(still_open)}
        )
    reports = Progress.objects.filter(ente_id=plan.ente_id, period__in=periods)
    pending = reports.filter(excluded_at__isnull=True).exclude(status=Status.VALIDATO).count()
    if pending:
        raise WorkflowError(
            _(
                "%(n)s risultati del %(year)s su %(total)s non sono né validati né esclusi con "
                "un motivo: validali o escludili prima di validare la Relazione."
            )
            % {"n": pending, "year": year, "total": reports.count()}
        )
    if year == plan.last_year and plan.status != Plan.Status.CHIUSO:
        raise WorkflowError(
            _(
                "Il %(year)s è l'ultimo anno del piano: il controllo di gestione deve prima "
                "chiudere il piano."
            )
            % {"year": year}
        )
    now = timezone.now()
    for period in periods:
        period.frozen_at = now
        period.save(update_fields=["frozen_at"])
    if year == plan.last_year:
        plan.status = Plan.Status.VALIDATO
        _plan_record(
            plan,
            acting_user=acting_user,
            reason=_("Validato: il NdV ha validato l'ultimo anno (%(year)s)") % {"year": year},
        )
    return periods


@transaction.atomic
def progress_start(*, objective: Objective, period: MonitoringPeriod, acting_user) -> Progress:
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
    """Change the plan's scoring rules (SMVP); the figures of open periods follow at once (a
    closed period keeps the rules recorded when it closed). A new category mapping re-weighs
    the objectives weighed by category (a draft plan's only). The change is kept in the plan's
    history; returns the plan and how many objectives were re-weighed."""
    plan = Plan.objects.select_for_update().get(pk=plan_id)
    if not permissions.can_edit_scoring_rules(acting_user, plan.ente_id):
        raise PermissionDenied
    categories_changed = plan.weight_categories != weight_categories
    if plan.status == Plan.Status.VALIDATO:
        raise WorkflowError(_("Il piano è validato: le sue regole di punteggio non cambiano più."))
    if categories_changed and not plan.is_content_editable:
        raise WorkflowError(
            _(
                "Il piano è %(status)s: i punti delle categorie di peso cambiano i pesi degli "
                "obiettivi, che si modificano solo con una variazione del piano."
            )
            % {"status": plan.get_status_display().lower()}
        )
    plan.achievement_cap = achievement_cap
    plan.weight_categories = weight_categories
    plan.scoring_rules = scoring_rules
    plan.full_clean()
    plan._history_user = acting_user
    plan._change_reason = _("Regole di punteggio aggiornate")
    plan.save()
    return plan, _objectives_reweigh(plan) if categories_changed else 0
