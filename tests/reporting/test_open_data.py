"""Open data for Amministrazione Trasparente: public, approved plans only, nothing private."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from objectives.models import MonitoringPeriod, Plan, Progress
from objectives.services import progress_rows_ensure
from tests.factories import make_plan
from tests.reporting.exports_data import codes, plan_with_units

pytestmark = pytest.mark.django_db


def url(name: str, ente, *args) -> str:
    return reverse(f"reporting:{name}", args=[ente.slug, *args])


@pytest.fixture
def esporta():
    return plan_with_units(2)


def test_the_public_page_lists_only_approved_plans_without_login(client, esporta):
    draft = make_plan(esporta.ente, title="PIAO 2025-2027 (bozza)", first_year=2025, last_year=2027)
    response = client.get(url("opendata_index", esporta.ente))
    assert response.status_code == 200
    html = response.content.decode()
    assert esporta.plan.title in html and draft.title not in html
    assert url("opendata_plan", esporta.ente, esporta.plan.pk, "csv") in html
    assert client.get(url("opendata_plan", esporta.ente, draft.pk, "json")).status_code == 404
    assert client.get(url("opendata_plan", esporta.ente, draft.pk, "csv")).status_code == 404


def test_plan_json_and_csv_publish_the_plan_without_private_data(client, esporta):
    document = json.loads(
        client.get(url("opendata_plan", esporta.ente, esporta.plan.pk, "json")).content
    )
    assert document["schema"] == "piao.plan/1"
    assert [o["code"] for o in document["objectives"]] == codes(esporta.plan)
    assert all(o["staff"] == "" and o["notes"] == "" for o in document["objectives"])
    assert "progress" not in document["objectives"][0]
    # No names: a result per objective next to its responsible is that person's evaluation.
    assert document["objectives"][0]["dirigente"] is None and document["people"] == []
    content = client.get(url("opendata_plan", esporta.ente, esporta.plan.pk, "csv")).content
    # Open data as AgID asks (reporting.exports.csv.OPEN_DATA): UTF-8 without a BOM, commas.
    assert not content.startswith("\ufeff".encode()) and content.startswith(b"NR,")
    text = content.decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["NR"] for r in rows] == codes(esporta.plan)
    assert "Mario Rossi" not in text and "Nota interna" not in text


def test_a_plan_is_served_only_under_its_own_ente(client, esporta):
    other = plan_with_units(1, slug="altro")
    assert client.get(url("opendata_plan", other.ente, esporta.plan.pk, "json")).status_code == 404
    assert (
        client.get(url("opendata_index", other.ente)).content.decode().count("<tr data-plan") == 1
    )
    assert client.get("/trasparenza/nessuno/performance/").status_code == 404


def validated_cycle(esporta) -> MonitoringPeriod:
    import datetime as dt

    period = MonitoringPeriod.objects.create(
        ente=esporta.ente,
        plan=esporta.plan,
        name="31/12/2024",
        reference_date=dt.date(2024, 12, 31),
    )
    progress_rows_ensure(period=period)
    reports = Progress.objects.filter(period=period).order_by("objective__order")
    first, second = reports[0], reports[1]
    Progress.objects.filter(pk=first.pk).update(
        status="validato",
        declared_achievement=Decimal(90),
        validated_achievement=Decimal(85),
        validation_reason="motivazione riservata",
    )
    Progress.objects.filter(pk=second.pk).update(status="verificato", declared_achievement=50)
    return period


def test_validated_results_are_published_only_once_the_plan_is_validated(client, esporta):
    validated_cycle(esporta)
    results = url("opendata_results", esporta.ente, esporta.plan.pk, "json")
    assert client.get(results).status_code == 404  # the plan is only approved
    Plan.objects.filter(pk=esporta.plan.pk).update(status=Plan.Status.VALIDATO)
    document = json.loads(client.get(results).content)
    [row] = document["rows"]
    assert row == {
        "code": "1.1",
        "title": "Finalità 1.1 della sezione",
        "units": row["units"],
        "period": "31/12/2024",
        "validated": 85,
        "reports": 1,
    }
    assert row["units"]  # the organisational units say who answers, not a person's name
    assert document["distribution"][2] == {"from": 80, "to": 100, "objectives": 1}
    text = client.get(url("opendata_results", esporta.ente, esporta.plan.pk, "csv")).content
    assert "motivazione riservata" not in text.decode("utf-8-sig")
    assert "90" not in text.decode("utf-8-sig")  # the declared figure is not published


@pytest.mark.parametrize(
    "name, args, queries",
    [
        ("opendata_index", [], 2),
        ("opendata_plan", ["json"], 9),
        ("opendata_plan", ["csv"], 8),
    ],
)
def test_open_data_queries_are_the_same_with_10_and_300_more_objectives(
    client, esporta, django_assert_num_queries, name, args, queries
):
    from tests.reporting.test_export_views import grow

    args = [esporta.plan.pk, *args] if args else []
    address = url(name, esporta.ente, *args)
    grow(esporta, 10)
    with django_assert_num_queries(queries):
        assert client.get(address).status_code == 200
    grow(esporta, 300, start=10)
    with django_assert_num_queries(queries):
        assert client.get(address).status_code == 200


def test_no_open_data_file_names_a_person_while_the_results_are_published(client, esporta):
    """The Garante's line: individual evaluations are not published (issue 10, finding 5)."""
    from organisation.models import Person

    validated_cycle(esporta)
    Plan.objects.filter(pk=esporta.plan.pk).update(status=Plan.Status.VALIDATO)
    names = list(Person.objects.filter(ente=esporta.ente).values_list("full_name", flat=True))
    assert "Anna Alfieri" in names
    pk = esporta.plan.pk
    files = {
        "index": client.get(url("opendata_index", esporta.ente)),
        "plan.json": client.get(url("opendata_plan", esporta.ente, pk, "json")),
        "plan.csv": client.get(url("opendata_plan", esporta.ente, pk, "csv")),
        "results.json": client.get(url("opendata_results", esporta.ente, pk, "json")),
        "results.csv": client.get(url("opendata_results", esporta.ente, pk, "csv")),
    }
    for name, response in files.items():
        assert response.status_code == 200, name
        text = response.content.decode("utf-8-sig")
        assert [n for n in names if n in text] == [], name
    results = files["results.csv"].content.decode("utf-8-sig")
    assert "1.1" in results and "85" in results  # the per-objective result is still there
