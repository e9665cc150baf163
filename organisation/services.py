"""Writes about people, access and roles."""

import unicodedata

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group, Permission
from django.db import transaction
from django.db.models import Q

from organisation.models import Ente, Membership, Person

CONTROLLO_GROUP = "Controllo di gestione"
REFERENCE_MODELS = ["missione", "programma"]


def ensure_controllo_group() -> Group:
    """The group whose members edit their entes' plans in the admin."""
    group, _created = Group.objects.get_or_create(name=CONTROLLO_GROUP)
    permissions = (
        Permission.objects.filter(content_type__app_label__in=["organisation", "objectives"])
        .exclude(Q(content_type__model__in=REFERENCE_MODELS) & ~Q(codename__startswith="view_"))
        .exclude(content_type__model="ente", codename__in=["add_ente", "delete_ente"])
    )
    group.permissions.set(permissions)
    return group


def username_for(full_name: str) -> str:
    """'Angela Maria Russo' -> 'angela.maria.russo' (ASCII, dots for spaces)."""
    ascii_name = unicodedata.normalize("NFKD", full_name).encode("ascii", "ignore").decode()
    parts = "".join(ch if ch.isalnum() or ch.isspace() else " " for ch in ascii_name).split()
    return ".".join(parts).lower()


@transaction.atomic
def grant_membership(*, user: AbstractBaseUser, ente: Ente, role: str) -> Membership:
    membership, created = Membership.objects.get_or_create(
        user=user, ente=ente, defaults={"role": role}
    )
    if not created and membership.role != role:
        membership.role = role
        membership.full_clean()
        membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def create_user_for_person(
    *, person: Person, password_hash: str, role: str, email_domain: str = ""
) -> tuple[AbstractBaseUser, bool]:
    """A login for a person of the plan, linked to them; an existing one is left as it is.

    The password comes hashed (`make_password`), so that many users can share one hashing.
    """
    User = get_user_model()
    if person.user_id:
        return person.user, False
    username = username_for(person.full_name)
    user = User.objects.filter(username=username).first()
    created = user is None
    if created:
        first, _, last = person.full_name.partition(" ")
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            email=person.email or (f"{username}@{email_domain}" if email_domain else ""),
            password=password_hash,
        )
        user.full_clean()
        user.save()
    person.user = user
    person.save(update_fields=["user"])
    grant_membership(user=user, ente=person.ente, role=role)
    return user, created
