"""Which column holds what: header labels in their real variants, and header rows in a table.

A role is a string: "weight", "dirigente", or "target@2024" for the roles that belong to a year.
Labels are compared folded (no case, accents or punctuation), so "PESO OBIETTIVO", "Peso (%)"
and "peso" are the same column.
"""

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from objectives.plan_import.values import clean_text, fold, years_in
from objectives.plan_layout import LAYOUT

ROLE_LABELS = {
    "code": "Codice / N° obiettivo",
    "area": "Dipartimento / Area",
    "area_code": "Codice dipartimento",
    "servizio": "Servizio",
    "servizio_code": "Codice servizio",
    "ufficio": "Ufficio",
    "ufficio_code": "Codice ufficio",
    "dirigente": "Dirigente / Responsabile",
    "eq": "EQ",
    "assignees": "Assegnatari (obiettivi trasversali)",
    "dup": "Riferimento DUP (missione/programma)",
    "dup_code": "Programma DUP (codice)",
    "dup_warning": "Avviso sul riferimento DUP",
    "missione_code": "Missione (n°)",
    "missione": "Missione",
    "programma_code": "Programma (n°)",
    "programma": "Programma",
    "title": "Finalità / Titolo",
    "description": "Obiettivo (descrizione)",
    "kind": "Tipo di obiettivo",
    "section": "Sezione",
    "parent": "Obiettivo di riferimento",
    "weight": "Peso",
    "weight_text": "Peso come scritto",
    "staff": "Personale coinvolto",
    "expected_result": "Risultato atteso",
    "deadline": "Tempi / Scadenza",
    "deadline_date": "Scadenza (data)",
    "notes": "Note",
    "indicator": "Indicatore",
    "indicator_kind": "Tipo di indicatore",
    "indicator_unit": "Unità di misura",
    "indicator_direction": "Verso dell'indicatore",
    "indicator_weight": "Peso dell'indicatore",
    "baseline": "Baseline",
    "baseline_value": "Baseline: valore",
    "baseline_year": "Baseline: anno",
    "target": "Target {year}",
    "target_comparator": "Target {year}: confronto",
    "target_value": "Target {year}: valore",
    "target_date": "Target {year}: data",
    "target_relative": "Target {year}: rispetto all'anno",
    "achievement": "% raggiunta (non importata)",
    "ignore": "(colonna ignorata)",
}
YEAR_ROLES = {"target", "target_comparator", "target_value", "target_date", "target_relative"}
# A table needs at least one of these to say what each objective is.
REQUIRED_ANY = ("description", "title")

_OCR_FIXES = [(r"\bobjettivo\b", "obiettivo"), (r"\bpinalita\b", "finalita"), (r"\beo\b", "eq")]
_RULES: list[tuple[str, str]] = [
    (r"^piano (degli obiettivi|esecutivo|della performance)|^peg\b|^piao\b", ""),
    (r"raggiunt|stato di raggiungimento|consuntiv|grado di realizzazione|^%$", "achievement"),
    (r"^(nr|n|no|num|numero|n ro|cod|codice|id)( (dell )?(obiettivo|obiettivi|ob))?$", "code"),
    (r"obiettivo (strategico )?di riferimento|obiettivo padre|codice padre", "parent"),
    (r"^sezione", "section"),
    (r"^tip\w* (di )?obiettivo$|^tipologia$|^tipo$", "kind"),
    (r"peso .*indicatore", "indicator_weight"),
    (r"^peso come scritto", "weight_text"),
    (r"\bpeso\b|pesatura|ponderazione", "weight"),
    (r"avviso .*dup", "dup_warning"),
    (r"codice (del )?programma|programma (dup )?(codice|ufficiale)|codice dup", "dup_code"),
    (r"\bdup\b|missione programma|missione e programma", "dup"),
    (r"^missione", "missione"),
    (r"^programma", "programma"),
    (r"codice (del )?(dipartimento|area|settore)", "area_code"),
    (r"codice (del )?servizio", "servizio_code"),
    (r"codice (dell )?ufficio", "ufficio_code"),
    (r"ambito organizzativo|dipartiment|^area\b|^settore|^struttura|^direzione", "area"),
    (r"^serv\w*$|^servizi?o? ", "servizio"),
    (r"^uffic", "ufficio"),
    (r"assegnatari|trasversal", "assignees"),
    (r"^soggett|dirigente|responsabile|^referente|^titolare", "dirigente"),
    (r"^(eq|e q|po|p o|ap|a p)$|elevata qualificazione|posizione organizzativa", "eq"),
    (r"personale|risorse umane coinvolte|^staff$|collaboratori|^dipendenti", "staff"),
    (r"finalita|^titolo|obiettivo strategico|linea strategica|area strategica", "title"),
    (r"unita di misura|^u ?m$", "indicator_unit"),
    (r"^verso|polarita", "indicator_direction"),
    (r"tipo (di )?indicatore", "indicator_kind"),
    (r"indicator", "indicator"),
    (r"baseline|punto di partenza|valore (di partenza|iniziale)|^valori? \d{4}", "baseline"),
    (r"\btarget\b.*\d{4}|valore atteso \d{4}|risultato atteso \d{4}|^\d{4}$", "target"),
    (r"risultat\w* attes|^target$|^output$|valore atteso", "expected_result"),
    (r"^tempi|scadenz|^termin|tempistic|cronoprogramma", "deadline"),
    (r"^note|osservazioni", "notes"),
    (r"obiettiv|descrizione|^azion", "description"),
]
_RULES_RE = [(re.compile(pattern), role) for pattern, role in _RULES]
_LAYOUT_ROLES = {fold(column.header): column.role for column in LAYOUT}
_TARGET_DETAILS = {
    "confronto": "target_comparator",
    "valore": "target_value",
    "data": "target_date",
    "rispetto all anno": "target_relative",
}
_TARGET_DETAIL_RE = re.compile(r"^target (\d{4}) (confronto|valore|data|rispetto all anno)$")


def _fold_label(label: str) -> str:
    folded = fold(label)
    for pattern, replacement in _OCR_FIXES:
        folded = re.sub(pattern, replacement, folded)
    return folded


def recognise(label: str) -> str | None:
    """The role a header label names, or None; 'TARGET 2023' -> 'target@2023'."""
    folded = _fold_label(label)
    if not folded:
        return None
    if folded in _LAYOUT_ROLES:
        return _LAYOUT_ROLES[folded]
    detail = _TARGET_DETAIL_RE.match(folded)
    if detail:
        return f"{_TARGET_DETAILS[detail.group(2)]}@{detail.group(1)}"
    for pattern, role in _RULES_RE:
        if pattern.search(folded):
            if not role:
                return None
            if role == "target":
                years = years_in(folded)
                return f"target@{years[0]}" if years else "expected_result"
            return role
    return None


@lru_cache(maxsize=1024)
def role_base(role: str | None) -> str:
    return (role or "").split("@", 1)[0]


def role_year(role: str | None) -> int | None:
    return int(role.split("@", 1)[1]) if role and "@" in role else None


def role_label(role: str | None) -> str:
    if not role:
        return ROLE_LABELS["ignore"]
    label = ROLE_LABELS.get(role_base(role), role)
    return label.format(year=role_year(role) or "")


def role_choices(years: range) -> list[tuple[str, str]]:
    """Every role a column can be mapped to by hand, with its Italian label."""
    choices = [("ignore", ROLE_LABELS["ignore"])]
    for base, label in ROLE_LABELS.items():
        if base == "ignore":
            continue
        if base in YEAR_ROLES:
            choices += [(f"{base}@{year}", label.format(year=year)) for year in years]
        else:
            choices.append((base, label))
    return choices


# -- header rows -----------------------------------------------------------------------------

# Labels as they open a data cell in a header row merged into the first data row of a page.
_PREFIX_LABELS = sorted(
    {
        "nr",
        "ambito organizzativo",
        "servizio",
        "serv",
        "ufficio",
        "soggetto competente",
        "soggetto",
        "eq",
        "rif dup missione programma",
        "rif dup",
        "missione programma",
        "programma",
        "missione",
        "finalita obiettivo",
        "finalita objettivo",
        "pinalita objettivo",
        "obiettivo",
        "objettivo",
        "peso obiettivo",
        "peso objettivo",
        "peso",
        "indicatore",
        "risultato atteso",
        "tempi stabiliti",
        "responsabile",
        "note",
        "baseline",
    },
    key=lambda label: -len(label.split()),
)
_PREFIX_SET = frozenset(_PREFIX_LABELS)


def strip_label(text: str) -> tuple[str, str]:
    """'SOGGETTO COMPETENTE GIANPIETRO' -> ('GIANPIETRO', 'dirigente'); else (text, '')."""
    words = text.split()
    role = ""
    for _round in range(2):  # "NR NR 6"
        for size in range(min(5, len(words)), 0, -1):
            label = fold(" ".join(words[:size]))
            if label in _PREFIX_SET and (size < len(words) or _round):
                words = words[size:]
                role = role or recognise(label) or ""
                break
        else:
            break
    return " ".join(words), role


def is_headerish(cells: list[str]) -> bool:
    """Every non-empty cell is a column label: a header row or a fragment of one."""
    filled = [cell for cell in cells if cell]
    return bool(filled) and all(recognise(cell) is not None or _is_title(cell) for cell in filled)


def _is_title(cell: str) -> bool:
    folded = _fold_label(cell)
    return bool(re.match(r"^(piano degli obiettivi|dup \d{4}|piano della performance)", folded))


def merged_header_cells(cells: list[str], roles: list[str | None]) -> list[str] | None:
    """The data of a header row merged into the first data row of a page ('NR 44',
    'EQ Chiara', 'PESO OBIETTIVO 1 - rilevante'): each cell opens with the label of its own
    column, or of one next to it. None when the row is not one."""
    stripped, opened = [], 0
    for col, cell in enumerate(cells):
        rest, role = strip_label(cell)
        near = {role_base(r) for r in roles[max(0, col - 2) : col + 3] if r}
        if role and role_base(role) in near:
            opened += 1
            stripped.append(rest)
        else:
            stripped.append(cell)
    return stripped if opened >= 3 else None


@dataclass
class Header:
    """The roles of a table's columns, as read from one or more header rows."""

    roles: list[str | None]
    labels: list[str]
    line: int
    manual: set[int] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    _found: set[str] = field(default_factory=set, repr=False, compare=False)
    _found_for: tuple | None = field(default=None, repr=False, compare=False)

    @cached_property
    def exact(self) -> bool:
        """Every label is one of our layout's: the file is our template or our export."""
        labels = [label for label in self.labels if label]
        return bool(labels) and all(
            fold(label) in _LAYOUT_ROLES
            or _TARGET_DETAIL_RE.match(fold(label))
            or re.match(r"^target \d{4}$", fold(label))
            for label in labels
        )

    @property
    def found(self) -> set[str]:
        # Read for every row: kept until the roles change (a repeated header inherits some).
        key = tuple(self.roles)
        if self._found_for != key:
            self._found = {role_base(role) for role in self.roles if role}
            self._found_for = key
        return self._found


def build_header(rows: list[list[str]], line: int) -> Header:
    """The header of one or more consecutive header rows (a label split over two lines)."""
    width = max(len(row) for row in rows)
    roles: list[str | None] = []
    labels: list[str] = []
    # Under the lowest row's labels, a blank between two labels is a label spanning columns
    # (TARGET 2022 over three cells): the rows above do not label it.
    last = rows[-1]
    known = [col for col, text in enumerate(last) if text and recognise(text)]
    span = range(known[0], known[-1] + 1) if len(rows) > 1 and len(known) >= 3 else range(0)
    for col in range(width):
        texts = [row[col] for row in rows if col < len(row) and row[col]]
        if col in span and not (col < len(last) and last[col]):
            texts = []
        labels.append(" ".join(texts))
        role = None
        for text in reversed(texts):  # the lowest label is the most specific one
            role = recognise(text)
            if role:
                break
        roles.append(role)
    for col, role in enumerate(roles):
        # "N°" before "MISSIONE" or "PROGRAMMA" is the number of that mission or programme.
        if role == "code" and col + 1 < width and roles[col + 1] in {"missione", "programma"}:
            roles[col] = f"{roles[col + 1]}_code"
    header = Header(roles=roles, labels=labels, line=line)
    _renumber_target_years(header)
    return header


def _renumber_target_years(header: Header) -> None:
    """Target columns run over consecutive years: 'TARGET 2022 | TARGET 2022 | TARGET 2023'."""
    previous = None
    for col, role in enumerate(header.roles):
        if role_base(role) != "target":
            continue
        year = role_year(role)
        if previous is not None and year <= previous:
            header.notes.append(
                f"La colonna «{header.labels[col]}» ripete l'anno {year}: "
                f"letta come {previous + 1}."
            )
            year = previous + 1
            header.roles[col] = f"target@{year}"
        previous = year


def apply_mapping(header: Header, mapping: dict[int, str]) -> Header:
    """The header with the columns the user mapped by hand."""
    roles = list(header.roles)
    manual = set()
    for col, role in mapping.items():
        role = None if role == "ignore" else role
        if 0 <= col < len(roles) and roles[col] != role:
            roles[col] = role
            manual.add(col)
    return Header(roles=roles, labels=header.labels, line=header.line, manual=manual)


def missing_required(header: Header) -> list[str]:
    if not header.found & set(REQUIRED_ANY):
        return [ROLE_LABELS["description"]]
    return []


def row_cells(values) -> list[str]:
    return [clean_text(value) for value in values]
