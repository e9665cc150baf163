"""The named lists of the cycle (Da fare, I miei obiettivi, the review and validation queues):
which rows each shows to whom, in which table, under which title. Their pages
(objectives.views.lists) and their downloads (reporting.views.exports) both read them here."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from objectives import permissions, selectors
from objectives.tables import ProgressTable, TodoTable, ValidationQueueTable


def list_source(name: str, user: AbstractBaseUser) -> tuple:
    """(queryset, table class, title) of a list by name, as its page shows it, for its
    downloads; PermissionDenied for a role that may not see it, KeyError for no such list."""
    if name == "review_queue" and not permissions.can_review_queue(user):
        raise PermissionDenied
    if name == "validation_queue" and not permissions.can_validation_queue(user):
        raise PermissionDenied
    selector, table_class, title = {
        "todo": (selectors.todo_for_user, TodoTable, _("Da fare")),
        "my_objectives": (selectors.my_objectives, ProgressTable, _("I miei obiettivi")),
        "review_queue": (selectors.review_queue, ProgressTable, _("Avanzamenti da verificare")),
        "validation_queue": (
            selectors.validation_queue,
            ValidationQueueTable,
            _("Avanzamenti da validare"),
        ),
    }[name]
    return selector(user), table_class, title
