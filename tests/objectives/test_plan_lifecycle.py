"""The plan's life: bozza -> approvato -> in monitoraggio -> chiuso, each step a service."""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from objectives import services
from objectives.models import MonitoringPeriod, Objective, Plan
from objectives.services import WorkflowError
from reporting.exports.plan import plan_to_json
from tests.factories import make_objective, make_plan
from tests.objectives.plan_import.conftest import plan_rows, xlsx_bytes
from tests.objectives.plan_import.test_views import confirm_url, preview_url, upload

pytestmark = pytest.mark.django_db

ACT_DATE = dt.date(2024, 2, 15)


def _period(plan: Plan, name="30/06/2024", day=dt.date(2024, 6, 30)) -> MonitoringPeriod:
    return MonitoringPeriod.objects.create(ente=plan.ente, plan=plan, name=name, reference_date=day)


def _approved(plan: Plan, user) -> Plan:
    return services.plan_approve(
        plan_id=plan.pk, acting_user=user, act_number="12", act_date=ACT_DATE
    )


def test_approval_needs_the_delibera_number_and_date(world):
    for number, date in (("", ACT_DATE), ("12", None), ("   ", ACT_DATE)):
        with pytest.raises(WorkflowError, match="numero e la data della delibera"):
            services.plan_approve(
                plan_id=world.plan_a.pk,
                acting_user=world.controllo,
                act_number=number,
                act_date=date,
            )
    world.plan_a.refresh_from_db()
    assert world.plan_a.status == Plan.Status.BOZZA and not world.plan_a.approval_act_number


def test_approval_is_the_controllo_di_gestiones_and_is_kept_in_the_history(world):
    with pytest.raises(PermissionDenied):
        _approved(world.plan_a, world.viewer)
    with pytest.raises(PermissionDenied):
        _approved(world.plan_a, world.outsider)  # the controllo of another ente
    plan = _approved(world.plan_a, world.controllo)
    assert plan.status == Plan.Status.APPROVATO
    assert (plan.approval_act_number, plan.approval_act_date) == ("12", ACT_DATE)
    last = plan.history.first()
    assert last.history_user == world.controllo
    assert last.history_change_reason == "Approvato con delibera n. 12 del 15/02/2024"
    with pytest.raises(WorkflowError, match="già approvato"):
        _approved(world.plan_a, world.controllo)


def test_a_period_opens_only_on_an_approved_plan_and_starts_the_monitoring(world):
    period = _period(world.plan_a)
    with pytest.raises(
        WorkflowError, match="è bozza: un periodo si apre solo su un piano approvato"
    ):
        services.period_open(period_id=period.pk, acting_user=world.controllo)
    period.refresh_from_db()
    assert not period.is_open
    _approved(world.plan_a, world.controllo)
    services.period_open(period_id=period.pk, acting_user=world.controllo)
    world.plan_a.refresh_from_db()
    assert world.plan_a.status == Plan.Status.IN_MONITORAGGIO
    assert world.plan_a.history.first().history_change_reason.startswith("In monitoraggio")


@pytest.mark.parametrize("status", [Plan.Status.CHIUSO, Plan.Status.VALIDATO])
def test_no_period_opens_on_a_closed_or_validated_plan(world, status):
    Plan.objects.filter(pk=world.plan_a.pk).update(status=status)
    period = _period(world.plan_a)
    with pytest.raises(WorkflowError, match="un periodo si apre solo"):
        services.period_open(period_id=period.pk, acting_user=world.controllo)
    period.refresh_from_db()
    assert not period.is_open and not period.progress.exists()


def test_the_plan_closes_only_when_every_period_is_closed(world):
    _approved(world.plan_a, world.controllo)
    with pytest.raises(WorkflowError, match="si chiude solo un piano in monitoraggio"):
        services.plan_close(plan_id=world.plan_a.pk, acting_user=world.controllo)
    period = _period(world.plan_a)
    services.period_open(period_id=period.pk, acting_user=world.controllo)
    with pytest.raises(WorkflowError, match="Chiudi prima i periodi ancora aperti: 30/06/2024"):
        services.plan_close(plan_id=world.plan_a.pk, acting_user=world.controllo)
    services.period_close(period_id=period.pk, acting_user=world.controllo)
    with pytest.raises(PermissionDenied):
        services.plan_close(plan_id=world.plan_a.pk, acting_user=world.viewer)
    plan = services.plan_close(plan_id=world.plan_a.pk, acting_user=world.controllo)
    assert plan.status == Plan.Status.CHIUSO


def test_weight_categories_of_an_approved_plan_change_only_through_a_variazione(world):
    _approved(world.plan_a, world.controllo)
    objective = make_objective(world.plan_a, weight=2, weight_text="2 - rilevante")
    with pytest.raises(WorkflowError, match="solo con una variazione del piano"):
        services.plan_scoring_rules_update(
            plan_id=world.plan_a.pk,
            acting_user=world.controllo,
            achievement_cap=Decimal(100),
            weight_categories={"2": 5},
            scoring_rules=world.plan_a.scoring_rules,
        )
    objective.refresh_from_db()
    assert objective.weight == 2


# -- the import ------------------------------------------------------------------------------


def _json_file(tmp_path, plan: Plan):
    path = tmp_path / "piano.json"
    document = plan_to_json(plan)
    document["objectives"][0]["title"] = "Titolo cambiato"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (Plan.Status.APPROVATO, "è approvato: un piano approvato cambia solo con una variazione"),
        (Plan.Status.VALIDATO, "è validato dal NdV: non si modifica più"),
    ],
)
def test_import_plan_refuses_an_approved_or_validated_plan(world, tmp_path, status, message):
    make_objective(world.plan_a, code="1", title="Titolo originale")
    Plan.objects.filter(pk=world.plan_a.pk).update(status=status)
    err = io.StringIO()
    with pytest.raises(CommandError, match="nulla è stato salvato"):
        call_command("import_plan", str(_json_file(tmp_path, world.plan_a)), stderr=err)
    assert message in err.getvalue()
    sheet = tmp_path / "piano.xlsx"
    sheet.write_bytes(xlsx_bytes(plan_rows(2)))
    err = io.StringIO()
    with pytest.raises(CommandError, match="nulla è stato salvato"):
        call_command(
            "import_plan",
            str(sheet),
            "--ente",
            "alfa",
            "--plan-title",
            world.plan_a.title,
            "--first-year",
            "2024",
            stderr=err,
        )
    assert message in err.getvalue()
    assert list(world.plan_a.objectives.values_list("title", flat=True)) == ["Titolo originale"]


def test_an_import_creates_a_draft_whatever_status_the_file_says(world, tmp_path):
    document = plan_to_json(world.plan_a)
    document["plan"] |= {"title": "Nuovo", "status": "validato"}
    path = tmp_path / "nuovo.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    call_command("import_plan", str(path), stdout=io.StringIO())
    assert Plan.objects.get(ente=world.ente_a, title="Nuovo").status == Plan.Status.BOZZA


def test_the_web_import_refuses_an_approved_plan_at_upload_preview_and_confirm(client, world):
    client.force_login(world.controllo)
    address = preview_url(upload(client, world, xlsx_bytes(plan_rows(2)), plan=world.plan_a.pk))
    _approved(world.plan_a, world.controllo)  # approved while the file waited
    response = client.get(address)
    assert response.status_code == 400
    page = response.content.decode()
    assert "un piano approvato cambia solo con una variazione" in page
    assert 'data-testid="preview-locked"' in page
    response = client.post(confirm_url(address))
    assert response.status_code == 400
    assert not Objective.objects.filter(plan=world.plan_a).exists()
    response = upload(client, world, xlsx_bytes(plan_rows(2)), plan=world.plan_a.pk)
    assert response.status_code == 400
    assert "cambia solo con una variazione" in response.content.decode()


# -- the plan page ---------------------------------------------------------------------------


def test_the_controllo_approves_and_closes_from_the_plan_page(client, world):
    url = reverse("objectives:plan_detail", args=[world.plan_a.pk])
    approve = reverse("objectives:plan_approve", args=[world.plan_a.pk])
    client.force_login(world.controllo)
    assert 'data-testid="plan-approve-form"' in client.get(url).content.decode()
    response = client.post(approve, {"act_number": "", "act_date": ""}, follow=True)
    assert "Indica il numero della delibera." in response.content.decode()
    response = client.post(approve, {"act_number": "7", "act_date": "2024-02-15"}, follow=True)
    page = response.content.decode()
    assert "Piano approvato." in page and "Approvato con delibera n. 7 del 15/02/2024" in page
    assert 'data-testid="plan-approve-form"' not in page
    period = _period(world.plan_a)
    services.period_open(period_id=period.pk, acting_user=world.controllo)
    close = reverse("objectives:plan_close", args=[world.plan_a.pk])
    page = client.post(close, follow=True).content.decode()
    assert "Chiudi prima i periodi ancora aperti" in page
    services.period_close(period_id=period.pk, acting_user=world.controllo)
    client.post(close)
    world.plan_a.refresh_from_db()
    assert world.plan_a.status == Plan.Status.CHIUSO


def test_only_the_entes_controllo_sees_and_uses_the_plan_buttons(client, world):
    url = reverse("objectives:plan_detail", args=[world.plan_a.pk])
    approve = reverse("objectives:plan_approve", args=[world.plan_a.pk])
    data = {"act_number": "7", "act_date": "2024-02-15"}
    client.force_login(world.viewer)
    assert 'data-testid="plan-actions"' not in client.get(url).content.decode()
    assert client.post(approve, data).status_code == 403
    client.force_login(world.outsider)
    assert client.post(approve, data).status_code == 404
    other = make_plan(world.ente_b)
    assert client.get(reverse("objectives:plan_detail", args=[other.pk])).status_code == 200
    world.plan_a.refresh_from_db()
    assert world.plan_a.status == Plan.Status.BOZZA
