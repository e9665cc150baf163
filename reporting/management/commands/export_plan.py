import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from objectives.models import Plan
from reporting.exports import plan_to_json

FORMATS = ["pdf", "xlsx", "csv", "json"]


class Command(BaseCommand):
    help = "Esporta un piano in un file."

    def add_arguments(self, parser):
        parser.add_argument("plan_id", type=int)
        parser.add_argument("--format", choices=FORMATS, required=True)
        parser.add_argument("--output", type=Path, required=True)
        parser.add_argument("--with-progress", action="store_true")

    def handle(self, *args, plan_id: int, format: str, output: Path, with_progress: bool, **opts):
        plan = Plan.objects.select_related("ente").filter(pk=plan_id).first()
        if plan is None:
            raise CommandError(f"Nessun piano con id {plan_id} (vedi list_plans).")
        if format != "json":
            raise CommandError(f"Il formato {format} non è ancora disponibile: usa --format json.")
        document = plan_to_json(plan, with_progress=with_progress)
        output.write_text(
            json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        self.stdout.write(f"{output}: {len(document['objectives'])} obiettivi")
