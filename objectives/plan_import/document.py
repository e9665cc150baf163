"""Read and check a plan document (schema piao.plan/1) before anything is written.

Every problem is collected with where it is, in Italian; nothing stops at the first one.
"""

import datetime as dt
import math
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import DecimalValidator
from django.utils.text import slugify

from objectives.models import Indicator, Objective, Plan, Programma, Target
from objectives.plan_import.errors import PlanImportError
from organisation.models import Assignment, OrgUnit

SCHEMA = "piao.plan/1"
UNIT_KIND_RANK = {kind: rank for rank, kind in enumerate(OrgUnit.Kind.values)}


@lru_cache(maxsize=16)
def _allowed(choices) -> frozenset[str]:
    return frozenset(choices.values)


@lru_cache(maxsize=16)
def _decimal_validator(max_digits: int, places: int) -> DecimalValidator:
    return DecimalValidator(max_digits, places)


@lru_cache(maxsize=64)
def _short(text: str, length: int = 40) -> str:
    """An echoed value cut to a readable length."""
    return text if len(text) <= length else text[: length - 1] + "…"


def _limits(model, name: str) -> tuple[str, int | None, int | None, int | None]:
    """The field's label, max_length, max_digits and decimal_places: what the database would
    refuse, checked here so that the writer need not validate every row again."""
    field = model._meta.get_field(name)
    return (
        str(field.verbose_name),
        getattr(field, "max_length", None),
        getattr(field, "max_digits", None),
        getattr(field, "decimal_places", None),
    )


class _Checker:
    """Reads typed values out of the parsed JSON, collecting errors instead of stopping."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def fail(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")

    def text(self, obj: dict, key: str, where: str, *, required: bool = False, field=None) -> str:
        """`field` is (model, name) when the column has a maximum length."""
        value = obj.get(key)
        if value is None:
            if required:
                self.fail(where, f"manca «{key}».")
            return ""
        if not isinstance(value, str):
            self.fail(where, f"«{key}» deve essere un testo.")
            return ""
        value = value.strip()
        if required and not value:
            self.fail(where, f"«{key}» è vuoto.")
        if field is not None:
            label, max_length = _limits(*field)[:2]
            if max_length and len(value) > max_length:
                self.fail(
                    where,
                    f"«{key}» ({label}) è troppo lungo: {len(value)} caratteri, "
                    f"il massimo è {max_length}.",
                )
                return value[:max_length]
        return value

    def number(
        self, obj: dict, key: str, where: str, *, minimum: Decimal | None = None, field=None
    ):
        value = obj.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(where, f"«{key}» deve essere un numero, non {_short(repr(value))}.")
            return None
        if (isinstance(value, int) and value.bit_length() > 128) or (
            isinstance(value, float) and not math.isfinite(value)
        ):
            # 1e300 read as infinity, a 5,000-digit number: no field holds them
            self.fail(where, f"«{key}» è fuori misura: troppo grande o troppo piccolo.")
            return None
        try:
            number = Decimal(str(value))
        except (InvalidOperation, ValueError):
            self.fail(where, f"«{key}» non è un numero valido.")
            return None
        if minimum is not None and number < minimum:
            self.fail(where, f"«{key}» non può essere minore di {minimum}.")
            return None
        if field is not None:
            label, _length, max_digits, places = _limits(*field)
            if not self._fits(number, max_digits, places):
                self.fail(
                    where,
                    f"«{key}» ({label}) vale {_short(repr(value))}: al massimo "
                    f"{max_digits - places} cifre "
                    f"prima della virgola e {places} dopo.",
                )
                return None
        return number

    @staticmethod
    def _fits(number: Decimal, max_digits: int | None, places: int | None) -> bool:
        if max_digits is None:
            return number.is_finite()
        try:
            _decimal_validator(max_digits, places)(number)
        except ValidationError:
            return False
        return True

    def year(self, obj: dict, key: str, where: str, *, required: bool = False) -> int | None:
        value = obj.get(key)
        if value is None:
            if required:
                self.fail(where, f"manca «{key}».")
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2200:
            self.fail(where, f"«{key}» deve essere un anno (per esempio 2024), non {value!r}.")
            return None
        return value

    def date(self, obj: dict, key: str, where: str) -> dt.date | None:
        value = obj.get(key)
        if value is None:
            return None
        try:
            return dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            self.fail(where, f"«{key}» deve essere una data AAAA-MM-GG, non {value!r}.")
            return None

    def choice(self, obj: dict, key: str, where: str, choices, default: str) -> str:
        value = obj.get(key)
        if value is None:
            return default
        if not isinstance(value, str) or value not in _allowed(choices):
            allowed = ", ".join(choices.values)
            self.fail(where, f"«{key}» vale {value!r}: ammessi {allowed}.")
            return default
        return value

    def items(self, obj: dict, key: str, where: str) -> list:
        value = obj.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(where, f"«{key}» deve essere un elenco.")
            return []
        return value


def _read_indicator(c: _Checker, raw: Any, where: str, plan_years: range) -> dict | None:
    if not isinstance(raw, dict):
        c.fail(where, "deve essere un oggetto.")
        return None
    baseline = raw.get("baseline") or {}
    if not isinstance(baseline, dict):
        c.fail(where, "«baseline» deve essere un oggetto.")
        baseline = {}
    indicator = {
        "description": c.text(raw, "description", where),
        "kind": c.choice(raw, "kind", where, Indicator.Kind, Indicator.Kind.NUMBER),
        "unit": c.text(raw, "unit", where, field=(Indicator, "unit")),
        "direction": c.choice(
            raw, "direction", where, Indicator.Direction, Indicator.Direction.INCREASE
        ),
        "weight": c.number(raw, "weight", where, minimum=Decimal(0), field=(Indicator, "weight")),
        "baseline_value": c.number(
            baseline, "value", f"{where}, baseline", field=(Indicator, "baseline_value")
        ),
        "baseline_year": c.year(baseline, "year", f"{where}, baseline"),
        "baseline_text": c.text(baseline, "text", f"{where}, baseline"),
        "targets": [],
    }
    years_seen: set[int] = set()
    for t_index, t_raw in enumerate(c.items(raw, "targets", where), start=1):
        t_where = f"{where}, target {t_index}"
        if not isinstance(t_raw, dict):
            c.fail(t_where, "deve essere un oggetto.")
            continue
        year = c.year(t_raw, "year", t_where, required=True)
        if year is not None and year not in plan_years:
            c.fail(
                t_where,
                f"l'anno {year} è fuori dal piano ({plan_years[0]}-{plan_years[-1]}).",
            )
        years_seen.add(year)
        target = {
            "year": year,
            "comparator": c.choice(
                t_raw, "comparator", t_where, Target.Comparator, Target.Comparator.EQ
            ),
            "value": c.number(t_raw, "value", t_where, field=(Target, "value")),
            "date": c.date(t_raw, "date", t_where),
            "relative_to_year": c.year(t_raw, "relative_to_year", t_where),
            "text": c.text(t_raw, "text", t_where),
        }
        # What Target.clean() and its constraint would refuse, said here with the row.
        relative = target["relative_to_year"]
        if relative is not None and year is not None and relative > year:
            c.fail(t_where, "l'anno di riferimento non può seguire l'anno del target.")
        if target["comparator"] == Target.Comparator.BY_DATE and not (
            target["date"] or target["text"]
        ):
            c.fail(t_where, "un target a scadenza richiede la data o il testo.")
        indicator["targets"].append(target)
    return indicator


def _read_objective(
    c: _Checker, raw: Any, where: str, plan_years: range, programmi: dict[str, Programma]
) -> dict | None:
    if not isinstance(raw, dict):
        c.fail(where, "deve essere un oggetto.")
        return None
    code = c.text(raw, "code", where, required=True, field=(Objective, "code"))
    where = f"{where} (codice {code})" if code else where
    programma_code = raw.get("programma")
    programma = None
    if programma_code is not None:
        programma = programmi.get(programma_code) if isinstance(programma_code, str) else None
        if programma is None:
            c.fail(where, f"il programma DUP {programma_code!r} non esiste nell'elenco ufficiale.")
    units = []
    for u_index, u_raw in enumerate(c.items(raw, "org_units", where), start=1):
        u_where = f"{where}, unità {u_index}"
        if not isinstance(u_raw, dict):
            c.fail(u_where, "deve essere un oggetto.")
            continue
        units.append(
            {
                "code": c.text(u_raw, "code", u_where),
                "name": c.text(u_raw, "name", u_where, required=True),
                "kind": c.choice(u_raw, "kind", u_where, OrgUnit.Kind, OrgUnit.Kind.UFFICIO),
            }
        )
    units.sort(key=lambda unit: UNIT_KIND_RANK[unit["kind"]])
    assignees = []
    for name in c.items(raw, "assignees", where):
        if isinstance(name, str) and name.strip():
            assignees.append(name.strip())
        else:
            c.fail(where, "ogni assegnatario deve essere un nome.")
    objective = {
        "code": code,
        "title": c.text(raw, "title", where),
        "description": c.text(raw, "description", where),
        "kind": c.choice(raw, "kind", where, Objective.Kind, Objective.Kind.OPERATIVO),
        "section": c.choice(raw, "section", where, Objective.Section, Objective.Section.SPECIFICI),
        "parent": c.text(raw, "parent", where) or None,
        "programma": programma,
        "dup_text": c.text(raw, "dup_text", where),
        "dup_warning": c.text(raw, "dup_warning", where),
        "org_units": units,
        "dirigente": c.text(raw, "dirigente", where) or None,
        "eq": c.text(raw, "eq", where) or None,
        "assignees": assignees,
        "staff": c.text(raw, "staff", where),
        "weight": c.number(raw, "weight", where, minimum=Decimal(0), field=(Objective, "weight")),
        "weight_text": c.text(raw, "weight_text", where, field=(Objective, "weight_text")),
        "expected_result": c.text(raw, "expected_result", where),
        "deadline_text": c.text(raw, "deadline_text", where, field=(Objective, "deadline_text")),
        "deadline": c.date(raw, "deadline", where),
        "notes": c.text(raw, "notes", where),
        "indicators": [],
    }
    if not objective["title"] and not objective["description"]:
        c.fail(where, "servono il titolo o la descrizione.")
    for i_index, i_raw in enumerate(c.items(raw, "indicators", where), start=1):
        indicator = _read_indicator(c, i_raw, f"{where}, indicatore {i_index}", plan_years)
        if indicator:
            objective["indicators"].append(indicator)
    return objective


def read_plan_document(
    data: Any,
    *,
    ente_slug: str | None = None,
    plan_title: str | None = None,
    first_year: int | None = None,
    last_year: int | None = None,
) -> dict:
    """Check a parsed piao.plan/1 document and return it cleaned; PlanImportError if not."""
    c = _Checker()
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise PlanImportError([f"Il file non è un piano nel formato {SCHEMA}."])
    ente_raw = data.get("ente") if isinstance(data.get("ente"), dict) else {}
    plan_raw = data.get("plan") if isinstance(data.get("plan"), dict) else {}
    ente = {
        "slug": ente_slug or c.text(ente_raw, "slug", "ente", required=True),
        "name": c.text(ente_raw, "name", "ente"),
        "istat": c.text(ente_raw, "istat", "ente"),
    }
    if ente["slug"] and slugify(ente["slug"]) != ente["slug"]:
        c.fail("ente", f"la sigla {ente['slug']!r} può contenere solo lettere, cifre e trattini.")
    first = first_year or c.year(plan_raw, "first_year", "piano", required=True)
    last = last_year or c.year(plan_raw, "last_year", "piano") or first
    plan = {
        "title": plan_title or c.text(plan_raw, "title", "piano", required=True),
        "first_year": first,
        "last_year": last,
        "status": c.choice(plan_raw, "status", "piano", Plan.Status, Plan.Status.BOZZA),
        "weight_mode": c.choice(
            plan_raw, "weight_mode", "piano", Plan.WeightMode, Plan.WeightMode.PERCENT
        ),
        "weight_categories": plan_raw.get("weight_categories") or {},
    }
    if first and last and not 0 <= last - first <= 9:
        c.fail("piano", f"gli anni {first}-{last} non formano un piano valido.")
        last = first
    if c.errors:
        raise PlanImportError(c.errors)
    plan_years = range(first, last + 1)

    programmi = {p.code: p for p in Programma.objects.all()}
    objectives = []
    codes: set[str] = set()
    for index, raw in enumerate(c.items(data, "objectives", "file"), start=1):
        objective = _read_objective(c, raw, f"Obiettivo {index}", plan_years, programmi)
        if objective is None:
            continue
        if objective["code"] in codes:
            c.fail(f"Obiettivo {index}", f"il codice {objective['code']!r} è ripetuto.")
        codes.add(objective["code"])
        objectives.append(objective)
    for objective in objectives:
        if objective["parent"] and objective["parent"] not in codes:
            c.fail(
                f"Obiettivo {objective['code']}",
                f"l'obiettivo di riferimento {objective['parent']!r} non è nel file.",
            )
    people = []
    for index, raw in enumerate(c.items(data, "people", "file"), start=1):
        where = f"Persona {index}"
        if not isinstance(raw, dict):
            c.fail(where, "deve essere un oggetto.")
            continue
        unit = raw.get("unit")
        people.append(
            {
                "name": c.text(raw, "name", where, required=True),
                "role": c.choice(raw, "role", where, Assignment.Role, Assignment.Role.STAFF),
                "unit": (
                    {
                        "code": c.text(unit, "code", where),
                        "name": c.text(unit, "name", where, required=True),
                        "kind": c.choice(unit, "kind", where, OrgUnit.Kind, OrgUnit.Kind.UFFICIO),
                    }
                    if isinstance(unit, dict)
                    else None
                ),
            }
        )
    if c.errors:
        raise PlanImportError(c.errors)
    return {"ente": ente, "plan": plan, "objectives": objectives, "people": people}
