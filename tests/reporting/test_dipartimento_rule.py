"""One dipartimento rule everywhere (issue 10, finding 4): an objective on a servizio of
dipartimento A whose dirigente is posted to B is listed AND scored under A: plan page, its
filter, PDF, workbook, report lists, dashboard, score explanation."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from objectives.models import MonitoringPeriod, Progress
from objectives.plan_table import plan_rows
from objectives.selectors import plan_objectives
from objectives.services import progress_rows_ensure
from organisation.models import Assignment, Membership, OrgUnit
from reporting.exports.pdf import pdf_columns, plan_groups
from reporting.exports.workbook import plan_workbook
from reporting.scoring import NO_KEY, Scope, explain, plan_scores
from tests.factories import make_ente, make_objective, make_person, make_plan, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    ente = make_ente("regola-dipartimento")
    plan = make_plan(ente, first_year=2024, last_year=2026)
    a = OrgUnit.objects.create(ente=ente, kind="dipartimento", code="01", name="Area Alfa")
    b = OrgUnit.objects.create(ente=ente, kind="dipartimento", code="02", name="Area Beta")
    servizio = OrgUnit.objects.create(
        ente=ente, kind="servizio", code="01-01", name="Servizio Alfa Uno", parent=a
    )
    bruno = make_person(ente, "Bruno Bianchi")  # posted to B
    Assignment.objects.create(ente=ente, person=bruno, unit=b, role="dirigente")
    on_a = make_objective(plan, code="1", weight=60, dirigente=bruno)
    on_a.org_units.set([servizio])
    unnamed = make_objective(plan, code="2", weight=40, dirigente=bruno)  # no unit: his post
    period = MonitoringPeriod.objects.create(
        ente=ente, plan=plan, name="31/12/2024", reference_date=dt.date(2024, 12, 31)
    )
    progress_rows_ensure(period=period)
    Progress.objects.filter(objective=on_a).update(
        status="validato", validated_achievement=Decimal(90)
    )
    Progress.objects.filter(objective=unnamed).update(
        status="validato", validated_achievement=Decimal(50)
    )
    viewer = make_user("lettore-regola", ente=ente, role=Membership.Role.VIEWER)
    return plan, period, a, b, on_a, unnamed, viewer


def test_the_plan_page_lists_it_under_its_servizios_area(case, client):
    plan, _period, a, b, on_a, unnamed, viewer = case
    rows = {row["code"]: row["group"] for row in plan_rows(plan, plan_objectives(plan))}
    assert rows == {"1": "Area Alfa", "2": "Area Beta"}
    client.force_login(viewer)
    url = reverse("objectives:plan_detail", args=[plan.pk])
    for unit, codes in ((a, ["1"]), (b, ["2"])):
        page = client.get(url, {"dipartimento": unit.pk})
        assert page.status_code == 200
        assert [row["code"] for row in page.context["table"].data] == codes


def test_the_pdf_and_the_workbook_put_it_under_its_servizios_area(case):
    from openpyxl import load_workbook

    plan, *_rest = case
    rows = plan_rows(plan, plan_objectives(plan))
    groups = plan_groups(rows, pdf_columns(plan, rows))
    assert [(name, [cells[0][0] for cells in items]) for name, items in groups] == [
        ("Area Alfa", ["1"]),
        ("Area Beta", ["2"]),
    ]
    workbook = load_workbook(io.BytesIO(plan_workbook(plan)), read_only=True)
    assert [
        [row[0] for row in workbook[title].iter_rows(min_row=2, values_only=True)]
        for title in ("Area Alfa", "Area Beta")
    ] == [["1"], ["2"]]


def test_the_dashboard_and_the_explanation_score_it_under_its_servizios_area(case):
    plan, period, a, b, on_a, unnamed, _viewer = case
    scores = plan_scores(plan, period)
    by_unit = {g.name: (g.score.reports, g.score.value) for g in scores.dipartimenti}
    assert by_unit == {"Area Alfa": (1, Decimal("90.00")), "Area Beta": (1, Decimal("50.00"))}
    explained = explain(plan, period, Scope(dipartimento_id=a.pk))
    assert [part.objective.code for part in explained.parts] == ["1"]
    assert explained.score.value == Decimal("90.00")
    assert [p.objective.code for p in explain(plan, period, Scope(dipartimento_id=b.pk)).parts] == [
        "2"
    ]
    assert explain(plan, period, Scope(dipartimento_id=NO_KEY)).parts == []


def test_the_report_lists_filter_it_under_its_servizios_area(case, client):
    plan, _period, a, b, on_a, _unnamed, _viewer = case
    bruno = on_a.dirigente
    user = make_user("bruno-regola", ente=plan.ente, role=Membership.Role.RESPONSABILE)
    bruno.user = user
    bruno.save()
    client.force_login(user)
    for unit, codes in ((a, ["1"]), (b, ["2"])):
        page = client.get(reverse("objectives:my_objectives"), {"dipartimento": unit.pk})
        assert page.status_code == 200
        assert page.context["table"].data.data.values_list(
            "objective__code", flat=True
        ).count() == len(codes)
        assert (
            list(page.context["table"].data.data.values_list("objective__code", flat=True)) == codes
        )
