"""A year the NdV validated: the gate before it, the exclusions, and figures that never move."""

import csv
import datetime as dt
import io
import json
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook

from objectives import services
from objectives.models import MonitoringPeriod, Plan, Progress, ProgressEvent
from objectives.services import WorkflowError
from reporting.exports.relazione import build_relazione
from reporting.models import FrozenResult, FrozenScore, ValidationStatement
from reporting.scoring import Scope, explain, plan_scores, trend

pytestmark = pytest.mark.django_db

STATEMENT = {"statement": "Validata.", "validated_on": "2025-06-20", "signatories": "Nicola Neri"}
STRICT = {
    "bands": [{"min": 0, "score": 0}, {"min": 50, "proportional": True}],
    "pay_bands": [{"min": 0, "share": 0, "label": "Z"}, {"min": 40, "share": 100, "label": "Y"}],
}


def _validate_url(plan, year=2024):
    return reverse("reporting:relazione_validate", args=[plan.pk, year])


@pytest.fixture
def closed(cycle):
    """2024: 1.1 (Anna) validated at 45%, 2.1 (Dario) at 80%; the period closed."""
    for progress, value in ((cycle.progress, 45), (cycle.other_progress, 80)):
        Progress.objects.filter(pk=progress.pk).update(
            status="validato",
            declared_achievement=Decimal(value),
            validated_achievement=Decimal(value),
        )
    services.period_close(period_id=cycle.period.pk, acting_user=cycle.controllo)
    return cycle


# -- the gate --------------------------------------------------------------------------------


def test_the_ndv_cannot_validate_a_year_whose_period_is_open(cycle, client):
    client.force_login(cycle.ndv)
    response = client.post(_validate_url(cycle.plan), STATEMENT)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Il 2024 ha periodi ancora aperti (31/12/2024): si valida a periodi chiusi." in page
    assert not ValidationStatement.objects.exists() and not FrozenResult.objects.exists()


def test_the_ndv_cannot_validate_a_year_with_reports_not_validated(cycle, client):
    Progress.objects.filter(pk=cycle.progress.pk).update(
        status="validato", validated_achievement=Decimal(45)
    )
    services.period_close(period_id=cycle.period.pk, acting_user=cycle.controllo)
    client.force_login(cycle.ndv)
    response = client.post(_validate_url(cycle.plan), STATEMENT)
    assert response.status_code == 400
    assert "1 risultati del 2024 su 2 non sono né validati né esclusi" in response.content.decode()
    assert not ValidationStatement.objects.exists()


def test_an_excluded_report_is_audited_shown_and_lets_the_year_be_validated(cycle, client):
    Progress.objects.filter(pk=cycle.progress.pk).update(
        status="validato", validated_achievement=Decimal(45)
    )
    progress = Progress.objects.get(pk=cycle.other_progress.pk)
    with pytest.raises(WorkflowError, match="solo a periodo chiuso"):
        services.progress_exclude(
            progress_id=progress.pk, version=progress.version, acting_user=cycle.ndv, reason="x"
        )
    services.period_close(period_id=cycle.period.pk, acting_user=cycle.controllo)
    with pytest.raises(PermissionDenied):
        services.progress_exclude(
            progress_id=progress.pk,
            version=progress.version,
            acting_user=cycle.segretario,
            reason="x",
        )
    client.force_login(cycle.ndv)
    url = reverse("objectives:progress_exclude", args=[progress.pk])
    detail = reverse("objectives:progress_detail", args=[progress.pk])
    assert 'data-testid="exclude-form"' in client.get(detail).content.decode()
    bad = client.post(url, {"version": progress.version, "reason": ""})
    assert bad.status_code == 400
    client.post(url, {"version": progress.version, "reason": "Servizio esternalizzato a marzo"})
    progress.refresh_from_db()
    assert progress.is_excluded and progress.excluded_by == cycle.ndv
    event = ProgressEvent.objects.filter(progress=progress).latest("at")
    assert (event.action, event.actor, event.note) == (
        "exclude",
        cycle.ndv,
        "Servizio esternalizzato a marzo",
    )
    page = client.get(detail).content.decode()
    assert "Servizio esternalizzato a marzo" in page and 'data-testid="excluded"' in page
    # it scores nothing: the ente's figure is Anna's alone
    assert plan_scores(cycle.plan, cycle.period).ente.value == Decimal("45.00")
    relazione = client.get(reverse("reporting:relazione_detail", args=[cycle.plan.pk, 2024]))
    assert "Servizio esternalizzato a marzo" in relazione.content.decode()
    assert client.post(_validate_url(cycle.plan), STATEMENT).status_code == 302
    assert ValidationStatement.objects.filter(plan=cycle.plan, year=2024).exists()


def test_only_the_ndv_validates_and_the_last_year_only_on_a_closed_plan(cycle):
    last = MonitoringPeriod.objects.create(
        ente=cycle.ente, plan=cycle.plan, name="31/12/2026", reference_date=dt.date(2026, 12, 31)
    )
    with pytest.raises(PermissionDenied):
        services.plan_year_freeze(plan_id=cycle.plan.pk, year=2026, acting_user=cycle.controllo)
    with pytest.raises(WorkflowError, match="il controllo di gestione deve prima chiudere"):
        services.plan_year_freeze(plan_id=cycle.plan.pk, year=2026, acting_user=cycle.ndv)
    with pytest.raises(WorkflowError, match="non ha periodi di monitoraggio nel 2025"):
        services.plan_year_freeze(plan_id=cycle.plan.pk, year=2025, acting_user=cycle.ndv)
    services.period_close(period_id=cycle.period.pk, acting_user=cycle.controllo)
    Progress.objects.filter(period=cycle.period).update(
        status="validato", validated_achievement=Decimal(50)
    )
    services.plan_close(plan_id=cycle.plan.pk, acting_user=cycle.controllo)
    services.plan_year_freeze(plan_id=cycle.plan.pk, year=2026, acting_user=cycle.ndv)
    plan = Plan.objects.get(pk=cycle.plan.pk)
    last.refresh_from_db()
    assert plan.status == Plan.Status.VALIDATO and last.is_frozen
    assert plan.history.first().history_change_reason.startswith("Validato")


# -- after the validation --------------------------------------------------------------------


def test_a_validated_year_is_never_reopened(closed, client):
    client.force_login(closed.ndv)
    assert client.post(_validate_url(closed.plan), STATEMENT).status_code == 302
    progress = Progress.objects.get(pk=closed.progress.pk)
    with pytest.raises(WorkflowError, match="Il NdV ha validato il 2024"):
        services.progress_reopen(
            progress_id=progress.pk, version=progress.version, acting_user=closed.ndv, reason="x"
        )
    page = client.get(reverse("objectives:progress_detail", args=[progress.pk])).content.decode()
    assert "Riapri il risultato" not in page and 'data-testid="frozen"' in page
    with pytest.raises(WorkflowError, match="Il NdV ha validato il 2024"):
        services.period_open(period_id=closed.period.pk, acting_user=closed.controllo)
    closed.period.refresh_from_db()
    assert not closed.period.is_open
    assert Progress.objects.get(pk=progress.pk).status == "validato"


def _percents(html: str) -> list[str]:
    return re.findall(r"\d+(?:,\d+)?\s?%", html)


def _figures(cycle, client) -> dict:
    """Every figure of 2024 a user can see or download."""
    plan = Plan.objects.get(pk=cycle.plan.pk)
    period = MonitoringPeriod.objects.get(pk=cycle.period.pk)
    scores = plan_scores(plan, period)
    query = {"periodo": period.pk}
    dashboard = reverse("reporting:dashboard_plan", args=[plan.pk])
    explanation = reverse("reporting:dashboard_explanation", args=[plan.pk])

    def export(table, fmt="csv"):
        url = reverse("reporting:dashboard_export", args=[plan.pk, table])
        response = client.get(url, query | {"formato": fmt})
        assert response.status_code == 200
        if fmt == "xlsx":
            return list(load_workbook(io.BytesIO(response.content)).active.values)
        return list(csv.reader(io.StringIO(response.content.decode()), delimiter=";"))

    relazione = build_relazione(plan, 2024)
    relazione_page = client.get(reverse("reporting:relazione_detail", args=[plan.pk, 2024]))
    plan_json = client.get(reverse("reporting:plan_export", args=[plan.pk, "json"]))
    return {
        "ente": scores.ente.value,
        "groups": [(r.name, r.score.value, r.score.pay_band.text) for r in scores.responsibles],
        "explain": [
            (p.objective.code, p.achievement, p.score, p.band.text, p.contribution)
            for p in explain(plan, period, Scope()).parts
        ],
        "trend": [p.score.value for p in trend(plan)],
        "dashboard": _percents(client.get(dashboard, query).content.decode()),
        "explanation_page": _percents(client.get(explanation, query).content.decode()),
        "csv": export("responsabili"),
        "xlsx": export("responsabili", "xlsx"),
        "explanation_csv": export("spiegazione"),
        "relazione": [
            (s.name, s.score.value, s.pay_band, [(x.achievement, x.score, x.band) for x in s.lines])
            for s in relazione.sections
        ],
        "relazione_page": _percents(relazione_page.content.decode()),
        "plan_json": json.loads(plan_json.content)["objectives"],
    }


def test_rule_changes_after_validation_leave_every_figure_of_the_year_unchanged(closed, client):
    client.force_login(closed.ndv)
    assert client.post(_validate_url(closed.plan), STATEMENT).status_code == 302
    assert FrozenResult.objects.filter(period=closed.period).count() == 2
    stored = {
        (s.person_id, s.section): (s.score, s.pay_band)
        for s in FrozenScore.objects.filter(period=closed.period)
    }
    assert stored[(None, "")][0] == Decimal("62.50")
    before = _figures(closed, client)
    assert before["ente"] == Decimal("62.50") and "62,5%" in before["dashboard"]

    # The controllo changes the bands, the cap and the pay bands of the plan...
    services.plan_scoring_rules_update(
        plan_id=closed.plan.pk,
        acting_user=closed.controllo,
        achievement_cap=Decimal(70),
        weight_categories={},
        scoring_rules=STRICT,
    )
    after = _figures(closed, client)
    assert after == before
    # ... and even a validated % written around the services (the admin, the database) moves
    # no score, band or pay band: the stored figures are read. (The report's own columns, shown
    # as typed on the Relazione page, are data, not figures: they are left out here.)
    Progress.objects.filter(period=closed.period).update(validated_achievement=Decimal(10))
    raw = {"plan_json": None, "relazione_page": None}
    assert _figures(closed, client) | raw == before | raw


def test_open_data_publishes_the_stored_figures_of_a_validated_plan(cycle, client):
    plan = cycle.plan
    Plan.objects.filter(pk=plan.pk).update(first_year=2024, last_year=2024)
    services.period_close(period_id=cycle.period.pk, acting_user=cycle.controllo)
    Progress.objects.filter(period=cycle.period).update(
        status="validato", validated_achievement=Decimal(77)
    )
    services.plan_close(plan_id=plan.pk, acting_user=cycle.controllo)
    client.force_login(cycle.ndv)
    assert client.post(_validate_url(plan), STATEMENT).status_code == 302
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.VALIDATO
    client.logout()
    url = reverse("reporting:opendata_results", args=[cycle.ente.slug, plan.pk, "json"])
    before = client.get(url).content
    Progress.objects.filter(period=cycle.period).update(validated_achievement=Decimal(10))
    assert client.get(url).content == before  # written around the services: not read
    assert b"77" in before
    with pytest.raises(WorkflowError, match="Il piano è validato"):
        services.plan_scoring_rules_update(
            plan_id=plan.pk,
            acting_user=cycle.controllo,
            achievement_cap=Decimal(70),
            weight_categories={},
            scoring_rules=STRICT,
        )


def test_the_relazione_of_a_validated_year_shows_the_stored_scores_and_pay_bands(closed, client):
    client.force_login(closed.ndv)
    assert client.post(_validate_url(closed.plan), STATEMENT).status_code == 302
    anna = closed.objective.dirigente_id
    stored = FrozenScore.objects.get(period=closed.period, person_id=anna)
    assert (stored.score, stored.pay_band) == (
        Decimal("45.00"),
        "fascia E (da 0%): 0% del risultato",
    )
    # what the validation stored is what the Relazione shows (not a figure worked out again)
    FrozenScore.objects.filter(pk=stored.pk).update(score=Decimal("44.44"), pay_band="fascia W")
    relazione = build_relazione(Plan.objects.get(pk=closed.plan.pk), 2024)
    section = next(s for s in relazione.sections if s.name == "Anna Alfieri")
    assert (section.score.value, section.pay_band) == (Decimal("44.44"), "fascia W")
