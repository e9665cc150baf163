"""What every page needs to show the navigation of the user's roles."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from organisation.models import Membership


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def roles() -> dict[str, bool]:
        held = set(Membership.objects.filter(user=user).values_list("role", flat=True))
        return {
            "responsabile": Membership.Role.RESPONSABILE in held,
            "segretario": Membership.Role.SEGRETARIO in held,
            "ndv": Membership.Role.NDV in held,
            "controllo": Membership.Role.CONTROLLO in held or user.is_superuser,
        }

    # Evaluated only by pages that draw the navigation (not by the admin's).
    return {"nav": SimpleLazyObject(roles)}
