"""The people of the whole suite, in one place: who is who in ente A, ente B and outside.

Ente A (Comune di Alfa) holds the cycle: the dirigente Anna, her EQ Elena, Dario the dirigente
of another dipartimento, the segretario Sara, Nicola of the NdV, Vera the viewer and Carla of the
controllo di gestione (staff, in the controllo group). Ente B (Comune di Beta) is the other
ente: Ottavio, its controllo di gestione (staff, the `outsider` everywhere: the strongest user
who does not belong to A), and Bruno, its dirigente (`outsider_dirigente`). `superuser` belongs
to no ente. `anonymous` is nobody logged in.

`world` and `cycle` (tests/conftest.py) are built on these same people; so is the permission
matrix (tests/test_permission_matrix.py).
"""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser

from organisation.models import Ente, Membership, Person
from organisation.services import ensure_controllo_group
from tests.factories import make_ente, make_person, make_user

Role = Membership.Role

# Every persona of the matrix, in the order its tables list them.
MEMBERS_A = ["dirigente", "eq", "other_dirigente", "segretario", "ndv", "viewer", "controllo"]
MEMBERS_B = ["outsider", "outsider_dirigente"]
PERSONAS = [*MEMBERS_A, *MEMBERS_B, "superuser", "anonymous"]
# The same roles in the demo data that the browser journeys (tests/e2e) log in to: `demo_site(page,
# "dirigente")` logs in as the demo's dirigente; a demo username is taken as it is.
DEMO_LOGINS = {
    "dirigente": "simonetta.gambini",
    "segretario": "segretario",
    "ndv": "ndv",
    "viewer": "viewer",
    "controllo": "controllo",
}
# Who answers for an objective of their ente (the dirigente and the EQ of ente A's 1.1; in ente
# B its dirigente answers for its own).
RESPONSIBLES = {"dirigente", "eq", "outsider_dirigente"}


@dataclass
class Personas:
    """The two entes, their users, and the people of the plan behind the responsibles."""

    ente_a: Ente
    ente_b: Ente
    dirigente: AbstractBaseUser
    eq: AbstractBaseUser
    other_dirigente: AbstractBaseUser
    segretario: AbstractBaseUser
    ndv: AbstractBaseUser
    viewer: AbstractBaseUser
    controllo: AbstractBaseUser
    outsider: AbstractBaseUser
    outsider_dirigente: AbstractBaseUser
    superuser: AbstractBaseUser
    anna: Person
    elena: Person
    dario: Person
    bruno: Person

    def user(self, persona: str) -> AbstractBaseUser | None:
        """The user of a persona by name; None for anonymous."""
        return None if persona == "anonymous" else getattr(self, persona)

    def ente_of(self, persona: str) -> Ente | None:
        """The ente a persona belongs to (None for the superuser and anonymous)."""
        if persona in MEMBERS_A:
            return self.ente_a
        if persona in MEMBERS_B:
            return self.ente_b
        return None


def build_personas() -> Personas:
    """Create both entes and every persona (users, memberships, people)."""
    group = ensure_controllo_group()
    ente_a = make_ente("alfa", "Comune di Alfa")
    ente_b = make_ente("beta", "Comune di Beta")

    def user(username: str, ente: Ente, role: str, **kw) -> AbstractBaseUser:
        return make_user(username, ente=ente, role=role, email=f"{username}@example.org", **kw)

    def staff(username: str, ente: Ente) -> AbstractBaseUser:
        controllo = user(username, ente, Role.CONTROLLO, is_staff=True)
        controllo.groups.add(group)
        return controllo

    dirigente = user("anna", ente_a, Role.RESPONSABILE)
    eq = user("elena", ente_a, Role.RESPONSABILE)
    other_dirigente = user("dario", ente_a, Role.RESPONSABILE)
    outsider_dirigente = user("bruno", ente_b, Role.RESPONSABILE)
    return Personas(
        ente_a=ente_a,
        ente_b=ente_b,
        dirigente=dirigente,
        eq=eq,
        other_dirigente=other_dirigente,
        segretario=user("sara", ente_a, Role.SEGRETARIO),
        ndv=user("nicola", ente_a, Role.NDV),
        viewer=user("vera", ente_a, Role.VIEWER),
        controllo=staff("carla", ente_a),
        outsider=staff("ottavio", ente_b),
        outsider_dirigente=outsider_dirigente,
        superuser=make_user("root", is_staff=True, is_superuser=True),
        anna=make_person(ente_a, "Anna Alfieri", user=dirigente),
        elena=make_person(ente_a, "Elena Esposito", user=eq),
        dario=make_person(ente_a, "Dario Donati", user=other_dirigente),
        bruno=make_person(ente_b, "Bruno Bertoli", user=outsider_dirigente),
    )
