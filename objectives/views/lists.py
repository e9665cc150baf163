"""The list pages of the cycle: Da fare, I miei obiettivi, the review and validation queues."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from objectives import permissions, selectors, services
from objectives.filters import ProgressFilter
from objectives.forms import BulkValidateForm
from objectives.lists import list_source
from objectives.views.plan import download_links
from piao.tables import configure_table

PER_PAGE = 25
EXPORT_FORMATS = ("csv", "xlsx", "json", "pdf")


def _list_page(request, name: str, *, template: str, **context):
    """The list `name` (see `list_source`), filtered and paginated, with its downloads; an HTMX
    request gets only the table."""
    queryset, table_class, title = list_source(name, request.user)
    progress_filter = ProgressFilter(request.GET, queryset=queryset, user=request.user)
    table = table_class(progress_filter.qs)
    configure_table(request, table, {"per_page": PER_PAGE})
    query = request.GET.copy()
    query.pop("page", None)
    context |= {
        "filter": progress_filter,
        "table": table,
        "title": title,
        "downloads": download_links(
            "reporting:list_export", [name], query.urlencode(), EXPORT_FORMATS
        ),
    }
    if request.htmx:
        template = f"{template}#list-table"
    return render(request, template, context)


@login_required
def todo(request: HttpRequest) -> HttpResponse:
    """What the user must do now; for the segretario and the NdV, their queues' sizes."""
    queues = {
        "review": selectors.review_queue(request.user).count()
        if permissions.can_review_queue(request.user)
        else None,
        "validation": selectors.validation_queue(request.user).count()
        if permissions.can_validation_queue(request.user)
        else None,
    }
    return _list_page(request, "todo", template="objectives/todo.html", queues=queues)


@login_required
def my_objectives(request: HttpRequest) -> HttpResponse:
    return _list_page(
        request,
        "my_objectives",
        template="objectives/progress_list.html",
        intro=_("Gli avanzamenti dei tuoi obiettivi, in tutti i piani e i periodi."),
    )


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    return _list_page(
        request,
        "review_queue",
        template="objectives/progress_list.html",
        intro=_("Gli avanzamenti inviati dai responsabili: aprili per verificarli o restituirli."),
    )


@login_required
def validation_queue(request: HttpRequest) -> HttpResponse:
    return _list_page(request, "validation_queue", template="objectives/validation_queue.html")


@login_required
@require_POST
def validate_unchanged(request: HttpRequest) -> HttpResponse:
    """Validate the selected reports as declared, in one go."""
    if not permissions.can_validation_queue(request.user):
        raise PermissionDenied
    form = BulkValidateForm(request.POST, queryset=selectors.validation_queue(request.user))
    if not form.is_valid():
        messages.error(request, _("Seleziona almeno un avanzamento da validare."))
        return redirect("objectives:validation_queue")
    count = services.progress_validate_unchanged(
        progress_ids=[p.pk for p in form.cleaned_data["progress"]], acting_user=request.user
    )
    messages.success(request, _("Validati come dichiarati: %(n)s.") % {"n": count})
    return redirect("objectives:validation_queue")


urlpatterns = [
    path("da-fare/", todo, name="todo"),
    path("miei-obiettivi/", my_objectives, name="my_objectives"),
    path("verifica/", review_queue, name="review_queue"),
    path("validazione/", validation_queue, name="validation_queue"),
    path("validazione/conferma/", validate_unchanged, name="validate_unchanged"),
]
