"""Reads of plans and objectives, always scoped to what the user may see."""

from django.db.models import Count, QuerySet

from objectives.models import Plan
from organisation.access import user_entes


def plans_for_user(user) -> QuerySet[Plan]:
    """The plans of every ente the user belongs to, with their objective counts."""
    return (
        Plan.objects.filter(ente__in=user_entes(user))
        .select_related("ente")
        .annotate(n_objectives=Count("objectives"))
        .order_by("ente__name", "-first_year", "title")
    )
