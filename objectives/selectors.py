"""Reads of plans and objectives, always scoped to what the user may see."""

from django.db.models import Count, QuerySet
from django.http import Http404

from objectives.models import Plan
from organisation.access import admin_entes, user_entes


def plans_for_user(user) -> QuerySet[Plan]:
    """The plans of every ente the user belongs to, with their objective counts."""
    return (
        Plan.objects.filter(ente__in=user_entes(user))
        .select_related("ente")
        .annotate(n_objectives=Count("objectives"))
        .order_by("ente__name", "-first_year", "title")
    )


def importable_plans(user) -> QuerySet[Plan]:
    """The plans a user may update by import: those of the entes they run the plan of."""
    return Plan.objects.filter(ente__in=admin_entes(user)).select_related("ente")


def get_plan_for_import(user, pk) -> Plan:
    """A plan the user may update by import; 404 for anyone else's."""
    plan = importable_plans(user).filter(pk=pk).first() if str(pk).isdigit() else None
    if plan is None:
        raise Http404("Piano non trovato.")
    return plan
