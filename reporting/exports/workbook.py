"""The plan as XLSX in the canonical layout (objectives/plan_layout.py), which imports back.

One row per indicator; weights, values and years are numbers, dates are dates, and every target
year has its own columns. The rows come from `plan_to_json`, so the spreadsheet says what the
open-data export says.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from objectives.models import Indicator, Objective, Plan, Target
from objectives.plan_import.template import _cell, sheet_columns, write_table
from objectives.plan_layout import Column, layout_columns
from objectives.weights import GroupKey, WeightGroup
from piao.spreadsheet import (
    PERCENT_FORMAT,
    TableSheet,
    header_cells,
    neutralise,
    new_workbook,
    sheet_title,
    workbook_bytes,
)
from reporting.exports.plan import plan_to_json

if TYPE_CHECKING:
    from openpyxl import Workbook

UNIT_ROLES = {"dipartimento": "area", "servizio": "servizio", "ufficio": "ufficio"}


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@functools.cache
def _label(choices: type[models.TextChoices], value: str | None) -> str:
    # Cached: a translated label costs a lookup, and a large plan repeats a handful of them.
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


def plan_to_xlsx(plan: Plan) -> bytes:
    """The plan as one XLSX sheet in the layout the importer reads back into an equal plan."""
    document = plan_to_json(plan)
    rows = (row for objective in document["objectives"] for row in objective_rows(objective))
    return write_table(layout_columns(plan.years), rows, title=plan.title)


# -- The plan's workbook: the whole plan (importable), a summary, one sheet per dipartimento --

SHARE_HEADER = "Quota sul totale (%)"  # not "peso": the importer would read it as the weight
WRAP_ROLES = {
    "title",
    "description",
    "indicator",
    "indicators",
    "baseline",
    "expected_result",
    "dup",
    "notes",
    "staff",
    "servizio",
    "ufficio",
}


def _sheet_title(name: str, taken: set[str]) -> str:
    base = sheet_title(name)[:28]
    title, n = base, 2
    while title.lower() in taken:
        title, n = f"{base[:25]} ({n})", n + 1
    taken.add(title.lower())
    return title


class _TableSheet(TableSheet):
    """A sheet of layout columns (objectives.plan_layout), each row a dict keyed by role:
    percentages as numbers, long texts wrapped."""

    def __init__(
        self,
        workbook: Workbook,
        title: str,
        columns: list[Column],
        *,
        percent: set[str],
        comments: bool = False,
    ) -> None:
        self.roles = columns
        super().__init__(
            workbook,
            title,
            sheet_columns(
                columns,
                comments=comments,
                kind=lambda c: "percent" if c.role in percent else "text",
                wrap=lambda c: c.role in WRAP_ROLES,
            ),
            freeze="B2",
        )

    def append(self, row: dict) -> None:
        super().append([_cell(row.get(c.role), c) for c in self.roles])


def _summary_sheet(
    workbook: Workbook,
    plan: Plan,
    groups_rows: list[tuple[str, str, int, int]],
    weight_groups_: dict[GroupKey, WeightGroup],
) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    sheet = workbook.create_sheet("Riepilogo", 1)
    for letter, width in zip("ABCDEF", (40, 34, 12, 12, 14, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    bold = Font(bold=True)
    title = WriteOnlyCell(sheet, value=neutralise(f"{plan.ente.name} · {plan.title}"))
    title.font = bold
    sheet.append([title])
    act = ""
    if plan.approval_act_number or plan.approval_act_date:
        act = "Delibera n. " + (plan.approval_act_number or "")
        if plan.approval_act_date:
            act += f" del {plan.approval_act_date:%d/%m/%Y}"
    sheet.append([f"Anni {plan.first_year}-{plan.last_year} · stato: {plan.get_status_display()}"])
    if act:
        sheet.append([neutralise(act)])
    sheet.append([f"Emesso il {timezone.localdate():%d/%m/%Y}"])
    sheet.append([])
    sheet.append(header_cells(sheet, ["Dipartimento / Area", "Foglio", "Obiettivi", "Indicatori"]))
    for name, title, n_objectives, n_indicators in groups_rows:
        sheet.append([neutralise(name), title, n_objectives, n_indicators])
    sheet.append([])
    labels = ["Responsabile", "Sezione", "Obiettivi", "Prerequisiti", "Somma dei pesi", "Esito"]
    sheet.append(header_cells(sheet, labels))
    for group in sorted(weight_groups_.values(), key=lambda g: (g.person_name, g.key.section)):
        total = WriteOnlyCell(sheet, value=float(group.total) / 100)
        total.number_format = PERCENT_FORMAT
        if not plan.weights_must_total_100:
            total = float(group.total)
        sheet.append(
            [
                neutralise(group.person_name),
                group.section_label,
                group.objectives,
                group.prerequisites,
                total,
                "ok" if group.is_balanced else "da verificare: non somma 100%",
            ]
        )


def plan_workbook(plan: Plan, *, only: QuerySet[Objective] | None = None) -> bytes:
    """The plan's workbook: sheet 1 the whole plan (or the filtered rows) in the importer's
    layout, so the file imports back; then a summary; then one sheet per dipartimento/area in
    the seeds' columns of the PDF (objectives.plan_table), one row per objective.

    Weights of a plan in percentages and every share are numbers formatted as percent; targets
    have their own columns per year; every text cell is neutralised against formulas. The
    objectives are read in chunks and each written at once, so memory stays flat with size.
    """
    from objectives.plan_table import dipartimento_of, objective_row, plan_columns
    from objectives.rules import Posts
    from objectives.weights import weight_groups
    from reporting.exports.plan import objective_document
    from reporting.selectors import export_objectives

    groups = weight_groups([plan.pk])
    posts = Posts(plan.ente_id)  # read only if an objective names no unit
    percent = {"weight_share"} | ({"weight"} if plan.weights_must_total_100 else set())
    workbook = new_workbook()
    # The first sheet has exactly the importer's columns: an unknown header would make it read
    # the sheet as a foreign table.
    piano = _TableSheet(workbook, "Piano", layout_columns(plan.years), percent=percent)
    columns = []
    for column in plan_columns(plan):
        number = column.kind != "text" or column.key == "weight"
        columns.append(Column(column.key, column.header, number, column.width + 4))
        if column.key == "weight":
            columns.append(Column("weight_text", "Peso come scritto", width=14))
    sheets: dict[str, _TableSheet] = {}
    counts: dict[str, list[int]] = {}
    taken = {"piano", "riepilogo"}
    for objective in export_objectives(plan, only=only).iterator(chunk_size=500):
        data = objective_document(objective, groups)
        for row in objective_rows(data):
            piano.append(row)
        name = dipartimento_of(objective, posts)
        if name not in sheets:
            sheets[name] = _TableSheet(
                workbook, _sheet_title(name, taken), columns, percent=percent
            )
            counts[name] = [0, 0]
        row = objective_row(objective, plan, groups, posts)
        row |= {"weight": objective.weight, "weight_text": objective.weight_text}
        sheets[name].append(row)
        counts[name][0] += 1
        counts[name][1] += len(data["indicators"])
    summary = [(name, sheet.sheet.title, *counts[name]) for name, sheet in sheets.items()]
    _summary_sheet(workbook, plan, summary, groups)
    return workbook_bytes(workbook)
