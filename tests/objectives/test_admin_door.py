"""The admin is no second door: what the workflow's services guard cannot be done around them.

Each test is one way in that was found open (issue 10, finding 1): the answer the user gets, and
that the row, its version, its audit events and its history are unchanged.
"""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from objectives.models import (
    ImportRecord,
    Indicator,
    Measurement,
    MonitoringPeriod,
    Objective,
    Plan,
    Progress,
    ProgressEvent,
    Target,
)
from tests.factories import make_indicator, make_objective, make_person

pytestmark = pytest.mark.django_db

LOCKED = "Il piano è approvato: le modifiche passano da una variazione."


def form_data(response) -> dict:
    """What the browser would post back from an admin change form, untouched: the main form
    and its (top-level) inline formsets with their management forms."""
    data: dict = {}

    def add(form) -> None:
        for name in form.fields:
            value = form[name].value()
            key = form.add_prefix(name)
            if value is None or value is False:
                continue
            if value is True:
                data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            else:
                data[key] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


@pytest.fixture
def report(world):
    """A report of ente A in bozza, sent nowhere yet, with one measurement."""
    person = make_person(world.ente_a, "Rita Rossi")
    objective = make_objective(world.plan_a, code="1.1", weight=10, dirigente=person)
    indicator = make_indicator(objective, targets=[(2024, 10)])
    period = MonitoringPeriod.objects.create(
        ente=world.ente_a,
        plan=world.plan_a,
        name="31/12/2024",
        reference_date=dt.date(2024, 12, 31),
        is_open=True,
    )
    progress = Progress.objects.create(
        ente=world.ente_a, objective=objective, responsible=person, period=period
    )
    Measurement.objects.create(
        ente=world.ente_a, progress=progress, indicator=indicator, value_number=4
    )
    return progress


def _snapshot(progress: Progress) -> tuple:
    progress.refresh_from_db()
    return (
        progress.status,
        progress.validated_achievement,
        progress.version,
        progress.events.count(),
        progress.history.count(),
        list(progress.measurements.values_list("indicator_id", "value_number")),
    )


# --- A report set to "validato" with one POST ------------------------------------------------


@pytest.mark.parametrize("who", ["controllo", "superuser"])
def test_report_cannot_be_validated_through_the_admin(world, client, report, who):
    indicator_b = make_indicator(make_objective(world.plan_b), description="Segreto di Beta")
    before = _snapshot(report)
    client.force_login(getattr(world, who))
    url = reverse("admin:objectives_progress_change", args=[report.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # shown, not offered for saving
    data = form_data(page)
    data.update(
        status="validato",
        validated_achievement="100",
        objective=str(report.objective_id),
        responsible=str(report.responsible_id),
        period=str(report.period_id),
        version=str(report.version),
    )
    # ...and a measurement pointing at another ente's indicator, through the inline
    data.update(
        {
            "measurements-TOTAL_FORMS": "1",
            "measurements-INITIAL_FORMS": "0",
            "measurements-0-indicator": str(indicator_b.pk),
            "measurements-0-value_number": "1",
        }
    )
    assert client.post(url, data).status_code == 403
    assert client.post(reverse("admin:objectives_progress_add"), data).status_code == 403
    delete = client.post(reverse("admin:objectives_progress_delete", args=[report.pk]), {"post": 1})
    assert delete.status_code == 403
    assert _snapshot(report) == before
    assert not Measurement.objects.filter(indicator=indicator_b).exists()


# --- Audit events edited or deleted ----------------------------------------------------------


@pytest.mark.parametrize("who", ["controllo", "superuser"])
def test_audit_events_are_append_only_for_everyone(world, client, report, who):
    event = ProgressEvent.objects.create(
        ente=world.ente_a,
        progress=report,
        action="submit",
        from_status="bozza",
        to_status="inviato",
        actor=world.controllo,
        at=timezone.now(),
        version=2,
        note="inviato",
    )
    record = ImportRecord.objects.create(
        ente=world.ente_a, source="web", file_name="piano.xlsx", sha256="0" * 64, outcome="accepted"
    )
    client.force_login(getattr(world, who))
    for name, row in (("progressevent", event), ("importrecord", record)):
        change = reverse(f"admin:objectives_{name}_change", args=[row.pk])
        assert client.get(change).status_code == 200  # readable
        assert client.get(reverse(f"admin:objectives_{name}_add")).status_code == 403
        assert client.post(change, {"note": "riscritto", "file_name": "x"}).status_code == 403
        delete = reverse(f"admin:objectives_{name}_delete", args=[row.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
        bulk = client.post(
            reverse(f"admin:objectives_{name}_changelist"),
            {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
        )
        assert bulk.status_code == 200  # delete_selected is not offered: the list again
    event.refresh_from_db()
    record.refresh_from_db()
    assert (event.note, event.to_status) == ("inviato", "inviato")
    assert record.file_name == "piano.xlsx"
    assert ProgressEvent.objects.filter(ente=world.ente_a).count() == 1
    assert ImportRecord.objects.filter(ente=world.ente_a).count() == 1


def test_deleting_a_plan_cannot_take_its_audit_trail_with_it(world, client, report):
    ProgressEvent.objects.create(
        ente=world.ente_a,
        progress=report,
        action="save",
        from_status="bozza",
        to_status="bozza",
        actor=world.controllo,
        at=timezone.now(),
        version=2,
    )
    client.force_login(world.superuser)
    response = client.post(
        reverse("admin:objectives_plan_delete", args=[world.plan_a.pk]), {"post": "yes"}
    )
    # refused: the events are nobody's to delete (and the report protects its period)
    assert response.status_code in (200, 403)
    assert Plan.objects.filter(pk=world.plan_a.pk).exists()
    assert ProgressEvent.objects.filter(progress=report).count() == 1


# --- A period opened through the plan's inline -----------------------------------------------


def test_period_is_not_opened_through_the_plans_inline(world, client):
    make_objective(world.plan_a, code="1.1", weight=100, dirigente=world.dirigente_a)
    period = MonitoringPeriod.objects.create(
        ente=world.ente_a, plan=world.plan_a, name="30/06/2024", reference_date=dt.date(2024, 6, 30)
    )
    client.force_login(world.controllo)
    url = reverse("admin:objectives_plan_change", args=[world.plan_a.pk])
    page = client.get(url)
    assert 'name="periods-0-is_open"' not in page.content.decode()
    data = form_data(page)
    data.update({"periods-0-is_open": "on", "periods-0-id": str(period.pk)})
    data.update(
        {
            "periods-TOTAL_FORMS": "2",
            "periods-1-name": "31/12/2024",
            "periods-1-reference_date": "2024-12-31",
            "periods-1-is_open": "on",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    period.refresh_from_db()
    assert period.is_open is False
    assert list(MonitoringPeriod.objects.filter(plan=world.plan_a)) == [period]
    assert not Progress.objects.filter(ente=world.ente_a).exists()
    # the period's own change page does not take a POST either
    change = reverse("admin:objectives_monitoringperiod_change", args=[period.pk])
    assert client.post(change, {"is_open": "on", "name": "x"}).status_code == 403
    period.refresh_from_db()
    assert (period.is_open, period.name) == (False, "30/06/2024")


def test_period_opened_from_the_admin_goes_through_the_service(world, client):
    make_objective(world.plan_a, code="1.1", weight=100, dirigente=world.dirigente_a)
    client.force_login(world.controllo)
    response = client.post(
        reverse("admin:objectives_monitoringperiod_add"),
        {
            "plan": world.plan_a.pk,
            "name": "31/12/2024",
            "reference_date": "31/12/2024",
            "is_open": "on",  # not a field: a new period is closed
        },
    )
    assert response.status_code == 302
    period = MonitoringPeriod.objects.get(plan=world.plan_a)
    assert period.is_open is False and period.ente_id == world.ente_a.pk
    assert period.history.get().history_user == world.controllo
    assert not Progress.objects.filter(ente=world.ente_a).exists()
    twin = client.post(
        reverse("admin:objectives_monitoringperiod_add"),
        {"plan": world.plan_a.pk, "name": "31/12/2024", "reference_date": "31/12/2024"},
    )
    assert twin.status_code == 200
    assert twin.context["adminform"].form.errors == {
        "name": ["Il piano ha già un periodo con questo nome."]
    }
    changelist = reverse("admin:objectives_monitoringperiod_changelist")
    Plan.objects.filter(pk=world.plan_a.pk).update(status=Plan.Status.APPROVATO)  # opens on it
    opened = client.post(
        changelist, {"action": "open_periods", "_selected_action": [period.pk]}, follow=True
    )
    assert "31/12/2024 · PIAO Alfa 2024-2026 aperto: 1 nuovi avanzamenti in bozza." in [
        str(m) for m in opened.context["messages"]
    ]
    period.refresh_from_db()
    assert period.is_open is True
    assert Progress.objects.filter(period=period, status="bozza").count() == 1
    assert period.history.first().history_user == world.controllo
    client.post(changelist, {"action": "close_periods", "_selected_action": [period.pk]})
    period.refresh_from_db()
    assert period.is_open is False


def test_period_of_another_ente_cannot_be_opened_by_action(world, client):
    period_b = MonitoringPeriod.objects.create(
        ente=world.ente_b,
        plan=world.plan_b,
        name="31/12/2024",
        reference_date=dt.date(2024, 12, 31),
    )
    client.force_login(world.controllo)
    client.post(
        reverse("admin:objectives_monitoringperiod_changelist"),
        {"action": "open_periods", "_selected_action": [period_b.pk]},
    )
    period_b.refresh_from_db()
    assert period_b.is_open is False


# --- Weight categories changed without re-weighing -------------------------------------------


def test_plan_weight_categories_in_the_admin_reweigh_the_objectives(world, client):
    plan = world.plan_a
    Plan.objects.filter(pk=plan.pk).update(weight_categories={"1": 1, "2": 2}, weight_mode="points")
    objective = make_objective(
        plan,
        code="1.1",
        weight=2,
        weight_text="2 - rilevante strategico",
        dirigente=world.dirigente_a,
    )
    client.force_login(world.controllo)
    url = reverse("admin:objectives_plan_change", args=[plan.pk])
    data = form_data(client.get(url))
    data.update(weight_categories=json.dumps({"1": 1, "2": 5}), status="validato")
    response = client.post(url, data, follow=True)
    assert "Regole aggiornate: 1 obiettivi hanno ora il peso della loro categoria." in [
        str(m) for m in response.context["messages"]
    ]
    plan.refresh_from_db()
    objective.refresh_from_db()
    assert plan.weight_categories == {"1": 1, "2": 5}
    assert objective.weight == Decimal(5)
    assert plan.status == "bozza"  # the status is not a form field
    latest = plan.history.first()
    assert latest.history_user == world.controllo
    assert latest.history_change_reason == "Regole di punteggio aggiornate"
    assert objective.history.first().weight == Decimal(5)


def test_plan_status_and_approval_act_are_not_form_fields(world, client):
    client.force_login(world.superuser)
    page = client.get(reverse("admin:objectives_plan_change", args=[world.plan_a.pk]))
    fields = page.context["adminform"].form.fields
    assert {"status", "approval_act_number", "approval_act_date", "ente"}.isdisjoint(fields)


# --- History revert --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["controllo", "superuser"])
def test_history_pages_show_the_past_and_never_write_it_back(world, client, report, who):
    objective = report.objective
    first = objective.history.earliest()
    Objective.objects.filter(pk=objective.pk).update(title="Titolo nuovo")
    client.force_login(getattr(world, who))
    listing = client.get(reverse("admin:objectives_objective_history", args=[objective.pk]))
    assert listing.status_code == 200
    url = reverse("admin:objectives_objective_simple_history", args=[objective.pk, first.pk])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert 'name="title"' not in text and "Ripristina" not in text and "Revert" not in text
    for target in (report, objective):
        target.refresh_from_db()
    versions = objective.history.count()
    response = client.post(url, {"title": "Obiettivo di prova", "code": objective.code})
    assert response.status_code == 403
    objective.refresh_from_db()
    assert objective.title == "Titolo nuovo"
    assert objective.history.count() == versions
    progress_url = reverse(
        "admin:objectives_progress_simple_history",
        args=[report.pk, report.history.earliest().pk],
    )
    assert client.post(progress_url, {"status": "validato"}).status_code == 403
    assert Progress.objects.get(pk=report.pk).status == "bozza"


def test_history_version_of_another_entes_row_is_not_found(world, client, report):
    client.force_login(world.outsider)
    url = reverse(
        "admin:objectives_objective_simple_history",
        args=[report.objective_id, report.objective.history.earliest().pk],
    )
    assert client.get(url).status_code == 404


# --- Plan content once the plan is past bozza -------------------------------------------------


def test_plan_content_is_editable_only_in_bozza():
    assert [s for s in Plan.Status if Plan(status=s).is_content_editable] == [Plan.Status.BOZZA]


def test_content_of_an_approved_plan_is_read_only_and_says_why(world, client):
    objective = make_objective(world.plan_a, code="1.1", weight=10, dirigente=world.dirigente_a)
    indicator = make_indicator(objective, targets=[(2024, 3)])
    target = indicator.targets.get()
    Plan.objects.filter(pk=world.plan_a.pk).update(status="approvato")
    client.force_login(world.controllo)
    history_before = (
        objective.history.count(),
        indicator.history.count(),
        target.history.count(),
    )
    for name, row in (("objective", objective), ("indicator", indicator), ("target", target)):
        url = reverse(f"admin:objectives_{name}_change", args=[row.pk])
        page = client.get(url)
        assert page.status_code == 200
        assert LOCKED in [str(m) for m in page.context["messages"]]
        assert 'name="_save"' not in page.content.decode()
        assert (
            client.post(url, {"code": "9.9", "description": "x", "year": 2025}).status_code == 403
        )
        delete = reverse(f"admin:objectives_{name}_delete", args=[row.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
    bulk = client.post(
        reverse("admin:objectives_objective_changelist"),
        {"action": "delete_selected", "_selected_action": [objective.pk], "post": "yes"},
    )
    assert bulk.status_code == 403
    # a new objective, indicator or target cannot be hung on the approved plan either
    added = client.post(
        reverse("admin:objectives_objective_add"),
        {
            "plan": world.plan_a.pk,
            "code": "2.1",
            "kind": "operativo",
            "section": "specifici",
            "order": 0,
            "indicators-TOTAL_FORMS": 0,
            "indicators-INITIAL_FORMS": 0,
        },
    )
    assert added.status_code == 200
    assert "plan" in added.context["adminform"].form.errors
    added = client.post(
        reverse("admin:objectives_target_add"),
        {"indicator": indicator.pk, "year": 2025, "comparator": ">=", "value": "4"},
    )
    assert "indicator" in added.context["adminform"].form.errors
    assert Objective.objects.filter(plan=world.plan_a).count() == 1
    assert Target.objects.filter(indicator=indicator).count() == 1
    assert Indicator.objects.get(pk=indicator.pk).description == "n. pratiche"
    assert Objective.objects.get(pk=objective.pk).code == "1.1"
    assert (
        objective.history.count(),
        indicator.history.count(),
        target.history.count(),
    ) == history_before


def test_a_validated_plan_says_it_never_changes(world, client):
    objective = make_objective(world.plan_a, code="1.1")
    Plan.objects.filter(pk=world.plan_a.pk).update(status="validato")
    client.force_login(world.controllo)
    page = client.get(reverse("admin:objectives_objective_change", args=[objective.pk]))
    assert [str(m) for m in page.context["messages"]] == [
        "Il piano è validato: i suoi contenuti non si modificano più."
    ]


def test_draft_plan_content_edited_in_the_admin_is_recorded_with_the_user(world, client):
    objective = make_objective(world.plan_a, code="1.1", weight=10, dirigente=world.dirigente_a)
    indicator = make_indicator(objective, targets=[(2024, 3)])
    client.force_login(world.controllo)
    url = reverse("admin:objectives_objective_change", args=[objective.pk])
    data = form_data(client.get(url))
    data["title"] = "Titolo corretto"
    data["indicators-0-description"] = "n. pratiche chiuse"
    # the nested targets' management form (not in the top-level helper)
    prefix = "indicators-0-targets"
    target = indicator.targets.get()
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "1",
            f"{prefix}-0-id": str(target.pk),
            f"{prefix}-0-indicator": str(indicator.pk),
            f"{prefix}-0-year": "2024",
            f"{prefix}-0-comparator": ">=",
            f"{prefix}-0-value": "5",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    objective.refresh_from_db()
    indicator.refresh_from_db()
    target.refresh_from_db()
    assert objective.title == "Titolo corretto"
    assert indicator.description == "n. pratiche chiuse"
    assert target.value == Decimal(5)
    for row in (objective, indicator, target):
        assert row.history.first().history_user == world.controllo


def test_plan_lock_is_looked_up_once_per_page_whatever_the_indicators(world, client):
    objective = make_objective(world.plan_a, code="1.1")
    make_indicator(objective, targets=[(2024, 1), (2025, 2)])
    client.force_login(world.controllo)
    url = reverse("admin:objectives_objective_change", args=[objective.pk])
    client.get(url)

    def plan_lookups() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return sum('"objectives_plan"."status" FROM' in q["sql"] for q in queries)

    # one for the objective, one for its indicators (nested_admin itself still reads each
    # indicator's targets with a query of its own)
    assert plan_lookups() == 2
    for i in range(5):
        make_indicator(objective, order=i + 1, targets=[(2024, 1), (2025, 2)])
    assert plan_lookups() == 2


def test_period_create_service_checks_the_role_and_the_plans_years(world):
    from django.core.exceptions import PermissionDenied, ValidationError

    from objectives.services import period_create

    with pytest.raises(PermissionDenied):
        period_create(
            plan_id=world.plan_a.pk,
            name="31/12/2024",
            reference_date=dt.date(2024, 12, 31),
            acting_user=world.outsider,
        )
    with pytest.raises(ValidationError, match="fuori dagli anni del piano"):
        period_create(
            plan_id=world.plan_a.pk,
            name="31/12/2031",
            reference_date=dt.date(2031, 12, 31),
            acting_user=world.controllo,
        )
    assert not MonitoringPeriod.objects.filter(plan=world.plan_a).exists()
