from django.core.management.base import BaseCommand

from reporting.jobs import export_jobs_purge


class Command(BaseCommand):
    help = (
        "Segna come non riuscite le esportazioni interrotte ed elimina quelle finite da più di "
        "EXPORT_FILES_KEEP_DAYS giorni, con i loro file (per cron)."
    )

    def handle(self, *args, **options):
        interrupted, deleted = export_jobs_purge()
        self.stdout.write(f"Esportazioni interrotte: {interrupted}; eliminate: {deleted}.")
