import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from objectives.models import Plan
from reporting.exports.pdf import plan_to_pdf
from reporting.exports.plan import plan_to_csv, plan_to_json
from reporting.exports.workbook import plan_workbook

FORMATS = ["pdf", "xlsx", "csv", "json"]


class Command(BaseCommand):
    help = "Esporta un piano in un file: PDF (tabelle per la Giunta), XLSX, CSV o JSON."

    def add_arguments(self, parser):
        parser.add_argument("plan_id", type=int)
        parser.add_argument("--format", choices=FORMATS, required=True)
        parser.add_argument("--output", type=Path, required=True)
        parser.add_argument("--with-progress", action="store_true")
        parser.add_argument("--paper", choices=["A4", "A3"], default="A4")

    def handle(self, *args, plan_id: int, format: str, output: Path, with_progress: bool, **opts):
        plan = Plan.objects.select_related("ente").filter(pk=plan_id).first()
        if plan is None:
            raise CommandError(f"Nessun piano con id {plan_id} (vedi list_plans).")
        if format == "json":
            document = plan_to_json(plan, with_progress=with_progress)
            output.write_text(
                json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
            self.stdout.write(f"{output}: {len(document['objectives'])} obiettivi")
            return
        if format == "pdf":
            document = plan_to_pdf(plan, paper=opts["paper"])
            output.write_bytes(document.data)
            self.stdout.write(f"{output}: {document.pages} pagine")
            return
        data = plan_workbook(plan) if format == "xlsx" else plan_to_csv(plan)
        output.write_bytes(data)
        self.stdout.write(f"{output}: {plan.objectives.count()} obiettivi")
