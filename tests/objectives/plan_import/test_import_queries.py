"""Writing an imported plan costs the same queries for a few rows as for a full batch: rows go
in batches, their history is copied by the database, nothing is fetched row by row.

A batch is 500 rows on PostgreSQL; on SQLite Django caps it at 999 parameters (49 objectives,
90 indicators, 124 targets), so the larger size here stays within one SQLite batch. The
5,000-objective figure is in `python -m bench`."""

import pytest

from objectives.models import Objective, Target
from objectives.plan_import.spreadsheet import import_spreadsheet, preview_spreadsheet
from tests.objectives.plan_import.conftest import NAMES, plan_rows, xlsx_bytes

pytestmark = pytest.mark.django_db


def preview_of(world, size: int):
    return preview_spreadsheet(
        xlsx_bytes(plan_rows(size)),
        "piano.xlsx",
        ente_slug=world.ente_a.slug,
        plan_title="PIAO importato 2024-2026",
        first_year=2024,
        last_year=2026,
    )


@pytest.mark.parametrize("size", [3, 45])
def test_writing_a_plan_does_not_query_per_row(world, size, django_assert_num_queries):
    preview = preview_of(world, size)
    assert not preview.errors
    with django_assert_num_queries(QUERIES):
        summary = import_spreadsheet(preview, acting_user=world.controllo)
    assert summary.objectives_created == size and summary.targets == 2 * size
    assert summary.people == min(size, len(NAMES))
    objectives = Objective.objects.filter(plan=summary.plan)
    assert objectives.count() == size
    assert Objective.history.filter(plan_id=summary.plan.pk, history_type="+").count() == size
    assert Target.history.filter(ente_id=world.ente_a.pk).count() == 2 * size


@pytest.mark.parametrize("size", [3, 300])
def test_importing_the_same_file_again_writes_nothing_and_keeps_the_query_count(
    world, size, django_assert_num_queries
):
    import_spreadsheet(preview_of(world, size), acting_user=world.controllo)
    preview = preview_of(world, size)
    with django_assert_num_queries(AGAIN):
        summary = import_spreadsheet(preview, acting_user=world.controllo)
    assert summary.objectives_unchanged == size and summary.objectives_created == 0
    assert Objective.history.filter(plan_id=summary.plan.pk).count() == size  # no new record


# The savepoint; the ente and the plan (found, checked, saved, its history record); the people,
# units and objectives known; the new people; objectives, indicators and targets, each written then
# copied to history (objectives with their units and assignees); the posts known, the new ones.
QUERIES = 30
# The same lookups and the indicators with their targets; nothing written, not even the plan.
AGAIN = 14


def test_a_reimport_saves_the_plan_only_when_it_changed(world):
    first = import_spreadsheet(preview_of(world, 3), acting_user=world.controllo)
    import_spreadsheet(preview_of(world, 3), acting_user=world.controllo)
    assert first.plan.history.count() == 1  # created once, the unchanged re-import left it

    longer = preview_spreadsheet(
        xlsx_bytes(plan_rows(3)),
        "piano.xlsx",
        ente_slug=world.ente_a.slug,
        plan_title="PIAO importato 2024-2026",
        first_year=2024,
        last_year=2027,
    )
    summary = import_spreadsheet(longer, acting_user=world.controllo)
    summary.plan.refresh_from_db()
    assert summary.plan.last_year == 2027
    latest = summary.plan.history.latest("history_date")
    assert (latest.last_year, latest.history_user) == (2027, world.controllo)
