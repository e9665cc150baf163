"""Helpers shared by the plan's models."""

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

PERCENT_MAX_DIGITS = 7


def _related(instance, name: str):
    """A related object, also an unsaved one set on the instance (as inline forms do), or None."""
    if instance is None:
        return None
    try:
        return getattr(instance, name)
    except ObjectDoesNotExist:
        return None


def _nonnegative(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 0}),
        name=f"%(class)s_{name}_nonnegative",
        violation_error_message=_("Il valore non può essere negativo."),
    )
