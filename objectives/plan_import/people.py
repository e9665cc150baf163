"""The people a table names, as one person each however the cells spell them.

"GIANPIETRO PEZZOLI", "Gianpietro Pezzoli" and a cut "PEZZOLI" are one person; so are "CHIARI
MASSIMO" and the ente's existing "Massimo Chiari". A cell naming a group ("DIRIGENTI", "tutte
le EQ") stands for every dirigente or EQ of the file; a cell with several names in a row is split
on the names the rest of the file spells out.
"""

from dataclasses import dataclass, field

from objectives.plan_import.values import fold, parse_person, person_key


@dataclass
class RowPeople:
    dirigente: str | None = None
    eq: str | None = None
    assignees: list[str] = field(default_factory=list)
    group: bool = False


class People:
    def __init__(self, directory: dict[frozenset, str]) -> None:
        self.directory = directory  # person_key -> full name already in the ente
        self.cells: list[tuple[str, str, str]] = []
        self.display: dict[frozenset, str] = {}
        self.roles: dict[frozenset, str] = {}
        self.aliases: dict[frozenset, frozenset] = {}
        self.units: dict[frozenset, dict] = {}
        self.exact: dict[frozenset, str] = {}

    def collect(self, text: str, role: str, area: str = "", *, exact: bool = False) -> None:
        """Note a responsible cell; `exact` cells (our own layout) hold full names as stored."""
        if text and exact:
            for name in _exact_names(text):
                key = person_key(name)
                self.exact[key] = name
                self.display[key] = name
                if role != "assignee":
                    self.roles.setdefault(key, role)
        elif text:
            self.cells.append((text, role, area))

    # -- resolution ------------------------------------------------------------------------

    def settle(self, warn) -> None:
        """Learn every full name first, then complete cut names and split crowded cells."""
        full: dict[frozenset, str] = dict(self.directory) | self.exact
        for text, _role, _area in self.cells:
            for name in parse_person(text).names:
                if 2 <= len(name.split()) <= 4:
                    full.setdefault(person_key(name), name)
        self.full = full
        for text, role, area in self.cells:
            cell = parse_person(text)
            if cell.group:
                continue
            for name in self.split(cell.names):
                key = self.key(name, warn)
                self.display.setdefault(key, full.get(key, name))
                hint = "segretario" if cell.role_hint or "segretari" in fold(area) else role
                if role != "assignee":
                    self.roles.setdefault(key, hint)

    def split(self, names) -> list[str]:
        """'Chiari Massimo Semenzato Eva Leali Cristian' -> the three people it lists."""
        result = []
        for name in names:
            words = name.split()
            if len(words) < 4 or person_key(name) in self.full:
                result.append(name)
                continue
            parts, i = [], 0
            while i < len(words):
                for size in (2, 3):
                    key = person_key(" ".join(words[i : i + size]))
                    if i + size <= len(words) and key in self.full:
                        parts.append(self.full[key])
                        i += size
                        break
                else:
                    break
            result += parts if i == len(words) and len(parts) > 1 else [name]
        return result

    def key(self, name: str, warn=None) -> frozenset:
        key = person_key(name)
        if key in self.aliases:
            return self.aliases[key]
        if len(key) == 1 and key not in self.full:
            matches = [k for k in self.full if key <= k]
            if len(matches) == 1:
                self.aliases[key] = matches[0]
                if warn:
                    warn(None, f"nome «{name}» completato in «{self.full[matches[0]]}».")
                return matches[0]
        return key

    def name(self, text: str) -> list[str]:
        cell = parse_person(text)
        return [self.display.get(self.key(n), n) for n in self.split(cell.names)]

    def with_role(self, role: str) -> list[str]:
        return sorted(self.display[key] for key, r in self.roles.items() if r == role)

    # -- per row ---------------------------------------------------------------------------

    def for_row(self, dirigente: str, eq: str, assignees: str, *, exact=False) -> RowPeople:
        if exact:
            bosses, eqs = _exact_names(dirigente), _exact_names(eq)
            return RowPeople(
                dirigente=bosses[0] if bosses else None,
                eq=eqs[0] if eqs else None,
                assignees=sorted(set(_exact_names(assignees))),
            )
        cells = [parse_person(text) for text in (dirigente, eq, assignees)]
        groups = {cell.group for cell in cells if cell.group}
        if groups:
            names = set(self.name(dirigente) + self.name(eq) + self.name(assignees))
            if "dirigenti" in groups:
                names |= set(self.with_role("dirigente"))
            if "eq" in groups:
                names |= set(self.with_role("eq"))
            return RowPeople(assignees=sorted(names), group=True)
        listed = self.name(assignees)
        bosses, eqs = self.name(dirigente), self.name(eq)
        if len(bosses) > 1:
            return RowPeople(assignees=sorted(set(bosses + eqs + listed)))
        return RowPeople(
            dirigente=bosses[0] if bosses else None,
            eq=eqs[0] if eqs else None,
            assignees=sorted(set(listed)),
        )

    def note_unit(self, name: str | None, units: list[dict], kinds: tuple[str, ...]) -> None:
        if not name:
            return
        key = person_key(name)
        key = self.aliases.get(key, key)
        if key in self.units:
            return
        for kind in kinds:
            for unit in units:
                if unit["kind"] == kind:
                    self.units[key] = unit
                    return

    def assignments(self) -> list[dict]:
        """One post per person named as dirigente, EQ or segretario, in the order first seen."""
        return [
            {"name": self.display[key], "role": role, "unit": self.units.get(key)}
            for key, role in self.roles.items()
        ]


def _exact_names(text: str) -> list[str]:
    return [" ".join(part.split()) for part in (text or "").split(";") if part.strip()]
