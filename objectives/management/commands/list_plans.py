from django.core.management.base import BaseCommand

from objectives.models import Plan


class Command(BaseCommand):
    help = "Elenca i piani: PLAN_ID<TAB>ENTE_SLUG<TAB>TITOLO."

    def handle(self, *args, **options):
        for plan_id, slug, title in Plan.objects.order_by(
            "ente__slug", "first_year", "id"
        ).values_list("id", "ente__slug", "title"):
            self.stdout.write(f"{plan_id}\t{slug}\t{title}")
