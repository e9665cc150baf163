"""Reads of plans, objectives and progress, always scoped to what the user may see."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from objectives.models import (
    Evidence,
    Indicator,
    Objective,
    Plan,
    Progress,
    ProgressEvent,
    Target,
)
from objectives.permissions import reports_of
from objectives.rules import UNIT_PARENTS
from organisation.access import admin_entes, user_entes
from organisation.models import Membership, OrgUnit

PROGRESS_RELATED = (
    "objective__plan",
    "objective__eq",
    "objective__programma",
    "period",
    "responsible",
)


def plans_for_user(user: AbstractBaseUser) -> QuerySet[Plan]:
    """The plans of every ente the user belongs to, with their objective counts."""
    return (
        Plan.objects.filter(ente__in=user_entes(user))
        .select_related("ente")
        .annotate(n_objectives=Count("objectives"))
        .order_by("ente__name", "-first_year", "title")
    )


def progress_for_user(user: AbstractBaseUser) -> QuerySet[Progress]:
    return Progress.objects.filter(ente__in=user_entes(user)).select_related(*PROGRESS_RELATED)


def get_progress_for_user(user: AbstractBaseUser, pk: int) -> Progress:
    """One report the user may read (any member of its ente), or 404."""
    progress = progress_for_user(user).filter(pk=pk).first()
    if progress is None:
        raise Http404
    return progress


def get_objective_for_user(user: AbstractBaseUser, pk: int) -> Objective:
    objective = (
        Objective.objects.filter(ente__in=user_entes(user), pk=pk)
        .select_related("plan__ente", "programma__missione", "dirigente", "eq", "parent")
        .prefetch_related("org_units", "assignees")
        .first()
    )
    if objective is None:
        raise Http404
    return objective


def todo_for_user(user: AbstractBaseUser) -> QuerySet[Progress]:
    """What the user must do now: reports to send in open periods (returned ones first),
    and validated results awaiting their presa visione."""
    to_send = Q(status=Progress.Status.BOZZA, period__is_open=True)
    to_acknowledge = Q(status=Progress.Status.VALIDATO, acknowledged_at__isnull=True)
    return (
        progress_for_user(user)
        .filter(reports_of(user))
        .filter(to_send | to_acknowledge)
        .order_by("period__due_date", "period__reference_date", "objective__order", "pk")
    )


def my_objectives(user: AbstractBaseUser) -> QuerySet[Progress]:
    """Every report line of the user's objectives, across plans and periods."""
    return (
        progress_for_user(user)
        .filter(reports_of(user))
        .order_by("-period__reference_date", "objective__order", "pk")
    )


def review_queue(user: AbstractBaseUser) -> QuerySet[Progress]:
    """Submitted reports of the entes where the user is segretario generale."""
    entes = Membership.objects.filter(user=user, role=Membership.Role.SEGRETARIO).values("ente")
    return (
        Progress.objects.filter(ente__in=entes, status=Progress.Status.INVIATO)
        .select_related(*PROGRESS_RELATED)
        .order_by("submitted_at", "pk")
    )


def validation_queue(user: AbstractBaseUser) -> QuerySet[Progress]:
    """Verified reports of the entes where the user sits on the NdV."""
    entes = Membership.objects.filter(user=user, role=Membership.Role.NDV).values("ente")
    return (
        Progress.objects.filter(ente__in=entes, status=Progress.Status.VERIFICATO)
        .select_related(*PROGRESS_RELATED)
        .annotate(has_evidence=Exists(Evidence.objects.filter(progress=OuterRef("pk"))))
        .order_by("reviewed_at", "pk")
    )


def objective_indicators(objective: Objective) -> list[Indicator]:
    return list(
        Indicator.objects.filter(objective=objective)
        .prefetch_related("targets")
        .order_by("order", "id")
    )


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    who: str
    what: str
    detail: str


def _who(user: AbstractBaseUser | None) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


TIMELINE_VALUE_CHARS = 120


def _short(value: object) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= TIMELINE_VALUE_CHARS else text[: TIMELINE_VALUE_CHARS - 1] + "…"


def objective_timeline(
    objective: Objective, indicators: list[Indicator] | None = None
) -> list[TimelineEntry]:
    """Changes to the objective, its indicators and targets, and every report's events."""
    indicators = indicators if indicators is not None else objective_indicators(objective)
    entries: list[TimelineEntry] = []
    kinds = {"+": "creato", "~": "modificato", "-": "eliminato"}
    for record in objective.history.select_related("history_user").order_by("history_date"):
        entries.append(
            TimelineEntry(
                record.history_date,
                _who(record.history_user),
                f"Obiettivo {kinds[record.history_type]}",
                "",
            )
        )
    for record in (
        Indicator.history.filter(objective_id=objective.pk)
        .select_related("history_user")
        .order_by("history_date")
    ):
        entries.append(
            TimelineEntry(
                record.history_date,
                _who(record.history_user),
                f"Indicatore {kinds[record.history_type]}",
                record.description[:80],
            )
        )
    for record in (
        Target.history.filter(indicator_id__in=[indicator.pk for indicator in indicators])
        .select_related("history_user")
        .order_by("history_date")
    ):
        entries.append(
            TimelineEntry(
                record.history_date,
                _who(record.history_user),
                f"Target {record.year} {kinds[record.history_type]}",
                record.text[:80],
            )
        )
    events = (
        ProgressEvent.objects.filter(progress__objective=objective)
        .select_related("actor", "progress__period", "progress__responsible")
        .order_by("at", "pk")
    )
    for event in events:
        # A change of a long text is named, not copied twice (before and after) into the page.
        detail = "; ".join(
            f"{k}: {_short(old)} → {_short(new)}" for k, (old, new) in event.changes.items()
        )
        if event.note:
            detail = f"{detail}; {event.note}" if detail else event.note
        entries.append(
            TimelineEntry(
                event.at,
                _who(event.actor),
                f"{event.get_action_display()} · {event.progress.responsible} · "
                f"{event.progress.period.name}",
                detail,
            )
        )
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


def importable_plans(user: AbstractBaseUser) -> QuerySet[Plan]:
    """The plans a user may update by import: those of the entes they run the plan of."""
    return Plan.objects.filter(ente__in=admin_entes(user)).select_related("ente")


def get_plan_for_import(user: AbstractBaseUser, pk: int | str) -> Plan:
    """A plan the user may update by import; 404 for anyone else's."""
    plan = importable_plans(user).filter(pk=pk).first() if str(pk).isdigit() else None
    if plan is None:
        raise Http404("Piano non trovato.")
    return plan


def get_plan_for_user(user: AbstractBaseUser, pk: int) -> Plan:
    """One plan of an ente the user belongs to, or 404."""
    plan = Plan.objects.filter(ente__in=user_entes(user), pk=pk).select_related("ente").first()
    if plan is None:
        raise Http404
    return plan


def plan_objectives(plan: Plan) -> QuerySet[Objective]:
    """The plan's objectives with what its table shows, in a fixed number of queries."""
    return (
        Objective.objects.filter(ente=plan.ente_id, plan=plan)
        .select_related("programma", "dirigente", "eq")
        .prefetch_related(
            Prefetch(
                "org_units",
                queryset=OrgUnit.objects.select_related(UNIT_PARENTS).order_by("name"),
            ),
            "assignees",
            Prefetch(
                "indicators",
                queryset=Indicator.objects.order_by("order", "id").prefetch_related(
                    Prefetch("targets", queryset=Target.objects.order_by("year", "id"))
                ),
            ),
        )
        .order_by("order", "id")
    )
