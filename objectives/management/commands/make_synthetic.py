from django.core.management.base import BaseCommand, CommandError

from objectives.synthetic import make_synthetic_ente


class Command(BaseCommand):
    help = "Crea enti sintetici con piani realistici, per i benchmark."

    def add_arguments(self, parser):
        parser.add_argument("--entes", type=int, required=True)
        parser.add_argument("--objectives-per-ente", type=int, required=True)
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, entes: int, objectives_per_ente: int, seed: int, **options):
        if entes < 1 or objectives_per_ente < 1:
            raise CommandError("--entes e --objectives-per-ente devono essere almeno 1.")
        for index in range(1, entes + 1):
            plan = make_synthetic_ente(index, objectives_per_ente, seed=seed)
            self.stdout.write(f"{plan.pk}\t{plan.ente.slug}\t{plan.title}")
