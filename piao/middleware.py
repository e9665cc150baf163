"""Response headers every page needs that Django does not add by itself."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control


class NoStoreMiddleware:
    """Nothing shown to a logged-in user, and no download, is kept by a browser or a proxy.

    A shared computer's back button, a proxy's cache or the browser's disk must not hand a
    colleague's scores to the next person. Public pages (open data, the login page) keep
    whatever caching their view chose.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Without a session cookie nobody is logged in: no need to load a session to know.
        has_session = settings.SESSION_COOKIE_NAME in request.COOKIES
        user = getattr(request, "user", None)
        authenticated = has_session and user is not None and user.is_authenticated
        download = response.get("Content-Disposition", "").startswith("attachment")
        if authenticated or download:
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response
