import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from objectives.plan_import import PlanImportError, import_plan_document


class Command(BaseCommand):
    help = (
        "Importa un piano da un file (JSON piao.plan/1). Nulla è salvato se una riga è rifiutata."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--ente", dest="ente_slug", help="sigla dell'ente (default: dal file)")
        parser.add_argument("--plan-title", help="titolo del piano (default: dal file)")
        parser.add_argument("--first-year", type=int)
        parser.add_argument("--last-year", type=int)
        parser.add_argument("--dry-run", action="store_true", help="controlla senza salvare")

    def handle(self, *args, file: Path, dry_run: bool, **options):
        if file.suffix.lower() != ".json":
            raise CommandError(
                f"{file.name}: formato non supportato; questo comando importa file .json "
                "(XLSX, CSV e TSV arrivano con l'importatore di fogli di calcolo)."
            )
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise CommandError(f"{file}: file non trovato.") from exc
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(
                f"{file.name}: non è un JSON valido ({exc}). Nulla è stato salvato."
            ) from exc
        overrides = {
            key: options[key]
            for key in ("ente_slug", "plan_title", "first_year", "last_year")
            if options.get(key) is not None
        }
        try:
            summary = import_plan_document(data, dry_run=dry_run, **overrides)
        except PlanImportError as exc:
            for error in exc.errors:
                self.stderr.write(f"ERRORE {error}")
            raise CommandError(
                f"{len(exc.errors)} errori: il piano non è stato importato, nulla è stato salvato."
            ) from exc
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
