"""What the preview page shows of a previewed file: one row per objective, and the columns.

`PreviewPage` is all the page needs, small and plain (JSON): kept next to the upload
(uploads.py), it lets the preview's pages be turned without reading the file again.
"""

import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from django.utils.html import format_html, format_html_join

from objectives.plan_import.columns import role_choices
from objectives.plan_import.spreadsheet import Preview
from objectives.plan_import.values import short


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
        weight = short(objective["weight_text"]) or "—"
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
                "indicators": [
                    {
                        "description": indicator["description"][:140],
                        "unit": indicator["unit"],
                        "targets": [[t["year"], t["text"][:80]] for t in indicator["targets"]],
                    }
                    for indicator in objective["indicators"]
                ],
                "errors": errors,
                "warnings": warnings,
                "status": "error" if errors else ("warning" if warnings else "ok"),
            }
        )
    return rows


def indicators_html(indicators: list[dict]):
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
                    ((year, text or "—") for year, text in indicator["targets"]),
                ),
            )
            for indicator in indicators
        ),
    )


def column_rows(page: "PreviewPage", years: range) -> list[dict]:
    """The columns of the table's header, how each was read, and the choices to map it."""
    header = page.header
    if header is None:
        return []
    choices = role_choices(years)
    known = {value for value, _label in choices}
    rows = []
    for index, (label, role) in enumerate(zip(header["labels"], header["roles"], strict=True)):
        rows.append(
            {
                "index": index,
                "letter": _letter(index),
                "label": label or "—",
                "role": role if role in known else "ignore",
                "manual": index in header["manual"],
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


class MappingError(ValueError):
    """A column mapping no page of ours sends: the message says what is wrong, in Italian."""


COLUMN_KEY_RE = re.compile(r"col_([0-9]{1,3})")


def mapping_from(params, known: set[str], width: int = 200) -> dict[int, str]:
    """The columns mapped by hand, from the form's col_<n> fields; MappingError for a field
    that names no column (col_x, col_99999) or no content we know."""
    mapping = {}
    for key, value in params.items():
        if not key.startswith("col_"):
            continue
        match = COLUMN_KEY_RE.fullmatch(key)
        if match is None or int(match.group(1)) >= width:
            raise MappingError(
                f"La colonna «{key[:40]}» non esiste: le colonne vanno da col_0 a col_{width - 1}."
            )
        if not value:
            continue
        if value not in known:
            raise MappingError(
                f"«{value[:40]}» non è un contenuto che si possa assegnare alla colonna "
                f"{_letter(int(match.group(1)))}."
            )
        mapping[int(match.group(1))] = value
    return mapping


@dataclass
class PreviewPage:
    """What the preview page shows of a file read with a mapping: kept as JSON, no objects."""

    rows: int
    counts: dict[str, int]
    errors: list[str]
    warnings: list[str]
    notes: list[str]
    table: list[dict] = field(default_factory=list)
    header: dict | None = None

    @classmethod
    def of(cls, preview: Preview) -> "PreviewPage":
        header = preview.header
        return cls(
            rows=preview.rows,
            counts=preview.counts,
            errors=[str(issue) for issue in preview.errors],
            warnings=[str(issue) for issue in preview.warnings],
            notes=list(preview.notes),
            table=preview_rows(preview),
            header=None
            if header is None
            else {
                "labels": list(header.labels),
                "roles": list(header.roles),
                "manual": sorted(header.manual),
            },
        )

    def as_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "PreviewPage":
        return cls(**{name: data[name] for name in cls.__dataclass_fields__})

    def table_rows(self) -> list[dict]:
        """The rows for the table, each indicator list as its HTML."""
        return [row | {"indicators": indicators_html(row["indicators"])} for row in self.table]
