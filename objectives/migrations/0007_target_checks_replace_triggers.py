"""The target-year triggers (made by 0002 on PostgreSQL, after every migrate on SQLite) are
dropped on both databases: they joined tables by id, not by ente, which Citus does not do on
distributed tables. What they guarded is checked by Target.clean, Plan.clean (the plan's years
still cover its targets), Objective.clean and Indicator.clean (a move keeps its targets in the
plan) and the importer; what fits one row is a check constraint, added here."""

from django.db import migrations, models

TRIGGERS = [
    ("target_year_in_plan_insert", "objectives_target"),
    ("target_year_in_plan_update", "objectives_target"),
    ("indicator_move_keeps_target_years", "objectives_indicator"),
    ("objective_move_keeps_target_years", "objectives_objective"),
    ("plan_years_cover_targets", "objectives_plan"),
]


def drop_triggers(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for name, table in TRIGGERS:
            if schema_editor.connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table};")
                cursor.execute(f"DROP FUNCTION IF EXISTS {name}();")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name};")


class Migration(migrations.Migration):

    dependencies = [
        ('objectives', '0006_plan_scoring_rules'),
        ('organisation', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(drop_triggers, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='target',
            constraint=models.CheckConstraint(condition=models.Q(('year__gte', 2000), ('year__lte', 2109)), name='target_year_plausible', violation_error_message="L'anno del target deve essere tra il 2000 e il 2109."),
        ),
        migrations.AddConstraint(
            model_name='target',
            constraint=models.CheckConstraint(condition=models.Q(('relative_to_year__isnull', True), ('relative_to_year__lte', models.F('year')), _connector='OR'), name='target_relative_year_not_after_year', violation_error_message="L'anno di riferimento non può seguire l'anno del target."),
        ),
    ]
