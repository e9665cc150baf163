"""The background worker: django-tasks-db's `db_worker`, plus the export jobs' watchdog."""

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from reporting.exports.jobs import start_recovery_thread


class Command(DbWorkerCommand):
    help = (
        "Esegue le attività in background (database): le stesse opzioni di db_worker; in più, "
        "ogni 30 secondi, rimette in coda le esportazioni il cui worker si è fermato."
    )

    def handle(self, *args, **options):
        start_recovery_thread()
        super().handle(*args, **options)
