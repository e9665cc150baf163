"""make_synthetic gives the dashboards something to show: reports in every state."""

import io

import pytest
from django.core.management import call_command

from objectives.models import MonitoringPeriod, Plan, Progress
from reporting.scoring import late_progress, plan_scores

pytestmark = pytest.mark.django_db


def test_make_synthetic_creates_two_periods_of_reports_in_every_state():
    out = io.StringIO()
    call_command("make_synthetic", entes=1, objectives_per_ente=40, stdout=out)
    plan = Plan.objects.get(ente__slug="sintetico-1")
    june, december = MonitoringPeriod.objects.filter(plan=plan).order_by("reference_date")
    assert (june.is_open, december.is_open) == (False, True)
    states = set(Progress.objects.filter(period=december).values_list("status", flat=True))
    assert states == {"bozza", "inviato", "verificato", "validato"}
    assert Progress.objects.filter(period=june, validated_achievement__isnull=False).count() == 24
    scores = plan_scores(plan, december)
    assert scores.ente.value is not None and 0 < scores.ente.value <= 100
    assert scores.ente.reports == 40 and len(scores.dipartimenti) == 4
    assert late_progress(plan, june).exists()


def test_make_synthetic_without_progress_leaves_the_plan_bare():
    call_command(
        "make_synthetic",
        entes=1,
        objectives_per_ente=8,
        without_progress=True,
        stdout=io.StringIO(),
    )
    assert not MonitoringPeriod.objects.filter(plan__ente__slug="sintetico-1").exists()
