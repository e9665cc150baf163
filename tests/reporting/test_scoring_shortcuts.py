"""The dashboards' shortcuts give the same figures as the general functions they replace."""

import datetime as dt
from decimal import Decimal

import pytest

from objectives.models import MonitoringPeriod, Objective
from objectives.services import progress_rows_ensure
from reporting.scoring import (
    Scope,
    plan_scores,
    plan_scores_with_trend,
    responsible_scores,
    trend,
)
from tests.factories import make_objective
from tests.reporting.test_scoring import mp, nardi_reports, report  # noqa: F401

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.mark.parametrize("gate", [False, True])
def test_responsible_scores_match_the_scoped_scores_the_ente_and_the_trend(mp, gate):  # noqa: F811
    plan, period, nardi, gambini, objectives, gambini_objectives, _unit = mp
    june = MonitoringPeriod.objects.create(
        ente=plan.ente, plan=plan, name="30/06/2022", reference_date=dt.date(2022, 6, 30)
    )
    prerequisite = make_objective(plan, code="2.0", weight=None, weight_text="X", dirigente=nardi)
    progress_rows_ensure(period=june)
    progress_rows_ensure(period=period)
    for objective in objectives:
        report(objective, status="validato", validated=D(50), period=june)
    nardi_reports(objectives, period)
    report(gambini_objectives[0], status="inviato", declared=D(80), period=period)
    report(prerequisite, status="validato", validated=D(40 if gate else 100), period=period)

    own, ente, points = responsible_scores(plan, period, nardi.pk)

    scoped, scoped_trend = plan_scores_with_trend(plan, period, Scope(responsible_id=nardi.pk))
    assert own.responsibles == scoped.responsibles
    assert ente == plan_scores(plan, period).ente
    assert points == scoped_trend == trend(plan, Scope(responsible_id=nardi.pk))
    nardi_now = own.responsibles[0].score.value
    assert [p.score.value for p in points] == [D("50.00"), nardi_now]
    assert nardi_now == (D("0.00") if gate else D("79.00"))


def test_a_responsible_outside_every_weight_group_keeps_their_name(mp):  # noqa: F811
    plan, period, nardi, gambini, objectives, *_ = mp
    nardi_reports(objectives, period)
    # Nardi's objectives handed to Gambini after the period opened: the reports stay Nardi's.
    Objective.objects.filter(pk__in=[o.pk for o in objectives]).update(dirigente=None, eq=gambini)
    names = {r.person_id: r.name for r in plan_scores(plan, period).responsibles}
    assert names[nardi.pk] == "Giulio Nardi"
