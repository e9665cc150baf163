"""The plan as XLSX in the canonical layout (objectives/plan_import/layout.py), which imports back.

One row per indicator; weights, values and years are numbers, dates are dates, and every target
year has its own columns. The rows come from `plan_to_json`, so the spreadsheet says what the
open-data export says.
"""

import datetime as dt

from objectives.models import Indicator, Target
from objectives.plan_import.layout import layout_columns
from objectives.plan_import.template import write_table
from reporting.exports import plan_to_json

UNIT_ROLES = {"dipartimento": "area", "servizio": "servizio", "ufficio": "ufficio"}


def _date(value: str | None):
    return dt.date.fromisoformat(value) if value else None


def _label(choices, value: str | None) -> str:
    return str(choices(value).label) if value else ""


def objective_rows(objective: dict) -> list[dict]:
    """The rows of one objective of a piao.plan/1 document."""
    first = {
        "code": objective["code"],
        "parent": objective["parent"],
        "kind": objective["kind"],
        "section": objective["section"],
        "dirigente": objective["dirigente"],
        "eq": objective["eq"],
        "assignees": "; ".join(objective["assignees"]),
        "staff": objective["staff"],
        "dup_code": objective["programma"],
        "dup": objective["dup_text"],
        "dup_warning": objective["dup_warning"],
        "title": objective["title"],
        "description": objective["description"],
        "weight": objective["weight"],
        "weight_text": objective["weight_text"],
        "expected_result": objective["expected_result"],
        "deadline": objective["deadline_text"],
        "deadline_date": _date(objective["deadline"]),
        "notes": objective["notes"],
    }
    for unit in objective["org_units"]:
        role = UNIT_ROLES[unit["kind"]]
        if role not in first:
            first[role], first[f"{role}_code"] = unit["name"], unit["code"]
    rows = []
    for index, indicator in enumerate(objective["indicators"] or [None]):
        row = first if index == 0 else {"code": objective["code"]}
        if indicator is not None:
            baseline = indicator["baseline"] or {}
            row |= {
                "indicator": indicator["description"],
                "indicator_kind": _label(Indicator.Kind, indicator["kind"]),
                "indicator_unit": indicator["unit"],
                "indicator_direction": _label(Indicator.Direction, indicator["direction"]),
                "indicator_weight": indicator["weight"],
                "baseline": baseline.get("text"),
                "baseline_value": baseline.get("value"),
                "baseline_year": baseline.get("year"),
            }
            for target in indicator["targets"]:
                year = target["year"]
                row |= {
                    f"target@{year}": target["text"],
                    f"target_comparator@{year}": _label(Target.Comparator, target["comparator"]),
                    f"target_value@{year}": target["value"],
                    f"target_date@{year}": _date(target["date"]),
                    f"target_relative@{year}": target["relative_to_year"],
                }
        rows.append(row)
    return rows


def plan_to_xlsx(plan) -> bytes:
    """The plan as one XLSX sheet in the layout the importer reads back into an equal plan."""
    document = plan_to_json(plan)
    rows = (row for objective in document["objectives"] for row in objective_rows(objective))
    return write_table(layout_columns(plan.years), rows, title=plan.title)
