import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from objectives.models import ImportRecord
from objectives.plan_import import PlanImportError, import_plan_document
from objectives.plan_import.sheets import MAX_BYTES, SheetError
from objectives.plan_import.spreadsheet import (
    import_spreadsheet,
    preview_spreadsheet,
    record_import,
)

Outcome = ImportRecord.Outcome


class Command(BaseCommand):
    help = (
        "Importa un piano da un file: XLSX, ODS, XLS, CSV (virgola o punto e virgola), TSV, oppure "
        "JSON piao.plan/1. Nulla è salvato se una riga è rifiutata."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--ente", dest="ente_slug", help="sigla dell'ente (default: dal JSON)")
        parser.add_argument("--plan-title", help="titolo del piano (default: dal JSON)")
        parser.add_argument("--first-year", type=int, help="primo anno del piano")
        parser.add_argument(
            "--last-year", type=int, help="ultimo anno (default: dal JSON, o il primo + 2)"
        )
        parser.add_argument("--dry-run", action="store_true", help="controlla senza salvare")

    def handle(self, *args, file: Path, dry_run: bool, **options):
        try:
            if file.stat().st_size > MAX_BYTES:
                raise CommandError(f"{file.name}: il file supera i 10 MB. Nulla è stato salvato.")
            data = file.read_bytes()
        except FileNotFoundError as exc:
            raise CommandError(f"{file}: file non trovato.") from exc
        if file.suffix.lower() == ".json":
            return self._json(file, data, dry_run, options)
        return self._spreadsheet(file, data, dry_run, options)

    # -- JSON (piao.plan/1) ------------------------------------------------------------------

    def _json(self, file: Path, data: bytes, dry_run: bool, options) -> None:
        record = {"source": "command", "file_name": file.name, "data": data}
        record |= {"ente_slug": options.get("ente_slug") or ""}
        record |= {"plan_title": options.get("plan_title") or ""}
        try:
            document = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:  # ValueError: also a 5,000-digit number
            message = f"{file.name}: non è un JSON valido ({exc}). Nulla è stato salvato."
            record_import(outcome=Outcome.REFUSED, messages=[message], **record)
            raise CommandError(message) from exc
        overrides = {
            key: options[key]
            for key in ("ente_slug", "plan_title", "first_year", "last_year")
            if options.get(key) is not None
        }
        try:
            summary = import_plan_document(document, dry_run=dry_run, **overrides)
        except PlanImportError as exc:
            record_import(outcome=Outcome.REFUSED, messages=exc.errors, **record)
            self._refuse(exc.errors)
        record["ente_slug"] = summary.plan.ente.slug
        record["plan_title"] = summary.plan.title
        record_import(
            outcome=Outcome.DRY_RUN if dry_run else Outcome.ACCEPTED, summary=summary, **record
        )
        self._report(summary, dry_run)

    # -- spreadsheets ------------------------------------------------------------------------

    def _spreadsheet(self, file: Path, data: bytes, dry_run: bool, options) -> None:
        missing = [
            flag
            for flag, key in (
                ("--ente", "ente_slug"),
                ("--plan-title", "plan_title"),
                ("--first-year", "first_year"),
            )
            if not options.get(key)
        ]
        if missing:
            raise CommandError(
                f"Per un foglio di calcolo servono {', '.join(missing)}. Nulla è stato salvato."
            )
        first = options["first_year"]
        last = options.get("last_year") or first + 2
        if not 2000 <= first <= 2100 or not 0 <= last - first <= 9:
            raise CommandError(f"Anni {first}-{last} non validi per un piano.")
        record = {"source": "command", "file_name": file.name, "data": data}
        record |= {"ente_slug": options["ente_slug"], "plan_title": options["plan_title"]}
        try:
            preview = preview_spreadsheet(
                data,
                file.name,
                ente_slug=options["ente_slug"],
                plan_title=options["plan_title"],
                first_year=first,
                last_year=last,
            )
        except SheetError as exc:
            record_import(outcome=Outcome.REFUSED, messages=exc.errors, **record)
            self._refuse(exc.errors)
        for warning in preview.warnings:
            self.stdout.write(f"AVVISO {warning}")
        preview.compact()
        try:
            summary = import_spreadsheet(preview, dry_run=dry_run)
        except PlanImportError as exc:
            record_import(outcome=Outcome.REFUSED, preview=preview, **record)
            self._refuse([str(error) for error in preview.errors] or exc.errors)
        record_import(
            outcome=Outcome.DRY_RUN if dry_run else Outcome.ACCEPTED,
            preview=preview,
            summary=summary,
            **record,
        )
        summary.warnings = summary.warnings[len(preview.warnings) :]
        self._report(summary, dry_run)

    # -- output ------------------------------------------------------------------------------

    def _refuse(self, errors: list[str]) -> None:
        for error in errors:
            self.stderr.write(f"ERRORE {error}")
        raise CommandError(
            f"{len(errors)} errori: il piano non è stato importato, nulla è stato salvato."
        )

    def _report(self, summary, dry_run: bool) -> None:
        plan = summary.plan
        verb = "verificato (prova, nulla salvato)" if dry_run else "importato"
        self.stdout.write(
            f"Piano {verb}: {plan.ente.slug} · {plan.title} ({plan.first_year}-{plan.last_year})\n"
            f"obiettivi: {summary.objectives_created} nuovi, "
            f"{summary.objectives_updated} aggiornati, "
            f"{summary.objectives_unchanged} invariati\n"
            f"indicatori: {summary.indicators}\ntarget: {summary.targets}\n"
            f"unità nuove: {summary.units}\npersone nuove: {summary.people}"
        )
        for warning in summary.warnings:
            self.stdout.write(f"AVVISO {warning}")
