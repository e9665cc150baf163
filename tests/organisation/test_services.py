"""Writes about people and access: the controllo group, usernames, memberships, logins."""

import pytest
from django.contrib.auth.hashers import make_password

from organisation.models import Membership, Person
from organisation.services import (
    CONTROLLO_GROUP,
    create_user_for_person,
    ensure_controllo_group,
    grant_membership,
    username_for,
)
from tests.factories import make_ente, make_person, make_user

pytestmark = pytest.mark.django_db
Role = Membership.Role


def test_the_controllo_group_edits_plans_but_only_reads_the_dup_list(db):
    group = ensure_controllo_group()
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert group.name == CONTROLLO_GROUP
    assert {"add_objective", "change_plan", "delete_target", "change_person"} <= codenames
    assert {"view_missione", "view_programma"} <= codenames
    assert not {"add_missione", "change_programma", "delete_missione"} & codenames
    # An ente is neither created nor deleted by its own controllo, only described.
    assert "change_ente" in codenames
    assert not {"add_ente", "delete_ente"} & codenames
    # Users and groups are not theirs.
    assert not any(code.endswith("_user") or code.endswith("_group") for code in codenames)
    assert ensure_controllo_group().pk == group.pk  # idempotent


@pytest.mark.parametrize(
    "name, username",
    [
        ("Angela Maria Russo", "angela.maria.russo"),
        ("Niccolò D'Alò", "niccolo.d.alo"),
        ("  Ugo   Foscolo ", "ugo.foscolo"),
    ],
)
def test_username_for_a_name(name, username):
    assert username_for(name) == username


def test_granting_a_membership_twice_changes_the_role_not_the_rows(db):
    ente = make_ente("alfa")
    user = make_user("anna")
    grant_membership(user=user, ente=ente, role=Role.VIEWER)
    membership = grant_membership(user=user, ente=ente, role=Role.RESPONSABILE)
    assert Membership.objects.filter(user=user).count() == 1
    assert membership.role == Role.RESPONSABILE


def test_a_person_gets_a_login_linked_to_them_with_their_role(db):
    ente = make_ente("alfa")
    person = make_person(ente, "Anna Maria Alfieri")
    user, created = create_user_for_person(
        person=person,
        password_hash=make_password("x" * 12),
        role=Role.RESPONSABILE,
        email_domain="alfa.example.org",
    )
    assert created and user.username == "anna.maria.alfieri"
    assert (user.first_name, user.last_name) == ("Anna", "Maria Alfieri")
    assert user.email == "anna.maria.alfieri@alfa.example.org"
    assert user.check_password("x" * 12)
    assert Person.objects.get(pk=person.pk).user == user
    assert Membership.objects.get(user=user).ente == ente


def test_a_person_with_a_login_keeps_it(db):
    ente = make_ente("alfa")
    existing = make_user("anna")
    person = make_person(ente, "Anna Alfieri", user=existing)
    user, created = create_user_for_person(person=person, password_hash="", role=Role.VIEWER)
    assert (user, created) == (existing, False)
    assert not Membership.objects.filter(user=existing).exists()


def test_the_same_name_in_two_entes_shares_one_login_with_both_memberships(db):
    alfa, beta = make_ente("alfa"), make_ente("beta")
    first, _ = create_user_for_person(
        person=make_person(alfa, "Sara Segre"),
        password_hash=make_password(None),
        role=Role.SEGRETARIO,
    )
    second, created = create_user_for_person(
        person=make_person(beta, "Sara Segre"),
        password_hash=make_password(None),
        role=Role.SEGRETARIO,
    )
    assert second == first and not created
    assert sorted(first.memberships.values_list("ente__slug", flat=True)) == ["alfa", "beta"]
