"""Import a plan from a spreadsheet: preview what would be stored, then store it, and record it.

The preview reads the file and builds the same piao.plan/1 document a JSON import reads, checks
it the same way, and saves nothing. The import writes that document in one transaction only if
no row was rejected. Every attempt, accepted or refused, leaves an ImportRecord.
"""

import hashlib
import re
from dataclasses import dataclass, field

from objectives.models import ImportRecord, Plan, Programma
from objectives.plan_import import (
    ImportSummary,
    PlanImportError,
    import_plan_document,
    write_checked_document,
)
from objectives.plan_import.build import Built, Issue, build_document
from objectives.plan_import.columns import Header, missing_required, role_label
from objectives.plan_import.document import read_plan_document
from objectives.plan_import.dupref import DupMatcher
from objectives.plan_import.sheets import read_sheet
from objectives.plan_import.table import Table, read_table
from objectives.plan_import.values import person_key
from organisation.models import Ente, Person

MAX_RECORDED_MESSAGES = 200


@dataclass
class Preview:
    """A file read and checked, nothing saved."""

    file_name: str
    sha256: str
    size: int
    kind: str
    rows: int
    table: Table
    built: Built
    plan: Plan | None
    notes: list[str] = field(default_factory=list)
    _counts: dict[str, int] | None = field(default=None, repr=False)

    def compact(self) -> None:
        """Let the rows read and the document as built go, keeping the checked document, the
        counts and the messages: most of a large file's memory, not needed to write it."""
        self._counts = self.counts
        self.table.records.clear()
        self.built.document = {**self.built.document, "objectives": []}

    @property
    def header(self) -> Header | None:
        return self.table.header

    @property
    def errors(self) -> list[Issue]:
        return self.built.errors

    @property
    def warnings(self) -> list[Issue]:
        return self.built.warnings

    @property
    def objectives(self) -> list[dict]:
        return self.built.document["objectives"]

    @property
    def counts(self) -> dict[str, int]:
        if self._counts is not None:
            return self._counts
        objectives = self.objectives
        indicators = [i for o in objectives for i in o["indicators"]]
        people = {n for o in objectives for n in [o["dirigente"], o["eq"], *o["assignees"]] if n}
        return {
            "objectives": len(objectives),
            "indicators": len(indicators),
            "targets": sum(len(i["targets"]) for i in indicators),
            "units": len({(u["kind"], u["name"]) for o in objectives for u in o["org_units"]}),
            "people": len(people),
        }

    def messages(self) -> list[str]:
        return [str(issue) for issue in self.errors + self.warnings]


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def preview_spreadsheet(
    data: bytes,
    file_name: str,
    *,
    ente_slug: str,
    plan_title: str,
    first_year: int,
    last_year: int,
    ente_name: str = "",
    mapping: dict[int, str] | None = None,
) -> Preview:
    """Read and check a spreadsheet; SheetError when the file is no table we can read."""
    sheet = read_sheet(data, file_name)
    table = read_table(sheet, mapping=mapping)
    ente = Ente.objects.filter(slug=ente_slug).first()
    plan = Plan.objects.filter(ente=ente, title=plan_title).first() if ente else None
    directory = (
        {person_key(p.full_name): p.full_name for p in Person.objects.filter(ente=ente)}
        if ente
        else {}
    )
    plan_data = {
        "ente_slug": ente_slug,
        "ente_name": ente_name or (ente.name if ente else ""),
        "title": plan_title,
        "first_year": first_year,
        "last_year": last_year,
    }
    if plan is not None:
        plan_data |= {
            "status": plan.status,
            "weight_mode": plan.weight_mode,
            "weight_categories": plan.weight_categories,
        }
    built = build_document(
        table,
        plan=plan_data,
        matcher=DupMatcher(list(Programma.objects.all())),
        directory=directory,
        categories=plan.weight_categories if plan else None,
    )
    if table.header is None:
        built.issues.insert(0, Issue(None, "error", "Il file non contiene righe da importare."))
    else:
        for label in missing_required(table.header):
            built.issues.insert(
                0,
                Issue(
                    None,
                    "error",
                    f"Manca la colonna obbligatoria «{label}» (o «{role_label('title')}»): "
                    "indica qui sotto quale colonna la contiene.",
                ),
            )
        for note in table.header.notes:
            built.issues.append(Issue(table.header.line, "warning", note))
    if not built.errors:
        _check_document(built)
    return Preview(
        file_name=file_name,
        sha256=file_sha256(data),
        size=len(data),
        kind=sheet.kind,
        rows=len(sheet.rows),
        table=table,
        built=built,
        plan=plan,
        notes=sheet.notes,
    )


def _check_document(built: Built) -> None:
    """The checks of a JSON import, with each message moved to the row it is about."""
    try:
        built.checked = read_plan_document(built.document)
    except PlanImportError as exc:
        for message in exc.errors:
            match = re.match(r"^Obiettivo (\d+)[^:]*: (.*)$", message)
            if match and int(match.group(1)) <= len(built.lines):
                line = built.lines[int(match.group(1)) - 1][0]
                built.issues.append(Issue(line, "error", match.group(2)))
            else:
                built.issues.append(Issue(None, "error", message))


def import_spreadsheet(preview: Preview, *, acting_user=None, dry_run: bool = False):
    """Write the previewed plan in one transaction; PlanImportError if any row was rejected."""
    if preview.errors:
        raise PlanImportError(preview.messages())
    if preview.built.checked is not None:
        summary: ImportSummary = write_checked_document(
            preview.built.checked, acting_user=acting_user, dry_run=dry_run
        )
    else:
        summary = import_plan_document(
            preview.built.document, acting_user=acting_user, dry_run=dry_run
        )
    summary.warnings = [str(w) for w in preview.warnings] + summary.warnings
    return summary


def record_import(
    *,
    source: str,
    file_name: str,
    data: bytes,
    outcome: str,
    user=None,
    ente_slug: str = "",
    plan_title: str = "",
    preview: Preview | None = None,
    summary: ImportSummary | None = None,
    messages: list[str] = (),
) -> ImportRecord:
    """Keep a record of an import attempt; call it outside the import's transaction."""
    counts = preview.counts if preview else {}
    if summary is not None:
        counts = {
            "objectives": summary.objectives_created
            + summary.objectives_updated
            + summary.objectives_unchanged,
            "indicators": summary.indicators,
            "targets": summary.targets,
            "units": summary.units,
            "people": summary.people,
        }
    errors = list(messages) if messages else (preview.messages() if preview else [])
    plan = (
        summary.plan if summary is not None and outcome == ImportRecord.Outcome.ACCEPTED else None
    )
    ente = plan.ente if plan else Ente.objects.filter(slug=ente_slug).first()
    return ImportRecord.objects.create(
        ente=ente,
        ente_slug=ente_slug[:80],
        plan=plan or (preview.plan if preview else None),
        plan_title=plan_title[:200],
        user=user if user is not None and user.is_authenticated else None,
        source=source,
        file_name=file_name[:255],
        file_format=preview.kind if preview else file_name.rsplit(".", 1)[-1].lower()[:10],
        file_size=len(data),
        sha256=file_sha256(data),
        outcome=outcome,
        rows=preview.rows if preview else 0,
        errors=len(preview.errors) if preview else len(errors),
        warnings=len(preview.warnings) if preview else 0,
        messages=errors[:MAX_RECORDED_MESSAGES],
        **counts,
    )
