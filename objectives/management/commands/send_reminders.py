from django.core.management.base import BaseCommand
from django.utils import timezone

from objectives.notifications import send_reminders


class Command(BaseCommand):
    help = (
        "Invia ai responsabili il promemoria degli avanzamenti da inviare e di quelli in ritardo."
    )

    def handle(self, *args, **options):
        sent = send_reminders(timezone.localdate())
        self.stdout.write(f"Promemoria inviati: {sent}")
