from django.core.management.base import BaseCommand, CommandError

from objectives.synthetic import make_synthetic_ente, make_synthetic_progress


class Command(BaseCommand):
    help = "Crea enti sintetici con piani realistici e avanzamenti in ogni stato, per i benchmark."

    def add_arguments(self, parser):
        parser.add_argument("--entes", type=int, required=True)
        parser.add_argument("--objectives-per-ente", type=int, required=True)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument(
            "--without-progress",
            action="store_true",
            help="Solo il piano, senza periodi di monitoraggio né avanzamenti.",
        )

    def handle(
        self, *args, entes: int, objectives_per_ente: int, seed: int, without_progress: bool, **o
    ):
        if entes < 1 or objectives_per_ente < 1:
            raise CommandError("--entes e --objectives-per-ente devono essere almeno 1.")
        for index in range(1, entes + 1):
            plan = make_synthetic_ente(index, objectives_per_ente, seed=seed)
            if not without_progress:
                make_synthetic_progress(plan, seed=seed)
            self.stdout.write(f"{plan.pk}\t{plan.ente.slug}\t{plan.title}")
