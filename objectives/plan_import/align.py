"""Put each cell of a row under the column it belongs to.

A table extracted from a PDF loses empty cells and gains stray ones, so a row's cells can sit
one or more columns left or right of their header. Each non-empty cell is scored against each
column ("5%" fits Peso, "Luca Batignani" fits Responsabile, a long sentence fits Obiettivo);
the best monotone assignment, which pays a little for every shift and for every cell left out,
wins. A row whose cells already fit their own columns is taken as it is.
"""

import re
from functools import lru_cache

from objectives.plan_import.columns import role_base, role_year
from objectives.plan_import.values import (
    STAFF_WORDS,
    category_words,
    fold,
    looks_like_name,
    parse_dates,
    parse_number,
    parse_person,
    parse_weight,
    relative_years,
)

SHIFT_COST = 0.45
MIN_GAIN = 0.8
DROP_COST = 0.5
MAX_SKIP_CELLS = 3
MAX_SKIP_ROLES = 8
CODE_RE = re.compile(r"^(?:[A-Za-z]{1,4}[-. ]?)?\d{1,4}(?:[.\-/]\d{1,4}){0,4}[a-z]{0,2}\.?$")
DUP_CODE_RE = re.compile(r"^\d{1,2}\s*[-./]\s*\d{1,2}\b")
UNIT_RE = re.compile(r"^\d{1,2}(?:\s*-\s*\d{1,2}){1,2}\b|dipartiment|\barea\b|servizi?o?\b|uffic")
TARGET_WORDS = re.compile(
    r"\b(entro|almeno|minimo|massimo|mantenimento|report\w*|monitoragg\w*|riduzion\w*|"
    r"aumento|maggiore|migliore|minore|pari|tutt[ie]|realizzazion\w*|approvazion\w*)\b|%|[<>=]"
)
HEADCOUNT_WORDS = re.compile(
    r"\b(unita|istruttor[ei]\b|personale|collaborator|operator|dipendent|funzionari|addett)\w*"
)
CATEGORY_HINTS = re.compile(r"rilevant|strategic|operativ|priorit|important|alta|media|bassa")
CATEGORY_WORDS = {"operativo", "strategico", "rilevante"}
NUMERIC_ROLES = {"baseline_value", "baseline_year", "indicator_weight", "target_value"}
NUMERIC_ROLES |= {"target_relative"}
CHOICE_ROLES = {"kind", "section", "indicator_kind", "indicator_direction", "target_comparator"}


@lru_cache(maxsize=20000)
def fit(role: str | None, text: str) -> float:
    """How well a non-empty cell fits a column, from about -1 (surely not) to 1.2 (surely)."""
    base = role_base(role)
    if not base or base == "ignore":
        return 0.0
    folded = fold(text)
    number = parse_number(text)
    length = len(text)
    if base == "code":
        stripped = text.strip()
        return (1.0 if stripped not in {"0", "0."} else -0.5) if CODE_RE.match(stripped) else -1.0
    if base in {"missione_code", "programma_code"}:
        return 0.9 if re.fullmatch(r"0?[1-9]\d?", text.strip()) else -1.0
    if base == "weight":
        return _weight_fit(text)
    if base in {"dirigente", "eq", "assignees"}:
        return _person_fit(text, folded)
    if base in NUMERIC_ROLES:
        return 0.8 if number is not None else -0.8
    if base in {"deadline_date", "target_date"}:
        return 0.8 if parse_dates(text) or re.match(r"^\d{4}-\d\d-\d\d$", text) else -0.8
    if base in CHOICE_ROLES:
        return 0.8 if len(text) < 40 else -0.8
    if base == "dup_code":
        return 1.0 if DUP_CODE_RE.match(text) else -0.8
    if number is not None and base not in {"baseline", "target", "expected_result", "achievement"}:
        return -0.8
    if base in {"missione", "programma"}:
        return 0.4 if length < 150 else -0.5
    if base == "dup":
        return 1.2 if DUP_CODE_RE.match(text) else (0.1 if length < 120 else -0.4)
    if base == "staff":
        return 1.0 if STAFF_WORDS.search(folded) else (0.0 if length < 100 else -0.3)
    if base in {"area", "servizio", "ufficio"}:
        return 0.9 if UNIT_RE.search(folded) else (0.1 if length < 120 else -0.3)
    if base == "target":
        return _target_fit(text, folded, role_year(role))
    if base == "expected_result":
        return 0.6 if number is not None or TARGET_WORDS.search(f"{folded} {text}") else 0.3
    if base == "baseline":
        return 0.6 if number is not None else (0.4 if length < 80 else 0.0)
    if base == "deadline":
        return 0.9 if parse_dates(text) else (0.5 if "entro" in folded else 0.1)
    if base == "achievement":
        return 0.2 if number is not None else -0.3
    if base in {"title", "description", "indicator", "notes"}:
        if length <= 3 or _weight_fit(text) >= 0.8 or DUP_CODE_RE.match(text):
            return -0.6
        if looks_like_name(text) and length < 30:
            return -0.3
        return 0.5 if length >= 25 else 0.2
    return 0.1


def _weight_fit(text: str) -> float:
    weight = parse_weight(text, {}, {})
    if weight.kind == "percent":
        return 1.2 if weight.points is not None and weight.points <= 100 else -0.5
    if weight.kind == "prerequisite":
        return 1.0
    if weight.kind == "category":
        return 1.2 if CATEGORY_HINTS.search(fold(text)) and len(text) < 40 else -0.3
    if weight.kind == "points":
        return 0.3 if weight.points is not None and weight.points <= 100 else -0.5
    if category_words(text) & CATEGORY_WORDS and len(text) < 30:
        return 0.8
    return -1.0


def _person_fit(text: str, folded: str) -> float:
    person = parse_person(text)
    if person.group:
        return 1.0
    if folded in {"n p", "np", "n a"} or text.strip() in {"·", "-", "l '"}:
        return 0.6
    if STAFF_WORDS.search(folded) or re.search(r"\d", text):
        return -0.8
    if person.names and looks_like_name(text.split(":")[-1]):
        return 1.0 if len(text.split()) >= 2 else 0.5
    return -0.8


def _target_fit(text: str, folded: str, year: int | None) -> float:
    if HEADCOUNT_WORDS.search(folded) and not TARGET_WORDS.search(f"{folded} {text}"):
        return -0.8
    if looks_like_name(text) and len(text.split()) >= 2 and text[:1].isupper():
        return -0.6
    if year is not None and any(y >= year for y in relative_years(text)):
        return -0.8
    if parse_number(text) is not None:
        return 0.8
    if TARGET_WORDS.search(f"{folded} {text}"):
        return 0.6
    return 0.3 if len(text) < 60 else 0.0


SPARE_COLUMNS = 3  # cells past the header's last column are not data lost, only unlabelled


def score(placed: dict[int, int], cells: list[str], roles: list[str | None]) -> float:
    """The score of placing cell k under column placed[k], as the alignment counts it."""
    total, previous = 0.0, 0
    for k, text in enumerate(cells):
        if not text:
            continue
        if k not in placed:
            total -= DROP_COST
            continue
        j = placed[k]
        role = roles[j] if j < len(roles) else None
        total += fit(role, text) - SHIFT_COST * abs((j - k) - previous)
        previous = j - k
    return total


def align(cells: list[str], roles: list[str | None]) -> dict[int, int]:
    """The column (index into roles) of each non-empty cell, by the cell's index."""
    filled = [(k, text) for k, text in enumerate(cells) if text]
    positional = {k: k for k, _text in filled if k < len(roles)}
    if not filled:
        return positional
    best = _best_alignment(filled, [*roles, *[None] * SPARE_COLUMNS])
    by_cell = {k: j for j, k in best.items() if j < len(roles)}
    # Moving cells must pay off clearly: one value that does not fit its column is an error to
    # report, not a reason to shift the row.
    if score(by_cell, cells, roles) - score(positional, cells, roles) < MIN_GAIN:
        return positional
    return by_cell


def consensus(rows: list[tuple[list[str], dict[int, int]]], roles) -> dict[int, int]:
    """Of the placements found for rows laid out alike, the one that fits them all best."""
    candidates = {tuple(sorted(placement.items())) for _cells, placement in rows}
    return dict(
        max(candidates, key=lambda c: sum(score(dict(c), cells, roles) for cells, _p in rows))
    )


def _best_alignment(filled: list[tuple[int, str]], roles: list[str | None]) -> dict[int, int]:
    """The best placement: column index -> index of the cell placed there."""
    n, m = len(filled), len(roles)
    fits = [[fit(roles[j], text) for j in range(m)] for _k, text in filled]
    neg = float("-inf")
    best = [[neg] * m for _ in range(n)]
    back: list[list[tuple[int, int] | None]] = [[None] * m for _ in range(n)]
    for i, (k, _text) in enumerate(filled):
        for j in range(m):
            shift = j - k
            start = -DROP_COST * i - SHIFT_COST * abs(shift) + fits[i][j]
            if i <= MAX_SKIP_CELLS and start > best[i][j]:
                best[i][j], back[i][j] = start, None
            for i2 in range(max(0, i - MAX_SKIP_CELLS - 1), i):
                k2 = filled[i2][0]
                drops = DROP_COST * (i - i2 - 1)
                for j2 in range(max(0, j - MAX_SKIP_ROLES - 1), j):
                    if best[i2][j2] == neg:
                        continue
                    score = best[i2][j2] - drops - SHIFT_COST * abs(shift - (j2 - k2)) + fits[i][j]
                    if score > best[i][j]:
                        best[i][j], back[i][j] = score, (i2, j2)
    final, end = -DROP_COST * n, None
    for i in range(n):
        for j in range(m):
            if best[i][j] == neg:
                continue
            score = best[i][j] - DROP_COST * (n - 1 - i)
            if score > final:
                final, end = score, (i, j)
    placed: dict[int, int] = {}
    while end is not None:
        i, j = end
        placed[j] = filled[i][0]
        end = back[i][j]
    return placed
