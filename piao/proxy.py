"""The client's address, for login throttling (django-axes' AXES_CLIENT_IP_CALLABLE)."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """Behind our proxy (BEHIND_PROXY=true) the client is the last address of X-Forwarded-For,
    the one our proxy appended: earlier entries come from the client and may be forged.
    Without a proxy the header is anybody's to write and is ignored."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1][:45]
    return request.META.get("REMOTE_ADDR")
