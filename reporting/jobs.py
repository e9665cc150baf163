"""Where the export task lived before reporting/exports/: tasks queued then name this path."""

from reporting.exports.jobs import export_job_task

__all__ = ["export_job_task"]
