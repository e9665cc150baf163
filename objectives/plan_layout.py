"""The canonical spreadsheet layout of a plan: the template's columns and our XLSX export's.

One row per indicator; the objective's own columns are filled on its first row, and the next
rows of the same objective repeat only its code. The per-year target columns follow the fixed
ones, for every year of the plan. The template (objectives.plan_import.template) and the
workbook (reporting.exports.workbook.plan_to_xlsx) write these columns, and the importer
(objectives.plan_import.columns) recognises their headers exactly; none of them owns the layout.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    role: str
    header: str
    number: bool = False  # written as a number, read back as one
    width: int = 18


LAYOUT: list[Column] = [
    Column("code", "Codice", width=10),
    Column("parent", "Obiettivo di riferimento", width=10),
    Column("kind", "Tipo di obiettivo", width=12),
    Column("section", "Sezione", width=14),
    Column("area", "Dipartimento / Area", width=30),
    Column("area_code", "Codice dipartimento", width=10),
    Column("servizio", "Servizio", width=30),
    Column("servizio_code", "Codice servizio", width=10),
    Column("ufficio", "Ufficio", width=30),
    Column("ufficio_code", "Codice ufficio", width=10),
    Column("dirigente", "Dirigente / Responsabile", width=24),
    Column("eq", "EQ", width=24),
    Column("assignees", "Assegnatari (obiettivi trasversali)", width=30),
    Column("staff", "Personale coinvolto", width=24),
    Column("dup_code", "Programma DUP (codice)", width=10),
    Column("dup", "Riferimento DUP come scritto", width=30),
    Column("dup_warning", "Avviso sul riferimento DUP", width=30),
    Column("title", "Finalità / Titolo", width=40),
    Column("description", "Obiettivo (descrizione)", width=60),
    Column("weight", "Peso", number=True, width=8),
    Column("weight_text", "Peso come scritto", width=16),
    Column("expected_result", "Risultato atteso", width=30),
    Column("deadline", "Tempi come scritti", width=20),
    Column("deadline_date", "Scadenza (data)", width=12),
    Column("notes", "Note", width=30),
    Column("indicator", "Indicatore", width=50),
    Column("indicator_kind", "Tipo di indicatore", width=12),
    Column("indicator_unit", "Unità di misura", width=10),
    Column("indicator_direction", "Verso dell'indicatore", width=16),
    Column("indicator_weight", "Peso dell'indicatore", number=True, width=8),
    Column("baseline", "Baseline come scritta", width=20),
    Column("baseline_value", "Baseline: valore", number=True, width=10),
    Column("baseline_year", "Baseline: anno", number=True, width=8),
]
YEAR_COLUMNS: list[Column] = [
    Column("target", "Target {year}", width=24),
    Column("target_comparator", "Target {year}: confronto", width=12),
    Column("target_value", "Target {year}: valore", number=True, width=10),
    Column("target_date", "Target {year}: data", width=12),
    Column("target_relative", "Target {year}: rispetto all'anno", number=True, width=10),
]
# The columns of the template a comune fills by hand (the others stay empty or absent).
TEMPLATE_ROLES = {
    "code",
    "area",
    "servizio",
    "ufficio",
    "dirigente",
    "eq",
    "staff",
    "dup",
    "title",
    "description",
    "weight",
    "expected_result",
    "deadline",
    "notes",
    "indicator",
    "indicator_unit",
    "baseline",
    "target",
}


def layout_columns(years, *, full: bool = True) -> list[Column]:
    """The columns for a plan over `years`; `full=False` gives the shorter template."""
    fixed = [c for c in LAYOUT if full or c.role in TEMPLATE_ROLES]
    per_year = [
        Column(f"{c.role}@{year}", c.header.format(year=year), c.number, c.width)
        for year in years
        for c in YEAR_COLUMNS
        if full or c.role in TEMPLATE_ROLES
    ]
    return fixed + per_year
