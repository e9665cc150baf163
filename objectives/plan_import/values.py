"""Values as comuni write them: Italian numbers, weights, dates and targets.

Every parser keeps the text as written next to what it understood, and returns None for what it
cannot understand rather than guessing.
"""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher
from functools import lru_cache

MONTHS = {
    "gennaio": 1,
    "febbraio": 2,
    "marzo": 3,
    "aprile": 4,
    "maggio": 5,
    "giugno": 6,
    "luglio": 7,
    "agosto": 8,
    "settembre": 9,
    "ottobre": 10,
    "novembre": 11,
    "dicembre": 12,
}
WORD_NUMBERS = {
    "uno": 1,
    "una": 1,
    "due": 2,
    "tre": 3,
    "quattro": 4,
    "cinque": 5,
    "sei": 6,
    "sette": 7,
    "otto": 8,
    "nove": 9,
    "dieci": 10,
}
YEAR_MIN, YEAR_MAX = 1990, 2100

_NUMBER = r"[-+]?(?:\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?)"
NUMBER_RE = re.compile(_NUMBER)
PLAIN_NUMBER_RE = re.compile(rf"^\s*(?:n\.?\s*°?\s*)?({_NUMBER})\s*(%?)\s*$", re.IGNORECASE)
DATE_NUMERIC_RE = re.compile(
    r"\b(\d{1,2})\s*(?:/\s*(\d{1,2})(?:\s*/\s*(\d{4}|\d{2}))?|[.\-](\d{1,2})[.\-](\d{4}|\d{2}))\b"
)
DATE_WORDS_RE = re.compile(
    r"\b(\d{1,2})\s*(?:°\s*)?(" + "|".join(MONTHS) + r")(?:\s+(\d{4}))?\b", re.IGNORECASE
)
MONTH_YEAR_RE = re.compile(r"\b(" + "|".join(MONTHS) + r")\s+(\d{4})\b", re.IGNORECASE)
YEAR_RE = re.compile(r"(?<![\d/.,])((?:19|20)\d\d)(?![\d/.,]\d)")
SCIENTIFIC_RE = re.compile(r"^\s*[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)[eE][+-]?\d+\s*%?\s*$")
CATEGORY_RE = re.compile(r"^\s*(\d{1,2})\s*[-–.):]?\s*([A-Za-zÀ-ÿ].*)?$")


@lru_cache(maxsize=65536)
def short(text: str, length: int = 40) -> str:
    """A value echoed in a message, cut to a readable length."""
    return text if len(text) <= length else text[: length - 1] + "…"


def fold(text: str) -> str:
    """Lower case, no accents, punctuation as spaces: what comparisons of labels use."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z0-9%]+", " ", text).split())


UNDERLINE_RE = re.compile(r"</?u>")


def clean_text(value) -> str:
    """A cell as text: stripped, inner whitespace collapsed, markup tags of the PDF removed."""
    if value is None:
        return ""
    text = str(value)
    if "<" in text:
        text = UNDERLINE_RE.sub("", text)
    return " ".join(text.split())


def to_decimal(text: str) -> Decimal | None:
    """An Italian number: '14.801' is 14801, '4,44' is 4.44, '1.234,5' is 1234.5."""
    text = text.strip().lstrip("+")
    if re.fullmatch(r"-?\d{1,3}(?:\.\d{3})+(?:,\d+)?", text):
        text = text.replace(".", "").replace(",", ".")
    else:
        text = text.replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def parse_number(text: str) -> tuple[Decimal, bool] | None:
    """The whole text as one number, with whether it carried a '%' ('5%', 'n. 12', '4,44')."""
    match = PLAIN_NUMBER_RE.match(text or "")
    if not match:
        return None
    number = to_decimal(match.group(1))
    return (number, bool(match.group(2))) if number is not None else None


def _year(raw: str | None, default: int | None) -> int | None:
    if raw is None:
        return default
    year = int(raw)
    return year + 2000 if year < 100 else year


def parse_dates(text: str, default_year: int | None = None) -> list[dt.date]:
    """Every valid date in the text, in order ('31/12/2024', '31 dicembre', 'entro 31.01')."""
    found: list[tuple[int, dt.date]] = []
    for match in DATE_NUMERIC_RE.finditer(text):
        day = int(match.group(1))
        month = int(match.group(2) or match.group(4))
        year = _year(match.group(3) or match.group(5), default_year)
        if year is None or not YEAR_MIN <= year <= YEAR_MAX:
            continue
        try:
            found.append((match.start(), dt.date(year, month, day)))
        except ValueError:
            continue
    for match in DATE_WORDS_RE.finditer(text):
        year = _year(match.group(3), default_year)
        if year is None:
            continue
        try:
            found.append(
                (match.start(), dt.date(year, MONTHS[match.group(2).lower()], int(match.group(1))))
            )
        except ValueError:
            continue
    if not found:
        for match in MONTH_YEAR_RE.finditer(text):
            month, year = MONTHS[match.group(1).lower()], int(match.group(2))
            last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
            found.append((match.start(), dt.date(year, month, last)))
    return [date for _pos, date in sorted(found, key=lambda item: item[0])]


def parse_single_date(text: str) -> dt.date | None:
    """The date when the text is one date and nothing more ('31/12/2024', '30 novembre 2024')."""
    dates = parse_dates(text)
    if len(dates) != 1:
        return None
    rest = DATE_WORDS_RE.sub("", DATE_NUMERIC_RE.sub("", text))
    return dates[0] if not re.search(r"\d", rest) and len(fold(rest)) <= 12 else None


# -- weights ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Weight:
    """A weight as understood: points (None for a pre-requisite or a lost cell) and its text."""

    points: Decimal | None
    text: str
    kind: str  # "", "percent", "points", "category", "prerequisite"
    category: str = ""
    error: str = ""


PLACEHOLDERS = {"-", "–", "—", "/", "n.d", "nd", "n/a", "n.a", "?"}


def category_words(text: str) -> frozenset[str]:
    return frozenset(w for w in fold(text).split() if len(w) > 3 and not w.isdigit())


def parse_weight(text: str, categories: dict[str, Decimal], words: dict[str, str]) -> Weight:
    """'5%', '2 - rilevante strategico', 'X', '10' or nothing; anything else is an error.

    `categories` maps a category number to its points (the plan's weight_categories);
    `words` maps the words of a category ("strategico") to its number, learnt from the file.
    """
    text = clean_text(text)
    if not text or text.strip(" .") in PLACEHOLDERS:
        return Weight(None, text, "")
    if text.strip(" .").upper() == "X":
        return Weight(None, "X", "prerequisite")
    if SCIENTIFIC_RE.match(text):  # 1e+300 as a spreadsheet writes it: not category 1
        return Weight(None, text, "", error=f"il peso «{short(text)}» è fuori misura.")
    number = parse_number(text)
    if number is not None:
        value, is_percent = number
        if value < 0 or value > 1000:
            return Weight(None, text, "", error=f"il peso «{short(text)}» è fuori misura.")
        return Weight(value, text, "percent" if is_percent else "points")
    match = CATEGORY_RE.match(text)
    if match and match.group(2) is not None:
        category = str(int(match.group(1)))
        return Weight(categories.get(category, Decimal(category)), text, "category", category)
    for word in category_words(text):
        if word in words:
            category = words[word]
            return Weight(categories.get(category, Decimal(category)), text, "category", category)
    return Weight(
        None,
        text,
        "",
        error=(
            f"il peso «{short(text)}» non è un numero, una percentuale, una categoria "
            "(per esempio «2 - rilevante strategico») né «X» (prerequisito)."
        ),
    )


def learn_category_words(texts) -> dict[str, str]:
    """Which word names which category, from the weights written in full ('1 - ... operativo'):
    the category a word goes with in at least two thirds of the weights that use it."""
    votes: dict[str, dict[str, int]] = {}
    for text in texts:
        match = CATEGORY_RE.match(clean_text(text))
        if match and match.group(2):
            for word in category_words(match.group(2)):
                counts = votes.setdefault(word, {})
                category = str(int(match.group(1)))
                counts[category] = counts.get(category, 0) + 1
    learnt = {}
    for word, counts in votes.items():
        category, count = max(counts.items(), key=lambda item: item[1])
        if count * 3 >= sum(counts.values()) * 2:
            learnt[word] = category
    return learnt


# -- targets ---------------------------------------------------------------------------------

DECREASE_RE = re.compile(
    r"riduzion|ridurre|diminu|contenere|contenimento|abbattiment|tempi medi|ritard|scostament"
)
KEEP_RE = re.compile(r"\bmantenimento\b|\bmantenere\b|\bconferma\b")
YES_RE = re.compile(r"^(si|sì|s|yes|realizzato|fatto|attivato)$")


def guess_direction(*texts: str) -> str:
    folded = fold(" ".join(t for t in texts if t))
    if DECREASE_RE.search(folded):
        return "decrease"
    return "increase"


def _relative_year(folded: str, year: int | None) -> int | None:
    """'maggiore 2022', '<= anno 2022', 'mantenimento target 2021': the year compared with."""
    if year is None:
        return None
    for match in YEAR_RE.finditer(folded):
        candidate = int(match.group(1))
        if candidate <= year:
            return candidate
    return None


def _comparator(folded: str, raw: str, direction: str) -> str | None:
    if re.search(
        r">\s*=|≥|=>|\bpari o (maggiore|superiore)|\balmeno\b|\bminimo\b|\bnon inferiore",
        raw + " " + folded,
    ):
        return ">="
    if re.search(
        r"<\s*=|≤|=<|\bmax\b|\bmassimo\b|\bnon superiore|\bentro \d+ ?(gg|giorni)",
        raw + " " + folded,
    ):
        return "<="
    if re.search(r"<|\bminore\b|\binferiore\b|\bmeno di\b", raw + " " + folded):
        return "<"
    if re.search(
        r">|\bmaggiore\b|\bsuperiore\b|\bmigliore\b|\bpiu di\b|\boltre\b", raw + " " + folded
    ):
        return ">"
    if re.search(r"\bpari a\b|^=|\buguale\b", folded) or raw.strip().startswith("="):
        return "="
    if KEEP_RE.search(folded):
        return "<=" if direction == "decrease" else ">="
    return None


def _first_value(folded: str, raw: str, relative: int | None) -> Decimal | None:
    cleaned = DATE_NUMERIC_RE.sub(" ", raw)
    for match in NUMBER_RE.finditer(cleaned):
        number = to_decimal(match.group(0))
        if number is None:
            continue
        if relative is not None and number == relative:
            continue
        if number == number.to_integral_value() and YEAR_MIN <= number <= YEAR_MAX:
            continue
        return number
    for word in folded.split():
        if word in WORD_NUMBERS:
            return Decimal(WORD_NUMBERS[word])
    return None


def parse_target(text: str, year: int, direction: str = "increase") -> dict:
    """A target as written for a year: comparator, value, date and relative year where readable."""
    raw = clean_text(text)
    folded = fold(raw)
    target = {
        "year": year,
        "comparator": "yes",
        "value": None,
        "date": None,
        "relative_to_year": None,
        "text": raw,
    }
    if not raw:
        return target
    if YES_RE.match(folded):
        return target
    plain = parse_number(raw)
    if plain is not None:
        value = plain[0]
        target["value"] = value
        if value == 0 or direction == "keep":
            target["comparator"] = "="
        else:
            target["comparator"] = "<=" if direction == "decrease" else ">="
        return target
    dates = parse_dates(raw, default_year=year)
    if dates and ("entro" in folded or re.match(r"^\s*\d", raw) or len(folded) < 40):
        target["comparator"] = "by_date"
        target["date"] = dates[-1]
        return target
    relative = _relative_year(folded, year)
    comparator = _comparator(folded, raw, direction)
    value = _first_value(folded, raw, relative)
    if relative is not None and (comparator or KEEP_RE.search(folded)):
        target["relative_to_year"] = relative
        target["comparator"] = comparator or ">="
        target["value"] = value if re.search(r"\d", raw.split(str(relative))[0]) else None
        return target
    if value is not None and (comparator or re.match(r"^\s*(n\.?\s*°?\s*)?\d", raw) or "%" in raw):
        target["value"] = value
        target["comparator"] = comparator or ("<=" if direction == "decrease" else ">=")
        return target
    if comparator in {">=", "<="} and KEEP_RE.search(folded):
        target["comparator"] = comparator
    return target


def indicator_kind(description: str, targets: list[dict]) -> str:
    """The indicator's kind, from how its first readable target is written."""
    for target in targets:
        if target["comparator"] == "by_date":
            return "deadline"
        if "%" in target["text"]:
            return "percentage"
        if target["value"] is not None or target["relative_to_year"] is not None:
            return "number"
    if re.search(r"\bsi\s*/\s*no\b|\bsino\b", fold(description)):
        return "yes_no"
    return "qualitative" if targets else "number"


# -- people ----------------------------------------------------------------------------------

TITLES_RE = re.compile(
    r"^(?:(?:ing|arch|dott|dr|dott\.ssa|geom|avv|rag|prof|sig|sig\.ra)\.?\s+)+", re.IGNORECASE
)
ROLE_PREFIX_RE = re.compile(r"^(segretari[oa] (?:generale|comunale))\s+", re.IGNORECASE)
NO_PERSON = {"", "n p", "np", "n a", "na", "nessuno", "non previsto", "non prevista", "l"}
STAFF_WORDS = re.compile(
    r"\b(unita|istruttor|personale|collaborator|operator|dipendent|funzionari|addett|"
    r"responsabile (del )?servizio|responsabile area|servizio|ufficio|tutto il|tecnico|"
    r"amministrativ|condivisa|ditte|esterne)\w*"
)


@dataclass(frozen=True)
class PersonCell:
    """What a responsible cell says: one or more names, a group, or nobody."""

    names: tuple[str, ...] = ()
    group: str = ""  # "", "dirigenti", "eq"
    role_hint: str = ""  # "segretario" when the cell says so


@lru_cache(maxsize=8192)
def is_group(folded: str) -> str:
    words = folded.split()
    if any(_similar(word, "dirigenti") for word in words):
        return "dirigenti"
    if re.search(r"\btut\w* \w{1,3} (eq|eo|po|p o|posizioni organizzative)\b", folded):
        return "eq"
    if re.search(r"\btutt[ie] (i )?(responsabili|titolari)\b", folded):
        return "eq"
    return ""


def _similar(word: str, target: str) -> bool:
    """OCR slips of a word ('DINGENTI' for 'DIRIGENTI')."""
    return word[:1] == target[:1] and SequenceMatcher(None, word, target).ratio() >= 0.8


def display_name(name: str) -> str:
    """'GIANPIETRO PEZZOLI' -> 'Gianpietro Pezzoli'; words in mixed case are kept as written."""
    lower = name.islower()

    def word_case(word: str) -> str:
        if len(word) > 1 and (word.isupper() or lower):
            return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))
        return word

    return " ".join(word_case(word) for word in name.split())


@lru_cache(maxsize=16384)
def parse_person(text: str) -> PersonCell:
    """A responsible cell: 'Segretario Generale Giulio Nardi', 'arch. Bertone', 'DIRIGENTI'."""
    raw = clean_text(text)
    if ":" in raw:
        raw = raw.rsplit(":", 1)[1].strip()
    folded = fold(raw)
    if folded in NO_PERSON or not re.search(r"[A-Za-zÀ-ÿ]{2}", raw):
        return PersonCell()
    group = is_group(folded)
    if group:
        return PersonCell(group=group)
    role_hint = ""
    prefix = ROLE_PREFIX_RE.match(raw)
    if prefix:
        role_hint = "segretario"
        raw = raw[prefix.end() :]
    raw = TITLES_RE.sub("", raw).strip(" -–,;.'\"")
    if not raw or re.search(r"\d", raw) or len(raw) > 2000:
        return PersonCell(role_hint=role_hint)
    parts = [p.strip(" -–,.") for p in re.split(r"\s*(?:[;/,]|\be\b)\s*", raw)]
    names = tuple(
        display_name(TITLES_RE.sub("", part))
        for part in parts
        if re.search(r"[A-Za-zÀ-ÿ]{2}", part)
        and len(part) <= 80
        and all(w[:1].isupper() or w.lower() in NAME_PARTICLES for w in part.split())
    )
    return PersonCell(names=names, role_hint=role_hint)


def person_key(name: str) -> frozenset[str]:
    """Names that differ only in case, accents or word order are the same person."""
    return frozenset(fold(name).split())


ORG_WORDS = re.compile(
    r"\b(servizi|segreteria|generale|ufficio|area|gestione|programm|missione|territorio|"
    r"dipartiment|polizia|tutela|sviluppo|istruzione|tribut|commercio|social|cultur|rifiuti|"
    r"tutti|tutte|uffici|organi|istituzional|patrimonio|ambiente|urbanistica|edilizia|"
    r"bilancio|finanz|contabil|risorse|personale|anticorruzione|trasparenza|protezione)\w*"
)


NAME_PARTICLES = {"de", "di", "da", "del", "della", "dello", "la", "lo", "van", "von", "dal"}


def looks_like_name(text: str) -> bool:
    raw = TITLES_RE.sub("", clean_text(text))
    prefix = ROLE_PREFIX_RE.match(raw)
    if prefix:
        raw = raw[prefix.end() :]
    if ":" in raw:
        raw = raw.rsplit(":", 1)[1].strip()
    words = raw.replace("-", " ").split()
    return (
        1 <= len(words) <= 6
        and not re.search(r"\d", raw)
        and all(re.fullmatch(r"[A-Za-zÀ-ÿ'.]+", w) for w in words)
        and all(w[:1].isupper() or w.lower() in NAME_PARTICLES for w in words)
        and not STAFF_WORDS.search(fold(raw))
        and not ORG_WORDS.search(fold(raw))
    )


RELATIVE_YEAR_RE = re.compile(
    r"(?:[<>]\s*=?|=|maggiore|migliore|minore|inferiore|superiore|target|mantenimento)"
    r"\s*(?:(?:a|di|del|dell|dell'|anno)\s*)*((?:19|20)\d\d)",
    re.IGNORECASE,
)


def relative_years(text: str) -> list[int]:
    """Years a target compares with: '>= 2022', 'mantenimento target 2021', '<= anno 2022'."""
    return [int(m.group(1)) for m in RELATIVE_YEAR_RE.finditer(text or "")]


def years_in(text: str) -> list[int]:
    return [int(m.group(1)) for m in YEAR_RE.finditer(text or "")]
