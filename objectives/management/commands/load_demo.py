import os

from django.core.management.base import BaseCommand

from objectives.demo import DEFAULT_DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Carica i dati dimostrativi: elenco DUP, i due piani reali, un utente per ruolo."

    def add_arguments(self, parser):
        parser.add_argument(
            "--with-progress",
            action="store_true",
            help="Aggiunge a ogni piano un periodo chiuso (30/06) con avanzamenti in ogni stato.",
        )

    def handle(self, *args, with_progress: bool = False, **options):
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
        summary = load_demo(password=password, with_progress=with_progress)
        for label in summary.plans_created:
            self.stdout.write(f"Piano caricato: {label}")
        for label in summary.plans_kept:
            self.stdout.write(f"Piano già presente, lasciato com'è: {label}")
        if summary.users_created:
            self.stdout.write(
                f"Utenti creati: {', '.join(summary.users_created)}\n"
                + (
                    "Password dimostrativa (da DEMO_PASSWORD)."
                    if os.environ.get("DEMO_PASSWORD")
                    else f"Password dimostrativa: {password}  (cambiala, o imposta DEMO_PASSWORD)"
                )
            )
        else:
            self.stdout.write("Nessun utente nuovo: gli utenti dimostrativi esistono già.")
