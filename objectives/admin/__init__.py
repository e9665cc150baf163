"""The objectives app's admin, a module per domain; importing them registers every model.

The admin is a client of the services, never a second door: see each module's docstring.
"""

from objectives.admin import objective, plan, progress
from objectives.admin.objective import IndicatorAdmin, ObjectiveAdmin, TargetAdmin
from objectives.admin.plan import MonitoringPeriodAdmin, PlanAdmin, content_lock_message
from objectives.admin.progress import EvidenceAdmin, ProgressAdmin, ProgressEventAdmin

__all__ = [
    "EvidenceAdmin",
    "IndicatorAdmin",
    "MonitoringPeriodAdmin",
    "ObjectiveAdmin",
    "PlanAdmin",
    "ProgressAdmin",
    "ProgressEventAdmin",
    "TargetAdmin",
    "content_lock_message",
    "objective",
    "plan",
    "progress",
]
