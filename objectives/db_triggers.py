"""Database triggers: a target's year must lie within its plan's years.

A check constraint cannot read the plan's row, so the rule is a trigger on every write that could
break it: a target written, an indicator or objective moved, a plan's years changed. Both
SQLite and PostgreSQL answer a violation with an integrity error.

On PostgreSQL the triggers are made once, by migration 0002. SQLite rebuilds a table to alter
it, which breaks triggers that name the table; there they are dropped before every `migrate`
and made again after it (objectives.apps).
"""

MESSAGE = "target_year_outside_plan"

# A written target whose year its plan does not cover.
TARGET_OUTSIDE_PLAN = """NOT EXISTS (
    SELECT 1 FROM objectives_indicator i
    JOIN objectives_objective o ON o.id = i.objective_id
    JOIN objectives_plan p ON p.id = o.plan_id
    WHERE i.id = NEW.indicator_id AND NEW.year BETWEEN p.first_year AND p.last_year)"""

# (trigger name, event, table, condition that is a violation, using NEW.*)
RULES = [
    (
        "target_year_in_plan_insert",
        "INSERT",
        "objectives_target",
        TARGET_OUTSIDE_PLAN,
    ),
    (
        "target_year_in_plan_update",
        "UPDATE OF year, indicator_id",
        "objectives_target",
        TARGET_OUTSIDE_PLAN,
    ),
    (
        "indicator_move_keeps_target_years",
        "UPDATE OF objective_id",
        "objectives_indicator",
        """EXISTS (
            SELECT 1 FROM objectives_target t, objectives_objective o
            JOIN objectives_plan p ON p.id = o.plan_id
            WHERE t.indicator_id = NEW.id AND o.id = NEW.objective_id
              AND (t.year < p.first_year OR t.year > p.last_year))""",
    ),
    (
        "objective_move_keeps_target_years",
        "UPDATE OF plan_id",
        "objectives_objective",
        """EXISTS (
            SELECT 1 FROM objectives_target t
            JOIN objectives_indicator i ON i.id = t.indicator_id, objectives_plan p
            WHERE i.objective_id = NEW.id AND p.id = NEW.plan_id
              AND (t.year < p.first_year OR t.year > p.last_year))""",
    ),
    (
        "plan_years_cover_targets",
        "UPDATE OF first_year, last_year",
        "objectives_plan",
        """EXISTS (
            SELECT 1 FROM objectives_target t
            JOIN objectives_indicator i ON i.id = t.indicator_id
            JOIN objectives_objective o ON o.id = i.objective_id
            WHERE o.plan_id = NEW.id AND (t.year < NEW.first_year OR t.year > NEW.last_year))""",
    ),
]


def create_triggers(connection) -> None:
    """Make the triggers (again): safe to call when they exist."""
    with connection.cursor() as cursor:
        for name, event, table, violation in RULES:
            if connection.vendor == "sqlite":
                cursor.execute(
                    f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {event} ON {table} FOR EACH ROW "
                    f"WHEN {violation} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
                )
            elif connection.vendor == "postgresql":
                cursor.execute(
                    f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        IF {violation} THEN
                            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
                        END IF;
                        RETURN NEW;
                    END $$;"""
                )
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table};")
                cursor.execute(
                    f"CREATE TRIGGER {name} BEFORE {event} ON {table} "
                    f"FOR EACH ROW EXECUTE FUNCTION {name}();"
                )
            else:
                raise NotImplementedError(f"no target-year trigger for {connection.vendor}")


def drop_triggers(connection) -> None:
    with connection.cursor() as cursor:
        for name, _event, table, _violation in RULES:
            if connection.vendor == "sqlite":
                cursor.execute(f"DROP TRIGGER IF EXISTS {name};")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table};")
                cursor.execute(f"DROP FUNCTION IF EXISTS {name}();")
