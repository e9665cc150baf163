"""The plan's life: bozza -> approvato -> in monitoraggio -> chiuso -> validato, and its
scoring rules."""

import datetime as dt
from decimal import Decimal

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
from objectives.services.common import WorkflowError, _plan_record

Status = Progress.Status
Action = ProgressEvent.Action


@transaction.atomic
def plan_approve(
    *, plan_id: int, acting_user: AbstractBaseUser, act_number: str, act_date: dt.date
) -> Plan:
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
def plan_close(*, plan_id: int, acting_user: AbstractBaseUser) -> Plan:
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
def plan_year_freeze(
    *, plan_id: int, year: int, acting_user: AbstractBaseUser
) -> list[MonitoringPeriod]:
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


def _objectives_reweigh(plan: Plan) -> int:
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
    acting_user: AbstractBaseUser,
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
