"""What the preview page shows of a previewed file: one row per objective, and the columns."""

from collections import defaultdict

from django.utils.html import format_html, format_html_join

from objectives.plan_import.columns import role_choices
from objectives.plan_import.spreadsheet import Preview


def _span(lines: list[int]) -> str:
    if not lines:
        return ""
    return str(lines[0]) if len(lines) == 1 else f"{lines[0]}–{lines[-1]}"


def preview_rows(preview: Preview) -> list[dict]:
    """The objectives as the table shows them, each with the errors and warnings of its rows."""
    by_line = defaultdict(list)
    for issue in preview.built.issues:
        if issue.line:
            by_line[issue.line].append(issue)
    rows = []
    for objective, lines in zip(preview.objectives, preview.built.lines, strict=True):
        issues = [issue for line in lines for issue in by_line.get(line, [])]
        errors = [i.message for i in issues if i.level == "error"]
        warnings = [i.message for i in issues if i.level == "warning"]
        people = objective["assignees"] or [
            name for name in (objective["dirigente"], objective["eq"]) if name
        ]
        weight = objective["weight_text"] or "—"
        if objective["weight"] is not None and objective["weight_text"] != str(objective["weight"]):
            weight = f"{weight} → {objective['weight']}"
        elif objective["weight_text"] and objective["weight"] is None:
            weight = f"{weight} (prerequisito)"
        programma = objective["programma"] or "—"
        if objective["dup_warning"]:
            programma = f"{programma} ⚠"
        outcome = "Rifiutato: " + " ".join(errors) if errors else " ".join(warnings) or "✓"
        rows.append(
            {
                "lines": _span(lines),
                "weight_display": weight,
                "programma_display": programma,
                "outcome": outcome,
                "code": objective["code"],
                "title": objective["title"][:200],
                "description": objective["description"],
                "responsible": ", ".join(people) or "—",
                "weight": objective["weight"],
                "weight_text": objective["weight_text"],
                "programma": objective["programma"],
                "dup_text": objective["dup_text"],
                "dup_warning": objective["dup_warning"],
                "units": " › ".join(u["name"] for u in objective["org_units"]) or "—",
                "indicators": _indicators_html(objective["indicators"]),
                "errors": errors,
                "warnings": warnings,
                "status": "error" if errors else ("warning" if warnings else "ok"),
            }
        )
    return rows


def _indicators_html(indicators: list[dict]):
    """Each indicator on a line, with its unit, and its targets by year below it."""
    if not indicators:
        return format_html('<span class="text-muted">{}</span>', "nessun indicatore")
    return format_html_join(
        "",
        '<div class="small mb-1">{}{}{}</div>',
        (
            (
                indicator["description"][:140] or "—",
                format_html(' <span class="text-muted">({})</span>', indicator["unit"])
                if indicator["unit"]
                else "",
                format_html_join(
                    "",
                    '<br><span class="text-muted">{}:</span> {}',
                    ((t["year"], t["text"][:80] or "—") for t in indicator["targets"]),
                ),
            )
            for indicator in indicators
        ),
    )


def column_rows(preview: Preview, years: range) -> list[dict]:
    """The columns of the table's header, how each was read, and the choices to map it."""
    header = preview.header
    if header is None:
        return []
    choices = role_choices(years)
    known = {value for value, _label in choices}
    rows = []
    for index, (label, role) in enumerate(zip(header.labels, header.roles, strict=True)):
        rows.append(
            {
                "index": index,
                "letter": _letter(index),
                "label": label or "—",
                "role": role if role in known else "ignore",
                "manual": index in header.manual,
                "choices": choices,
            }
        )
    return rows


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def mapping_from(params, width: int = 200) -> dict[int, str]:
    """The columns mapped by hand, from the form's col_<n> fields."""
    mapping = {}
    for key, value in params.items():
        if key.startswith("col_") and key[4:].isdigit() and int(key[4:]) < width and value:
            mapping[int(key[4:])] = value[:40]
    return mapping
