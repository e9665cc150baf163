"""Writes of the monitoring cycle: every save and transition of a progress report goes here.

Each function checks the rule (objectives.permissions), runs in one transaction on a locked
row, bumps the version (optimistic locking: a stale version is a ConflictError that says what
changed meanwhile), writes an audit event, and queues the emails to go after the commit.

A module per domain: `progress` (the report's transitions), `evidence`, `periods`,
`plan_lifecycle`; `common` holds the errors and the audit event they share. Every service is
importable from here.
"""

from objectives.services.common import ConflictError, WorkflowError, changes_since
from objectives.services.evidence import evidence_add, evidence_remove
from objectives.services.periods import (
    period_close,
    period_create,
    period_open,
    progress_rows_ensure,
    rules_in_force,
)
from objectives.services.plan_lifecycle import (
    plan_approve,
    plan_close,
    plan_scoring_rules_update,
    plan_year_freeze,
)
from objectives.services.progress import (
    DraftValues,
    progress_acknowledge,
    progress_exclude,
    progress_reopen,
    progress_return,
    progress_save,
    progress_start,
    progress_submit,
    progress_validate,
    progress_validate_unchanged,
    progress_verify,
)

__all__ = [
    "ConflictError",
    "DraftValues",
    "WorkflowError",
    "changes_since",
    "evidence_add",
    "evidence_remove",
    "period_close",
    "period_create",
    "period_open",
    "plan_approve",
    "plan_close",
    "plan_scoring_rules_update",
    "plan_year_freeze",
    "progress_acknowledge",
    "progress_exclude",
    "progress_reopen",
    "progress_return",
    "progress_rows_ensure",
    "progress_save",
    "progress_start",
    "progress_submit",
    "progress_validate",
    "progress_validate_unchanged",
    "progress_verify",
    "rules_in_force",
]
