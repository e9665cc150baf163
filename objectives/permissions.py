"""Who may do what on a progress report: the rules of the workflow contract, in one place.

Every view and every service asks these functions; nothing is decided by hiding a button.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q

from objectives.models import Objective, Progress
from organisation.models import Membership, Person

Role = Membership.Role
Status = Progress.Status


def role_in(user: AbstractBaseUser, ente_id: int) -> str | None:
    """The user's role in the ente, or None when they do not belong to it."""
    if not user.is_authenticated:
        return None
    # Remembered on the user object, which lives for one request.
    cache = getattr(user, "_piao_roles", None)
    if cache is None:
        cache = {}
        user._piao_roles = cache
    if ente_id not in cache:
        cache[ente_id] = (
            Membership.objects.filter(user=user, ente_id=ente_id)
            .values_list("role", flat=True)
            .first()
        )
    return cache[ente_id]


def answers_for(
    user: AbstractBaseUser, objective: Objective, responsible_user_id: int | None
) -> bool:
    """The user reports this line: they are its responsible, or the EQ of the objective."""
    if not user.is_authenticated:
        return False
    if responsible_user_id == user.pk:
        return True
    # The EQ fills in the dirigente's report of an ordinary objective; a cross-cutting
    # objective has one report per assignee, each their own.
    return objective.kind != Objective.Kind.TRASVERSALE and bool(
        objective.eq_id and objective.eq.user_id == user.pk
    )


def reports_of(user: AbstractBaseUser) -> Q:
    """SQL twin of `answers_for` over report lines (the lists *Da fare*, *I miei obiettivi*).

    Two index lookups joined by OR (responsible, and objectives whose EQ they are), rather
    than an OR across joins that would scan every report of the ente.
    """
    if not user.is_authenticated:
        return Q(pk__in=[])
    people = Person.objects.filter(user=user).values("pk")
    as_eq = (
        Objective.objects.filter(eq__in=people)
        .exclude(kind=Objective.Kind.TRASVERSALE)
        .values("pk")
    )
    return Q(responsible__in=people) | Q(objective__in=as_eq)


def can_start_progress(user: AbstractBaseUser, objective: Objective) -> bool:
    """The user answers for one of the objective's report lines: "Compila il tuo avanzamento"
    (dirigente, EQ and assignees must be loaded: get_objective_for_user does)."""
    from objectives.rules import responsible_ids

    if not user.is_authenticated:
        return False
    people = {p.pk: p for p in (*objective.assignees.all(), objective.dirigente, objective.eq) if p}
    return any(
        answers_for(user, objective, people[person_id].user_id)
        for person_id in responsible_ids(objective)
        if person_id in people
    )


def is_responsible(user: AbstractBaseUser, progress: Progress) -> bool:
    return answers_for(user, progress.objective, progress.responsible.user_id)


def can_edit(user: AbstractBaseUser, progress: Progress) -> bool:
    return (
        progress.status == Status.BOZZA
        and progress.period.is_open
        and is_responsible(user, progress)
    )


can_submit = can_edit


def can_verify(user: AbstractBaseUser, progress: Progress) -> bool:
    return progress.status == Status.INVIATO and role_in(user, progress.ente_id) == Role.SEGRETARIO


def can_return(user: AbstractBaseUser, progress: Progress) -> bool:
    role = role_in(user, progress.ente_id)
    if progress.status == Status.INVIATO:
        return role == Role.SEGRETARIO
    if progress.status == Status.VERIFICATO:
        return role in (Role.SEGRETARIO, Role.NDV)
    return False


def can_validate(user: AbstractBaseUser, progress: Progress) -> bool:
    return progress.status == Status.VERIFICATO and role_in(user, progress.ente_id) == Role.NDV


def can_reopen(user: AbstractBaseUser, progress: Progress) -> bool:
    """The NdV re-opens a validated result, never one of a year it has validated (frozen)."""
    return (
        progress.status == Status.VALIDATO
        and not progress.period.is_frozen
        and role_in(user, progress.ente_id) == Role.NDV
    )


def can_exclude(user: AbstractBaseUser, progress: Progress) -> bool:
    """The NdV leaves a not yet validated report of a closed, not frozen period out of the
    evaluation (with a reason, see services.progress_exclude)."""
    return (
        progress.status != Status.VALIDATO
        and not progress.is_excluded
        and not progress.period.is_open
        and not progress.period.is_frozen
        and role_in(user, progress.ente_id) == Role.NDV
    )


def can_acknowledge(user: AbstractBaseUser, progress: Progress) -> bool:
    return (
        progress.status == Status.VALIDATO
        and progress.acknowledged_at is None
        and is_responsible(user, progress)
    )


def can_manage_periods(user: AbstractBaseUser, ente_id: int) -> bool:
    return role_in(user, ente_id) == Role.CONTROLLO


def can_review_queue(user: AbstractBaseUser) -> bool:
    return user.is_authenticated and user.memberships.filter(role=Role.SEGRETARIO).exists()


def can_validation_queue(user: AbstractBaseUser) -> bool:
    return user.is_authenticated and user.memberships.filter(role=Role.NDV).exists()


def can_edit_scoring_rules(user: AbstractBaseUser, ente_id: int) -> bool:
    """The plan's scoring rules (SMVP) are the controllo di gestione's to keep."""
    return role_in(user, ente_id) == Role.CONTROLLO
