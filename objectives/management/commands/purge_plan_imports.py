import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from objectives.plan_import.uploads import MAX_AGE, purge_uploads


class Command(BaseCommand):
    help = (
        "Elimina i file caricati per l'importazione di un piano e mai confermati, più vecchi "
        "di 24 ore (da eseguire con cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours",
            type=float,
            default=MAX_AGE / 3600,
            help="età minima dei file da eliminare, in ore (default 24: la durata dell'anteprima)",
        )

    def handle(self, *args, hours: float, **options):
        if hours < 0:
            raise CommandError("--hours non può essere negativo.")
        deleted = purge_uploads(older_than=dt.timedelta(hours=hours))
        self.stdout.write(f"File di importazione eliminati: {deleted}.")
