from django.core.management.base import BaseCommand, CommandError

from reporting.exports.jobs import export_job_render
from reporting.models import ExportJob


class Command(BaseCommand):
    help = (
        "Prepara un'esportazione in corso ed esce: il processo figlio che il worker avvia per "
        "ogni esportazione (WeasyPrint tiene in memoria l'intero documento)."
    )

    def add_arguments(self, parser):
        parser.add_argument("job_id", type=int)

    def handle(self, *args, job_id: int, **options):
        status = ExportJob.objects.filter(pk=job_id).values_list("status", flat=True).first()
        if status is None:
            raise CommandError(f"Nessuna esportazione con id {job_id}.")
        if status != ExportJob.Status.RUNNING:
            raise CommandError(f"L'esportazione {job_id} non è in preparazione ({status}).")
        job = export_job_render(job_id)
        self.stdout.write(f"{job.pk}\t{job.status}\t{job.file.name if job.file else job.error}")
        if job.status != ExportJob.Status.DONE:
            raise CommandError(job.error or "Esportazione non riuscita.")
