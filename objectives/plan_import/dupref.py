"""Link a DUP reference as written ("04-06-Istruzione tecnica superiore", "1 | 2 Segreteria
generale") to the official list of programmes, by code and by name.

The code is trusted unless the name clearly names another programme: then the name wins and a
warning says which programme was chosen. A name that is no official programme (a local label
such as "Condoni") does not overrule the code; a reference that fits nothing links nothing.
"""

import re
from dataclasses import dataclass

from objectives.plan_import.values import fold

STOPWORDS = {"e", "ed", "di", "del", "della", "dei", "delle", "per", "il", "la", "le", "i", "gli"}
STOPWORDS |= {"a", "al", "alla", "in", "nel", "nella", "l", "d", "da", "con", "su", "tra", "o"}
NAME_MATCH = 0.6  # a name is taken as naming a programme from this similarity up
SAME_PROGRAMME = 0.5  # the name fits the coded programme well enough not to contradict it
COMBINED_RE = re.compile(r"^\s*(\d{1,2})\s*[-./]\s*(\d{1,2})\b\s*[-–:.]?\s*(.*)$")


def _tokens(text: str) -> frozenset[str]:
    """Words reduced to five letters, so that 'statistico' and 'statistica' meet."""
    return frozenset(
        word[:5] for word in fold(text).split() if word not in STOPWORDS and not word.isdigit()
    )


def similarity(a: str, b: str) -> float:
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return 0.0
    return 2 * len(ta & tb) / (len(ta) + len(tb))


@dataclass(frozen=True)
class DupLink:
    programma: str | None  # the official code, "01.02"
    text: str  # the reference as written
    warning: str = ""


class DupMatcher:
    """The official programmes, loaded once per import."""

    def __init__(self, programmi) -> None:
        self.by_code = {p.code: p for p in programmi}
        self.missioni = {p.code.split(".")[0] for p in programmi}
        self.named = [p for p in programmi if not p.regions_only]

    def by_name(self, name: str):
        """The programme a name clearly names, or None."""
        if not fold(name):
            return None
        scored = sorted(((similarity(name, p.name), p.code) for p in self.named), reverse=True)
        if not scored or scored[0][0] < NAME_MATCH:
            return None
        if len(scored) > 1 and scored[1][0] == scored[0][0]:
            return None
        return self.by_code[scored[0][1]]

    def link(
        self,
        *,
        combined: str = "",
        missione_code: str = "",
        missione: str = "",
        programma_code: str = "",
        programma: str = "",
    ) -> DupLink:
        """The programme of a reference, from one combined cell or from separate ones."""
        if combined:
            text = combined
            match = COMBINED_RE.match(combined)
            if match:
                missione_code, programma_code, programma = match.groups()
            else:
                programma = combined
        else:
            parts = [missione_code, missione, programma_code, programma]
            text = " - ".join(
                " ".join(p for p in pair if p)
                for pair in ((parts[0], parts[1]), (parts[2], parts[3]))
                if any(pair)
            )
        if not text:
            return DupLink(None, "")
        mis = f"{int(missione_code):02d}" if missione_code.isdigit() else ""
        prog = f"{int(programma_code):02d}" if programma_code.isdigit() else ""
        coded = self.by_code.get(f"{mis}.{prog}") if mis and prog else None
        named = self.by_name(programma) if programma else None
        written = f"{missione_code}-{programma_code}"
        contradicts = coded and named and named.code != coded.code
        if contradicts and similarity(programma, coded.name) < SAME_PROGRAMME:
            return DupLink(
                named.code,
                text,
                f"Il codice {written} non corrisponde al nome «{programma}» "
                f"({coded.code} è {coded.name}): collegato per nome al programma "
                f"{named.code} ({named.name}).",
            )
        if coded:
            return DupLink(coded.code, text)
        if named:
            return DupLink(named.code, text)
        if mis and mis in self.missioni:
            return DupLink(
                None,
                text,
                f"Riferimento DUP «{text}»: identificata solo la missione {mis}, "
                "nessun programma ufficiale collegato.",
            )
        return DupLink(
            None,
            text,
            f"Riferimento DUP «{text}» non riconosciuto nell'elenco ufficiale: "
            "nessun programma collegato.",
        )
