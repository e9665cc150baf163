"""Exports of a plan: pure functions from the database to a document."""

import datetime as dt
import json
from decimal import Decimal

from django.db.models import QuerySet

from objectives.models import Objective, OrgUnit, Plan
from objectives.plan_import import SCHEMA, UNIT_KIND_RANK
from objectives.plan_table import plan_columns, plan_rows
from objectives.selectors import plan_objectives
from objectives.weights import GroupKey, WeightGroup, weight_groups, weight_share
from organisation.models import Assignment
from reporting.exports.tabular import Field, rows_to_csv
from reporting.selectors import export_objectives


def _number(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _unit(unit: OrgUnit | None) -> dict | None:
    if unit is None:
        return None
    return {"code": unit.code or None, "name": unit.name, "kind": unit.kind}


def objective_document(
    objective: Objective, groups: dict[GroupKey, WeightGroup], with_progress: bool = False
) -> dict:
    """One objective of a piao.plan/1 document."""
    units = sorted(objective.org_units.all(), key=lambda u: (UNIT_KIND_RANK[u.kind], u.name))
    data = {
        "code": objective.code,
        "title": objective.title,
        "description": objective.description,
        "kind": objective.kind,
        "parent": objective.parent.code if objective.parent else None,
        "programma": objective.programma.code if objective.programma else None,
        "dup_text": objective.dup_text,
        "dup_warning": objective.dup_warning or None,
        "org_units": [_unit(unit) for unit in units],
        "dirigente": objective.dirigente.full_name if objective.dirigente else None,
        "eq": objective.eq.full_name if objective.eq else None,
        "staff": objective.staff,
        "assignees": sorted(person.full_name for person in objective.assignees.all()),
        "weight": _number(objective.weight),
        "weight_text": objective.weight_text,
        "weight_share": _number(weight_share(objective, groups)),
        "section": objective.section,
        "expected_result": objective.expected_result,
        "deadline_text": objective.deadline_text,
        "deadline": _date(objective.deadline),
        "notes": objective.notes,
        "indicators": [
            {
                "description": indicator.description,
                "kind": indicator.kind,
                "unit": indicator.unit,
                "direction": indicator.direction,
                "weight": _number(indicator.weight),
                "baseline": (
                    {
                        "value": _number(indicator.baseline_value),
                        "year": indicator.baseline_year,
                        "text": indicator.baseline_text,
                    }
                    if indicator.baseline_value is not None
                    or indicator.baseline_year
                    or indicator.baseline_text
                    else None
                ),
                "targets": [
                    {
                        "year": target.year,
                        "comparator": target.comparator,
                        "value": _number(target.value),
                        "date": _date(target.date),
                        "relative_to_year": target.relative_to_year,
                        "text": target.text,
                    }
                    for target in indicator.targets.all()
                ],
            }
            for indicator in objective.indicators.all()
        ],
    }
    if with_progress:
        data["progress"] = [
            {
                "period": progress.period.name,
                "responsible": progress.responsible.full_name,
                "status": progress.status,
                "computed": _number(progress.computed_achievement),
                "declared": _number(progress.declared_achievement),
                "validated": _number(progress.validated_achievement),
            }
            for progress in objective.progress.all()
        ]
    return data


def plan_to_json(
    plan: Plan, *, with_progress: bool = False, only: QuerySet[Objective] | None = None
) -> dict:
    """The plan as the open-data JSON of DESIGN (schema piao.plan/1); `only` narrows it to a
    filtered queryset of its objectives (what a filtered page shows)."""
    document, _objectives = plan_document(plan, with_progress=with_progress, only=only)
    return document


def plan_document(
    plan: Plan, *, with_progress: bool = False, only: QuerySet[Objective] | None = None
) -> tuple[dict, list[Objective]]:
    """The piao.plan/1 document and the objectives it was built from, in the same order."""
    objectives = list(export_objectives(plan, with_progress=with_progress, only=only))
    groups = weight_groups([plan.pk])
    assignments = (
        Assignment.objects.filter(ente=plan.ente_id)
        .select_related("person", "unit")
        .order_by("person__full_name", "role", "unit__name")
    )
    document = {
        "schema": SCHEMA,
        "ente": {
            "name": plan.ente.name,
            "slug": plan.ente.slug,
            "istat": plan.ente.istat_code or None,
        },
        "plan": {
            "id": plan.pk,
            "title": plan.title,
            "first_year": plan.first_year,
            "last_year": plan.last_year,
            "status": plan.status,
            "weight_mode": plan.weight_mode,
            "weight_categories": plan.weight_categories,
            "approval_act": (
                {"number": plan.approval_act_number, "date": _date(plan.approval_act_date)}
                if plan.approval_act_number or plan.approval_act_date
                else None
            ),
        },
        "people": [
            {"name": a.person.full_name, "role": a.role, "unit": _unit(a.unit)} for a in assignments
        ],
        "objectives": [
            objective_document(objective, groups, with_progress) for objective in objectives
        ],
    }
    return document, objectives


def plan_to_json_bytes(plan: Plan, *, only: QuerySet[Objective] | None = None) -> bytes:
    document = plan_to_json(plan, only=only)
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def plan_fields(plan: Plan) -> list[Field]:
    return [Field(c.key, c.header, c.kind) for c in plan_columns(plan)]


def plan_to_csv(plan: Plan, objectives: QuerySet[Objective] | None = None) -> bytes:
    """The plan's table (the seeds' columns, one row per objective) as CSV."""
    objectives = plan_objectives(plan) if objectives is None else objectives
    return rows_to_csv(plan_fields(plan), plan_rows(plan, objectives))
