"""Who may reach which ente: the one place tenant scoping is decided."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from organisation.models import Ente, Membership


def user_entes(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Ente]:
    """The entes a user belongs to, in any role."""
    if not user.is_authenticated:
        return Ente.objects.none()
    return Ente.objects.filter(membership__user=user).distinct()


def admin_entes(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Ente]:
    """The entes whose plan a user may edit in the admin (every ente for a superuser)."""
    if not user.is_authenticated or not user.is_active:
        return Ente.objects.none()
    if user.is_superuser:
        return Ente.objects.all()
    return Ente.objects.filter(membership__user=user, membership__role=Membership.Role.CONTROLLO)
