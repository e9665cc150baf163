"""Import a plan: check the whole document, then write it in one transaction.

A file with one bad value changes nothing; `dry_run` checks everything, the database's
constraints included, and keeps nothing.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from objectives.plan_import.document import SCHEMA, UNIT_KIND_RANK, read_plan_document
from objectives.plan_import.errors import PlanImportError
from objectives.plan_import.writer import ImportSummary, write_plan_document

__all__ = [
    "SCHEMA",
    "UNIT_KIND_RANK",
    "ImportSummary",
    "PlanImportError",
    "import_plan_document",
    "read_plan_document",
    "write_checked_document",
]


class _DryRun(Exception):
    pass


def import_plan_document(
    data: Any, *, acting_user=None, dry_run: bool = False, **overrides
) -> ImportSummary:
    """Check and write a piao.plan/1 document; with dry_run nothing stays written."""
    document = read_plan_document(data, **overrides)
    return write_checked_document(document, acting_user=acting_user, dry_run=dry_run)


def write_checked_document(
    document: dict, *, acting_user=None, dry_run: bool = False
) -> ImportSummary:
    """Write a document `read_plan_document` returned, in one transaction.

    The rows are not validated one by one again: the check covered what the models' clean()
    and field validators would say, and the database's constraints remain the safety net.
    """
    summary: ImportSummary | None = None
    try:
        with transaction.atomic():
            summary = write_plan_document(document, acting_user=acting_user)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    except ValidationError as exc:
        raise PlanImportError(exc.messages) from exc
    except IntegrityError as exc:
        raise PlanImportError([f"Il database ha rifiutato i dati: {exc}"]) from exc
    return summary
