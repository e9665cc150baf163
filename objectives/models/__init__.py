"""The plan: DUP taxonomy, objectives, indicators, targets, monitoring periods and progress.

A module per domain (`dup`, `plan`, `objective`, `progress`, `imports`); every model is
importable from here, as Django and the migrations expect."""

from objectives.models.dup import Missione, Programma
from objectives.models.imports import ImportRecord
from objectives.models.objective import Indicator, Objective, Target
from objectives.models.plan import Plan
from objectives.models.progress import (
    Evidence,
    Measurement,
    MonitoringPeriod,
    Progress,
    ProgressEvent,
    evidence_path,
)
from organisation.models import Ente, OrgUnit, Person

__all__ = [
    "Ente",
    "Evidence",
    "ImportRecord",
    "Indicator",
    "Measurement",
    "Missione",
    "MonitoringPeriod",
    "Objective",
    "OrgUnit",
    "Person",
    "Plan",
    "Programma",
    "Progress",
    "ProgressEvent",
    "Target",
    "evidence_path",
]
