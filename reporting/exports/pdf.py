"""PDF documents rendered by WeasyPrint from ordinary templates with print CSS.

Django's templates escape every value, so no user text reaches the PDF as markup. WeasyPrint
keeps the whole document in memory: whole plans are rendered by a background job in a process
that exits when done (reporting.exports.jobs); a request renders only small documents.
"""

from collections.abc import Callable
from dataclasses import dataclass
from itertools import groupby
from typing import NoReturn

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from objectives.models import Objective, Plan
from objectives.plan_table import PlanColumn, plan_columns, plan_rows
from objectives.selectors import plan_objectives
from piao.formatting import format_percent
from reporting.exports.tabular import Field

PAPERS = {"A4": "A4 landscape", "A3": "A3 landscape"}


@dataclass
class PdfDocument:
    data: bytes
    pages: int


def _no_fetch(url: str, *args: object, **kwargs: object) -> NoReturn:
    # Our templates load nothing; refusing every fetch keeps the renderer off the network and
    # the file system whatever a document holds.
    raise ValueError(f"Risorsa esterna non ammessa nel PDF: {url[:100]}")


def render_pdf(
    template: str, context: dict, *, progress: Callable[[int], None] | None = None
) -> PdfDocument:
    """A template rendered to a tagged PDF with its fonts embedded (DejaVu, installed)."""
    from weasyprint import HTML

    html = render_to_string(template, context)
    if progress:
        progress(40)
    document = HTML(string=html, url_fetcher=_no_fetch).render(pdf_tags=True)
    if progress:
        progress(80)
    return PdfDocument(data=document.write_pdf(pdf_tags=True), pages=len(document.pages))


def _approval(plan: Plan) -> str:
    if not plan.approval_act_number and not plan.approval_act_date:
        return ""
    text = "Approvato con delibera"
    if plan.approval_act_number:
        text += f" n. {plan.approval_act_number}"
    if plan.approval_act_date:
        text += f" del {plan.approval_act_date:%d/%m/%Y}"
    return text


def cells(row: dict, columns: list[PlanColumn]) -> list[tuple[str, str]]:
    """A row's cells as (text, css class) in the order of `columns`."""
    return [
        (format_percent(row[c.key]), "num") if c.kind == "percent" else (row[c.key] or "", "lines")
        for c in columns
    ]


def plan_groups(rows: list[dict], columns: list[PlanColumn]) -> list[tuple[str, list[list]]]:
    """The rows grouped under a heading per dipartimento/area, in the plan's order of first
    appearance (the seeds list one dipartimento after the other)."""
    order: dict[str, int] = {}
    for row in rows:
        order.setdefault(row["group"], len(order))
    rows = sorted(rows, key=lambda r: order[r["group"]])
    return [
        (name, [cells(row, columns) for row in items])
        for name, items in groupby(rows, key=lambda r: r["group"])
    ]


# Columns every plan table shows; the others are left out when no row has a value in them.
CORE_COLUMNS = {"code", "responsible", "title", "description", "weight", "weight_share"}


def pdf_columns(plan: Plan, rows: list[dict]) -> list[PlanColumn]:
    """The seeds' columns less the area (each group has its heading) and the columns that no
    row fills (a three-year plan often sets only the first year's targets; a small comune has
    no uffici), so that the others get the width."""
    return [
        c
        for c in plan_columns(plan)
        if c.key != "area" and (c.key in CORE_COLUMNS or any(r[c.key] for r in rows))
    ]


def plan_to_pdf(
    plan: Plan,
    objectives: QuerySet[Objective] | None = None,
    *,
    paper: str = "A4",
    filtered: bool = False,
    progress: Callable[[int], None] | None = None,
) -> PdfDocument:
    """The plan's tables as the Giunta approves them: landscape, a heading per dipartimento,
    the header row on every page, ente, title, approval act, page x of y, date of issue."""
    objectives = plan_objectives(plan) if objectives is None else objectives
    rows = plan_rows(plan, objectives)
    columns = pdf_columns(plan, rows)
    total_width = sum(c.width for c in columns)
    context = {
        "plan": plan,
        "paper": PAPERS[paper],
        "columns": [(c, f"{c.width * 100 / total_width:.2f}") for c in columns],
        "groups": plan_groups(rows, columns),
        "approval": _approval(plan),
        "issued": timezone.localdate(),
        "filtered": filtered,
    }
    if progress:
        progress(20)
    return render_pdf("reporting/plan_pdf.html", context, progress=progress)


def list_to_pdf(title: str, fields: list[Field], rows: list[dict]) -> PdfDocument:
    """A filtered list (a few hundred rows at most) in its own columns, landscape A4."""
    context = {
        "title": title,
        "paper": PAPERS["A4"],
        "fields": fields,
        "rows": [
            [
                (format_percent(row[f.key]), "num")
                if f.kind == "percent"
                else (row[f.key] or "", "lines")
                for f in fields
            ]
            for row in rows
        ],
        "issued": timezone.localdate(),
    }
    return render_pdf("reporting/list_pdf.html", context)
