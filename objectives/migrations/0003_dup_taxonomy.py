"""Load the national list of missioni and programmi: reference data every ente needs."""

from django.db import migrations


def load(apps, schema_editor):
    from objectives.dup import read_dup_csv, sync_dup_taxonomy

    sync_dup_taxonomy(
        read_dup_csv(),
        missione_model=apps.get_model("objectives", "Missione"),
        programma_model=apps.get_model("objectives", "Programma"),
    )


class Migration(migrations.Migration):
    dependencies = [("objectives", "0002_target_year_within_plan")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
