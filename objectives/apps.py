from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import gettext_lazy as _


def _drop_sqlite_triggers(sender, using, **kwargs) -> None:
    from objectives.db_triggers import drop_triggers

    if connections[using].vendor == "sqlite":
        drop_triggers(connections[using])


def _create_sqlite_triggers(sender, using, **kwargs) -> None:
    from objectives.db_triggers import create_triggers

    connection = connections[using]
    tables = connection.introspection.table_names()
    if connection.vendor == "sqlite" and "objectives_target" in tables:
        create_triggers(connection)


class ObjectivesConfig(AppConfig):
    name = "objectives"
    verbose_name = _("Obiettivi")

    def ready(self) -> None:
        # SQLite rebuilds tables to alter them, which breaks triggers that name them: the
        # target-year triggers are dropped before every migrate and made again after it.
        pre_migrate.connect(_drop_sqlite_triggers, sender=self)
        post_migrate.connect(_create_sqlite_triggers, sender=self)
