"""Who sees whose figures: the one rule of the dashboards, the Relazione, its PDF and every
download that carries scores.

The segretario generale, the NdV, the controllo di gestione and viewers see every figure of
their ente. A dirigente or EQ sees their own figures (scores, pay band, the NdV's notes on their
reports) and the ente's aggregate only, never a colleague's. Tenancy (the plan is of one of the
user's entes) is decided before, by the selectors that answer 404.
"""

from dataclasses import replace
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied

from objectives.models import Plan
from objectives.permissions import role_in
from organisation.models import Membership, Person

if TYPE_CHECKING:
    from reporting.exports.relazione import Relazione

Role = Membership.Role
ENTE_ROLES = frozenset({Role.SEGRETARIO, Role.NDV, Role.CONTROLLO, Role.VIEWER})


def role_sees_ente(role: str | None) -> bool:
    """The role reads every responsible's figures of the ente."""
    return role in ENTE_ROLES


def sees_all_figures(user: AbstractBaseUser, plan: Plan) -> bool:
    """The user may read every responsible's score, pay band and NdV notes of the plan."""
    return role_sees_ente(role_in(user, plan.ente_id))


def check_export_allowed(user: AbstractBaseUser, plan: Plan, kind: str) -> None:
    """A whole-plan export with everyone's figures (the Relazione) is for the ente's roles."""
    from reporting.models import ExportJob

    if kind == ExportJob.Kind.RELAZIONE and not sees_all_figures(user, plan):
        raise PermissionDenied(
            "La Relazione con i punteggi di tutti i responsabili è riservata a segretario, "
            "NdV, controllo di gestione e lettori dell'ente: il tuo punteggio è nel Cruscotto."
        )


def relazione_for_user(relazione: "Relazione", user: AbstractBaseUser) -> "Relazione":
    """The Relazione as the user may read it: whole for the ente's roles; for a dirigente or
    EQ their own sections and the ente's figure, without colleagues or dipartimenti."""
    if sees_all_figures(user, relazione.plan):
        return relazione
    person_ids = set(
        Person.objects.filter(ente_id=relazione.plan.ente_id, user=user).values_list(
            "pk", flat=True
        )
    )
    own = [section for section in relazione.sections if section.person_id in person_ids]
    return replace(relazione, sections=own, dipartimenti=[])
