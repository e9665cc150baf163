from django.core.management.base import BaseCommand, CommandError

from reporting.jobs import export_job_run
from reporting.models import ExportJob


class Command(BaseCommand):
    help = "Esegue un'esportazione in background (avviata dalla pagina del piano) ed esce."

    def add_arguments(self, parser):
        parser.add_argument("job_id", type=int)

    def handle(self, *args, job_id: int, **options):
        if not ExportJob.objects.filter(pk=job_id).exists():
            raise CommandError(f"Nessuna esportazione con id {job_id}.")
        job = export_job_run(job_id)
        self.stdout.write(f"{job.pk}\t{job.status}\t{job.file.name if job.file else job.error}")
        if job.status != ExportJob.Status.DONE:
            raise CommandError(job.error or "Esportazione non riuscita.")
