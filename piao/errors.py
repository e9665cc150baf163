"""The error pages (400, 403, 404, 500): Italian, in the site's look, saying what happened and
where to go. Our code's own messages (PermissionDenied("..."), BadRequest("..."),
Http404("...")) are shown, escaped; Django's English internals are not."""

import re

from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.urls import Resolver404

# Django's own Http404 text (get_object_or_404): English, and naming our models.
DJANGO_404 = re.compile(r"^No .* matches the given query\.$")


def _message(exception: Exception | None, own: type[Exception]) -> str:
    """The message our code gave the exception, or "" for Django's own and empty ones."""
    if exception is None or type(exception) is not own and own is BadRequest:
        return ""
    if isinstance(exception, Resolver404) or not exception.args:
        return ""
    message = exception.args[0]
    if not isinstance(message, str) or DJANGO_404.match(message):
        return ""
    return message


def bad_request_page(request: HttpRequest, message: str = "") -> HttpResponse:
    """A 400 that names what was wrong; views return it for input they cannot use."""
    return render(request, "400.html", {"message": message}, status=400)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return bad_request_page(request, _message(exception, BadRequest))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = _message(exception, PermissionDenied)
    return render(request, "403.html", {"message": message}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = _message(exception, Http404)
    return render(request, "404.html", {"message": message}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without the request's context: no database query, no user (the error may be
    the database's)."""
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)
