"""The target-year triggers of objectives.db_triggers (on SQLite: made after every migrate)."""

from django.db import migrations


def create(apps, schema_editor):
    from objectives.db_triggers import create_triggers

    if schema_editor.connection.vendor != "sqlite":
        create_triggers(schema_editor.connection)


def drop(apps, schema_editor):
    from objectives.db_triggers import drop_triggers

    drop_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("objectives", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
