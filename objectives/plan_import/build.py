"""From the records of a table to a piao.plan/1 document, with every row's errors and warnings.

Values are read here: weights (percent, category, "X"), people (cut names completed from the
same file, "DIRIGENTI" and "tutte le EQ" expanded), DUP references, units, targets per year.
"""

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from objectives.models import Indicator, Objective, Plan, Target
from objectives.plan_import.columns import role_base, role_year
from objectives.plan_import.document import SCHEMA
from objectives.plan_import.dupref import COMBINED_RE, DupMatcher
from objectives.plan_import.people import People
from objectives.plan_import.table import Record, Row, Table
from objectives.plan_import.values import (
    clean_text,
    fold,
    guess_direction,
    indicator_kind,
    learn_category_words,
    parse_dates,
    parse_number,
    parse_person,
    parse_single_date,
    parse_target,
    parse_weight,
    years_in,
)

UNIT_RE = re.compile(r"^(\d{1,2}(?:\s*-\s*\d{1,2}){0,2})\s*[-–]?\s*(.*)$")
NOT_A_UNIT = re.compile(r"^(tutt[ie] )?(i |gli |le )?(dipartiment|serviz|uffic)\w*( coinvolti)?$")
UNIT_KINDS = {"area": "dipartimento", "servizio": "servizio", "ufficio": "ufficio"}


@dataclass
class Issue:
    line: int | None
    level: str  # "error" | "warning"
    message: str

    def __str__(self) -> str:
        where = f"Riga {self.line}: " if self.line else ""
        return f"{where}{self.message}"


@dataclass
class Built:
    """The document and, for each objective, the file lines it comes from and its issues."""

    document: dict
    lines: list[list[int]] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    checked: dict | None = None  # the document as read_plan_document returned it, if accepted

    @property
    def errors(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.level == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.level == "warning"]


@lru_cache(maxsize=32)
def _choices(enum) -> dict[str, str]:
    folded = {fold(str(label)): value for value, label in enum.choices}
    return folded | {fold(value): value for value in enum.values}


def _choice(enum, text: str, default: str) -> str | None:
    """The value of a choice written as its value or its Italian label; None if neither."""
    folded = fold(text)
    if not folded:
        return default
    return _choices(enum).get(folded)


def _json_number(value: Decimal | None):
    if value is None:
        return None
    if value and not -30 <= value.adjusted() <= 30:
        # Far outside any field (1e300, 1e-300, thousands of digits): the document's check
        # refuses it as out of range rather than building a huge integer or rounding to 0.
        return math.inf if value > 0 else -math.inf
    return int(value) if value == value.to_integral_value() else float(value)


def _text(row: Row, role: str) -> str:
    return clean_text(row.get(role))


class _Builder:
    def __init__(self, table: Table, plan: dict, matcher: DupMatcher, directory, categories):
        self.table = table
        self.plan = plan
        self.years = range(plan["first_year"], plan["last_year"] + 1)
        self.matcher = matcher
        self.issues: list[Issue] = []
        self.people = People(directory)
        self.categories = {k: Decimal(str(v)) for k, v in (categories or {}).items()}
        weights = [r.first.get("weight_text") or r.first.get("weight") for r in table.records]
        self.category_words = learn_category_words(weights)
        self.has_targets = any(
            role_base(role) == "target" for h in table.headers for role in h.roles if role
        )
        self.kinds_seen: set[str] = set()
        self.coded_dup = {}
        for record in table.records:
            text = clean_text(record.dup.get("dup"))
            if COMBINED_RE.match(text):
                self.coded_dup.setdefault(fold(text), text)

    def error(self, line, message: str) -> None:
        self.issues.append(Issue(line, "error", message))

    def warn(self, line, message: str) -> None:
        self.issues.append(Issue(line, "warning", message))

    # -- the whole document ----------------------------------------------------------------

    def build(self) -> Built:
        records = self.table.records
        for record in records:
            row = record.first
            area, exact = row.get("area"), row.header.exact
            self.people.collect(_dirigente(record), "dirigente", area, exact=exact)
            self.people.collect(row.get("eq"), "eq", area, exact=exact)
            self.people.collect(row.get("assignees"), "assignee", area, exact=exact)
        self.people.settle(lambda line, msg: self.warn(line, msg))
        areas: dict[int, str] = {}
        objectives, lines = [], []
        previous_title = ""
        for record in records:
            objective = self.objective(record, areas, previous_title)
            previous_title = objective["title"] or previous_title
            objectives.append(objective)
            lines.append(sorted(set(record.lines)))
        for line, message in self.table.warnings:
            self.warn(line, message)
        mode, categories = self.weight_mode()
        document = {
            "schema": SCHEMA,
            "ente": {"slug": self.plan["ente_slug"], "name": self.plan.get("ente_name", "")},
            "plan": {
                "title": self.plan["title"],
                "first_year": self.plan["first_year"],
                "last_year": self.plan["last_year"],
                "status": self.plan.get("status") or Plan.Status.BOZZA,
                "weight_mode": mode,
                "weight_categories": categories,
            },
            "objectives": objectives,
            "people": self.people.assignments(),
        }
        return Built(document=document, lines=lines, issues=self.issues)

    def weight_mode(self) -> tuple[str, dict]:
        if self.plan.get("weight_mode"):
            return self.plan["weight_mode"], self.plan.get("weight_categories") or {}
        if "category" in self.kinds_seen:
            categories = {k: _json_number(v) for k, v in sorted(self.categories.items())}
            return Plan.WeightMode.POINTS, categories
        if "percent" in self.kinds_seen or not self.kinds_seen:
            return Plan.WeightMode.PERCENT, {}
        return Plan.WeightMode.POINTS, {}

    # -- one objective ---------------------------------------------------------------------

    def objective(self, record: Record, areas: dict[int, str], previous_title: str) -> dict:
        row, line = record.first, record.first.line
        title, description = _text(row, "title"), _text(row, "description")
        found = row.header.found
        if "title" in found and "description" in found and (title or description):
            pass  # both columns are there: the texts are taken as they are
        elif not title and not description:
            title = previous_title or _text(row, "indicator")
            if title:
                self.warn(line, f"obiettivo senza testo: come titolo è usato «{title[:80]}».")
            else:
                self.error(line, "manca il testo dell'obiettivo (finalità o descrizione).")
        elif not title:
            title = _short_title(description)
        people = self.people.for_row(
            _dirigente(record), row.get("eq"), row.get("assignees"), exact=found_exact(row)
        )
        if people.group and fold(row.get("area")).endswith("dipartimenti"):
            people = self.people.for_row("DIRIGENTI", row.get("eq"), row.get("assignees"))
        if record.dirigente_filled and not people.assignees:
            self.warn(line, f"responsabile non indicato: letto come «{people.dirigente}».")
        kind = _choice(Objective.Kind, _text(row, "kind"), Objective.Kind.OPERATIVO)
        if kind is None:
            self.error(line, f"tipo di obiettivo «{row.get('kind')}» non riconosciuto.")
            kind = Objective.Kind.OPERATIVO
        if people.assignees and not row.get("kind"):
            kind = Objective.Kind.TRASVERSALE
        section = _choice(Objective.Section, _text(row, "section"), Objective.Section.SPECIFICI)
        if row.organizzativa and not row.get("section"):
            section = Objective.Section.ORGANIZZATIVA
        link = self.dup(record)
        deadline_text = _text(row, "deadline")
        objective = {
            "code": record.code,
            "title": title,
            "description": description,
            "kind": kind,
            "section": section or Objective.Section.SPECIFICI,
            "parent": _text(row, "parent") or None,
            "programma": link[0],
            "dup_text": link[1],
            "dup_warning": link[2],
            "org_units": self.units(row, record.block, areas),
            "dirigente": people.dirigente,
            "eq": people.eq,
            "assignees": people.assignees,
            "staff": _text(row, "staff"),
            "expected_result": _text(row, "expected_result"),
            "deadline_text": deadline_text,
            "deadline": (
                self.date(row, "deadline_date", line)
                if "deadline_date" in found
                else _iso(parse_single_date(deadline_text))
            ),
            "notes": _text(row, "notes"),
            "indicators": [],
        }
        objective.update(self.weight(row))
        self.people.note_unit(people.dirigente, objective["org_units"], ("dipartimento",))
        self.people.note_unit(people.eq, objective["org_units"], ("servizio", "dipartimento"))
        for indicator_row in record.indicator_rows:
            indicator = self.indicator(indicator_row, description)
            if indicator:
                objective["indicators"].append(indicator)
        return objective

    def weight(self, row: Row) -> dict:
        written, number = _text(row, "weight_text"), _text(row, "weight")
        if "weight_text" in row.header.found:  # our layout: points, and the text as written
            value = parse_number(number) if number else (None, False)
            if value is None:
                self.error(row.line, f"il peso «{number}» non è un numero.")
                return {"weight": None, "weight_text": written}
            parsed = parse_weight(written, self.categories, self.category_words)
            if parsed.kind == "category" and value[0] is not None:
                self.categories.setdefault(parsed.category, value[0])
            if value[0] is not None:
                self.kinds_seen.add(parsed.kind or "points")
            return {"weight": _json_number(value[0]), "weight_text": written}
        parsed = parse_weight(written or number, self.categories, self.category_words)
        if parsed.error:
            self.error(row.line, parsed.error)
        if parsed.kind == "category" and parsed.category not in self.categories:
            self.categories[parsed.category] = parsed.points
        if parsed.kind:
            self.kinds_seen.add(parsed.kind)
        return {"weight": _json_number(parsed.points), "weight_text": parsed.text}

    def dup(self, record: Record) -> tuple[str | None, str, str]:
        row, dup = record.first, record.dup
        code = _text(row, "dup_code")
        if "dup_code" in row.header.found:  # our layout: the official code, as exported
            link = self.matcher.link(combined=code) if code else None
            if link is not None and link.programma is None:
                self.error(row.line, f"il programma DUP «{code}» non esiste nell'elenco ufficiale.")
            programma = link.programma if link else None
            return programma, _text(row, "dup"), _text(row, "dup_warning")
        if dup.get("dup"):
            written = clean_text(dup["dup"])
            link = self.matcher.link(combined=self.complete_dup(written, row.line))
        else:
            link = self.matcher.link(**{k: clean_text(v) for k, v in dup.items() if k != "dup"})
        if link.warning:
            self.warn(row.line, link.warning)
        return link.programma, link.text, link.warning

    def complete_dup(self, text: str, line: int) -> str:
        """A reference cut by the page ('generale e organizzazione') completed from the one
        reference of the file it is part of."""
        if COMBINED_RE.match(text):
            return text
        folded = fold(text)
        matches = {full for key, full in self.coded_dup.items() if folded and folded in key}
        if len(matches) == 1:
            full = matches.pop()
            self.warn(line, f"riferimento DUP «{text}» incompleto: letto come «{full}».")
            return full
        return text

    def units(self, row: Row, block: int, areas: dict[int, str]) -> list[dict]:
        units = []
        for role, kind in UNIT_KINDS.items():
            text = _text(row, role)
            if role == "area" and not row.header.exact:
                if len([w for w in fold(text).split() if len(w) > 3]) >= 2:
                    areas[block] = text
                text = text if text else areas.get(block, "")
            code = _text(row, f"{role}_code")
            match = UNIT_RE.match(text)
            if match and not code and match.group(2):
                code, text = re.sub(r"\s+", "", match.group(1)), match.group(2)
            if not text or len(text) < 3 or NOT_A_UNIT.match(fold(text)):
                continue
            units.append({"code": code, "name": text, "kind": kind})
        return units

    # -- indicators and targets ------------------------------------------------------------

    def indicator(self, row: Row, objective_text: str) -> dict | None:
        description = _text(row, "indicator")
        baseline = _text(row, "baseline")
        target_roles = sorted(
            (role for role in row.values if role_base(role) == "target" and row.values[role]),
            key=role_year,
        )
        details = [r for r in row.values if role_base(r).startswith("target_") and row.values[r]]
        result = _text(row, "expected_result")
        canonical = any(
            role_base(r) in {"indicator_kind", "indicator_direction"} for r in row.values
        )
        empty = not (description or baseline or target_roles or details or canonical)
        if empty and (not result or self.has_targets):
            return None
        direction = _choice(Indicator.Direction, _text(row, "indicator_direction"), "")
        if direction is None:
            self.error(row.line, f"verso «{row.get('indicator_direction')}» non riconosciuto.")
        texts = [row.values[r] for r in target_roles] or [result]
        direction = direction or guess_direction(description, objective_text, *texts)
        targets = []
        years = sorted({role_year(r) for r in target_roles + details})
        if not years and result and not self.has_targets:
            years = [self.years[0]]
        for year in years:
            target = self.target(row, year, direction, result)
            if target:
                targets.append(target)
        kind = _choice(Indicator.Kind, _text(row, "indicator_kind"), "")
        if kind is None:
            self.error(
                row.line, f"tipo di indicatore «{row.get('indicator_kind')}» non riconosciuto."
            )
        found = row.header.found
        baseline_year = self.number(row, "baseline_year", row.line)
        if "baseline_year" not in found and baseline:
            label_years = [
                y
                for col, role in enumerate(row.header.roles)
                if role == "baseline"
                for y in years_in(row.header.labels[col])
            ]
            baseline_year = label_years[0] if label_years else None
        baseline_value = self.number(row, "baseline_value", row.line)
        if "baseline_value" not in found and baseline:
            match = re.match(r"^\s*(?:n\.?\s*)?(?:nuovo\s*=\s*)?(\d[\d.,]*)", baseline.lower())
            baseline_value = (
                parse_number(match.group(1))[0] if match and parse_number(match.group(1)) else None
            )
        return {
            "description": description,
            "kind": kind or indicator_kind(description, targets),
            "unit": _text(row, "indicator_unit")[:50],
            "direction": direction,
            "weight": _json_number(self.number(row, "indicator_weight", row.line)),
            "baseline": {
                "value": _json_number(baseline_value),
                "year": int(baseline_year) if baseline_year is not None else None,
                "text": baseline,
            },
            "targets": targets,
        }

    def target(self, row: Row, year: int, direction: str, result: str) -> dict | None:
        text = _text(row, f"target@{year}") or (result if not self.has_targets else "")
        if year not in self.years:
            self.error(
                row.line,
                f"il target del {year} è fuori dagli anni del piano "
                f"({self.years[0]}-{self.years[-1]}).",
            )
            return None
        target = parse_target(text, year, direction)
        comparator_text = _text(row, f"target_comparator@{year}")
        if comparator_text:
            comparator = _choice(Target.Comparator, comparator_text, "")
            if comparator is None:
                self.error(
                    row.line, f"confronto «{comparator_text}» del target {year} non riconosciuto."
                )
            target["comparator"] = comparator or target["comparator"]
            target["value"] = self.number(row, f"target_value@{year}", row.line)
            target["date"] = self.date(row, f"target_date@{year}", row.line)
            relative = self.number(row, f"target_relative@{year}", row.line)
            target["relative_to_year"] = int(relative) if relative is not None else None
        if target["relative_to_year"] is not None and target["relative_to_year"] > year:
            target["relative_to_year"] = None
        target["value"] = _json_number(target["value"])
        target["date"] = (
            _iso(target["date"]) if isinstance(target["date"], dt.date) else target["date"]
        )
        return target

    def number(self, row: Row, role: str, line: int) -> Decimal | None:
        text = _text(row, role)
        if not text:
            return None
        parsed = parse_number(text)
        if parsed is None:
            self.error(line, f"«{text}» non è un numero (colonna {role_label_of(row, role)}).")
            return None
        return parsed[0]

    def date(self, row: Row, role: str, line: int) -> str | None:
        text = _text(row, role)
        if not text:
            return None
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            pass
        dates = parse_dates(text)
        if len(dates) != 1:
            self.error(line, f"«{text}» non è una data (colonna {role_label_of(row, role)}).")
            return None
        return dates[0].isoformat()


def found_exact(row: Row) -> bool:
    return row.header.exact


def _dirigente(record: Record) -> str:
    """The row's dirigente when the cell names someone, else the one the block names."""
    cell = parse_person(record.first.get("dirigente"))
    return record.first.get("dirigente") if cell.names or cell.group else record.dirigente_filled


def role_label_of(row: Row, role: str) -> str:
    for col, candidate in enumerate(row.header.roles):
        if candidate == role:
            return f"«{row.header.labels[col]}»"
    return role


def _iso(date) -> str | None:
    return date.isoformat() if date else None


def _short_title(description: str) -> str:
    if len(description) <= 120:
        return description
    for separator in (":", " - ", ". "):
        head = description.split(separator, 1)[0].strip()
        if 5 <= len(head) <= 120:
            return head
    return description[:117].rstrip() + "…"


def build_document(
    table: Table,
    *,
    plan: dict,
    matcher: DupMatcher,
    directory: dict | None = None,
    categories: dict | None = None,
) -> Built:
    """The piao.plan/1 document of the table for `plan` (ente_slug, title, first/last year)."""
    return _Builder(table, plan, matcher, directory or {}, categories).build()
