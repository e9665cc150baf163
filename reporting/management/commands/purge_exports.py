from django.core.management.base import BaseCommand

from reporting.exports.jobs import export_jobs_purge, export_jobs_recover


class Command(BaseCommand):
    help = (
        "Elimina le esportazioni finite da più di EXPORT_FILES_KEEP_DAYS giorni, con i loro file "
        "e le loro attività, e rimette in coda quelle il cui worker si è fermato (per cron)."
    )

    def handle(self, *args, **options):
        recovered = export_jobs_recover()
        deleted = export_jobs_purge()
        self.stdout.write(f"Esportazioni riprese: {recovered}; eliminate: {deleted}.")
