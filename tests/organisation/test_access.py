"""Who reaches which ente: `user_entes` (any role) and `admin_entes` (the admin's entes)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from organisation.access import admin_entes, user_entes
from organisation.models import Ente, Membership
from tests.factories import make_ente, make_user

pytestmark = pytest.mark.django_db
Role = Membership.Role


def slugs(entes) -> list[str]:
    return sorted(entes.values_list("slug", flat=True))


def test_members_reach_their_ente_only(personas):
    for persona in ("dirigente", "eq", "segretario", "ndv", "viewer", "controllo"):
        assert slugs(user_entes(personas.user(persona))) == ["alfa"], persona
    assert slugs(user_entes(personas.outsider)) == ["beta"]
    assert slugs(user_entes(personas.outsider_dirigente)) == ["beta"]


def test_only_the_controllo_di_gestione_edits_its_ente_in_the_admin(personas):
    assert slugs(admin_entes(personas.controllo)) == ["alfa"]
    assert slugs(admin_entes(personas.outsider)) == ["beta"]
    for persona in ("dirigente", "eq", "other_dirigente", "segretario", "ndv", "viewer"):
        assert not admin_entes(personas.user(persona)).exists(), persona


def test_anonymous_reaches_nothing(personas):
    assert not user_entes(AnonymousUser()).exists()
    assert not admin_entes(AnonymousUser()).exists()


def test_the_superuser_edits_every_ente_but_belongs_to_none(personas):
    # Every ente, the demo's too when the session loaded them.
    everyone = slugs(Ente.objects.all())
    assert slugs(admin_entes(personas.superuser)) == everyone and {"alfa", "beta"} <= set(everyone)
    assert not user_entes(personas.superuser).exists()


def test_an_inactive_controllo_edits_nothing(personas):
    personas.controllo.is_active = False
    personas.controllo.save()
    assert not admin_entes(personas.controllo).exists()
    personas.superuser.is_active = False
    personas.superuser.save()
    assert not admin_entes(personas.superuser).exists()


def test_several_entes_each_with_its_own_role(personas):
    """A segretario shared by two comuni, controllo in a third: the admin only for the third."""
    gamma, delta = make_ente("gamma"), make_ente("delta")
    user = make_user("multi", ente=personas.ente_a, role=Role.SEGRETARIO)
    Membership.objects.create(user=user, ente=gamma, role=Role.SEGRETARIO)
    Membership.objects.create(user=user, ente=delta, role=Role.CONTROLLO)
    assert slugs(user_entes(user)) == ["alfa", "delta", "gamma"]
    assert slugs(admin_entes(user)) == ["delta"]
    # Each ente once, however the joins multiply.
    assert user_entes(user).count() == 3


def test_a_user_without_membership_reaches_nothing(db):
    make_ente("solo")
    lonely = make_user("nessuno")
    assert not user_entes(lonely).exists()
    assert not admin_entes(lonely).exists()
