"""Downloads of the plan page and of the filtered lists: exactly the rows shown, per ente."""

import csv
import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from objectives.models import Progress
from objectives.services import progress_rows_ensure
from tests.reporting.exports_data import codes, plan_with_units

pytestmark = pytest.mark.django_db


def csv_rows(response) -> list[dict]:
    """A download for people (reporting.exports.csv.PEOPLE): BOM, semicolons."""
    assert response.content.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def export_url(plan, fmt: str, query: str = "") -> str:
    return reverse("reporting:plan_export", args=[plan.pk, fmt]) + (f"?{query}" if query else "")


@pytest.fixture
def esporta():
    return plan_with_units(3)


def test_plan_page_lists_the_filtered_objectives_with_download_links(client, esporta):
    client.force_login(esporta.viewer)
    url = reverse("objectives:plan_detail", args=[esporta.plan.pk])
    response = client.get(url, {"dirigente": esporta.dario.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-code="2.1"' in html and 'data-code="1.1"' not in html
    assert f"dirigente={esporta.dario.pk}" in html  # the downloads carry the filters
    assert response.context["table"].paginator.count == 3


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx", "pdf"])
def test_export_of_a_filtered_plan_holds_exactly_the_filtered_rows(client, esporta, fmt):
    client.force_login(esporta.viewer)
    response = client.get(export_url(esporta.plan, fmt, f"dipartimento={esporta.territorio.pk}"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    expected = ["2.1", "2.2", "2.3"]  # the servizio's objectives are the dipartimento's
    if fmt == "csv":
        assert [r["NR"] for r in csv_rows(response)] == expected
    elif fmt == "json":
        document = json.loads(response.content)
        assert document["schema"] == "piao.plan/1"
        assert [o["code"] for o in document["objectives"]] == expected
    elif fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(response.content))["Piano"]
        assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == expected
    else:
        from pypdf import PdfReader

        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
        assert "2.3" in text.replace("\n", "") and "Obiettivo numero 1.1" not in text


def test_text_filter_and_unfiltered_export(client, esporta):
    client.force_login(esporta.viewer)
    assert [r["NR"] for r in csv_rows(client.get(export_url(esporta.plan, "csv", "q=2.2")))] == [
        "2.2"
    ]
    assert [r["NR"] for r in csv_rows(client.get(export_url(esporta.plan, "csv")))] == codes(
        esporta.plan
    )


def test_bad_filter_gets_a_clear_400(client, esporta):
    client.force_login(esporta.viewer)
    response = client.get(export_url(esporta.plan, "csv", "dirigente=999999"))
    assert response.status_code == 400
    assert "filtri" in response.content.decode()
    page = client.get(reverse("objectives:plan_detail", args=[esporta.plan.pk]), {"kind": "x"})
    assert page.status_code == 400


def test_other_entes_get_404_and_anonymous_users_the_login(client, esporta):
    other = plan_with_units(1, slug="altro")
    client.force_login(other.viewer)
    for fmt in ("csv", "json", "xlsx", "pdf"):
        assert client.get(export_url(esporta.plan, fmt)).status_code == 404
    assert client.get(reverse("objectives:plan_detail", args=[esporta.plan.pk])).status_code == 404
    client.logout()
    response = client.get(export_url(esporta.plan, "csv"))
    assert response.status_code == 302 and "/accesso/" in response["Location"]


def test_home_links_each_plan_to_its_page(client, esporta):
    client.force_login(esporta.viewer)
    html = client.get(reverse("home")).content.decode()
    assert reverse("objectives:plan_detail", args=[esporta.plan.pk]) in html


def grow(esporta, n: int, start: int = 0) -> None:
    from decimal import Decimal

    from objectives.models import Indicator, Objective, Target

    objectives = Objective.objects.bulk_create(
        Objective(
            ente=esporta.ente,
            plan=esporta.plan,
            code=f"x.{i}",
            title=f"Extra {i}",
            dirigente=esporta.anna,
            weight=Decimal(1),
            order=100 + i,
        )
        for i in range(start, start + n)
    )
    Objective.org_units.through.objects.bulk_create(
        Objective.org_units.through(objective=o, orgunit=esporta.affari) for o in objectives
    )
    indicators = Indicator.objects.bulk_create(
        Indicator(ente=esporta.ente, objective=o, description="n. atti") for o in objectives
    )
    Target.objects.bulk_create(
        Target(ente=esporta.ente, indicator=i, year=2024, comparator=">=", value=Decimal(3))
        for i in indicators
    )


PAGES = [
    # (url, pinned queries); the plan page shows one page of 50 rows, and asks the user's role
    # once for the plan's lifecycle buttons
    ("page", 21),
    ("csv", 13),
    ("json", 14),
    ("xlsx", 13),  # read in chunks of 500 objectives: 5 more queries per further chunk
]


@pytest.mark.parametrize("what, queries", PAGES)
def test_plan_page_and_exports_queries_are_the_same_with_10_and_300_more_objectives(
    client, esporta, django_assert_num_queries, what, queries
):
    client.force_login(esporta.viewer)
    if what == "page":
        url = reverse("objectives:plan_detail", args=[esporta.plan.pk]) + "?section=specifici"
    else:
        url = export_url(esporta.plan, what, "section=specifici")
    grow(esporta, 10)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    grow_more = 300
    from objectives.models import Objective

    Objective.objects.filter(plan=esporta.plan, code__startswith="x.").delete()
    grow(esporta, grow_more)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


# -- the lists of the cycle ---------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json", "pdf"])
def test_list_export_holds_exactly_the_filtered_rows_in_the_tables_columns(cycle, client, fmt):
    from tests.factories import make_objective

    anna = cycle.progress.responsible
    extra = make_objective(cycle.plan, code="3.1", weight=10, dirigente=anna, title="Terzo")
    progress_rows_ensure(period=cycle.period)
    client.force_login(cycle.dirigente)
    url = reverse("reporting:list_export", args=["my_objectives", fmt])
    response = client.get(url, {"q": "Terzo"})
    assert response.status_code == 200
    if fmt == "csv":
        rows = csv_rows(response)
        assert [r["Codice"] for r in rows] == ["3.1"]
        assert list(rows[0])[:3] == ["Codice", "Obiettivo", "Piano"]
    elif fmt == "json":
        document = json.loads(response.content)
        assert [r["code"] for r in document["rows"]] == ["3.1"]
    elif fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["3.1"]
    else:
        assert response.content.startswith(b"%PDF")
    everything = csv_rows(
        client.get(reverse("reporting:list_export", args=["my_objectives", "csv"]))
    )
    assert sorted(r["Codice"] for r in everything) == ["1.1", "3.1"]
    assert extra.progress.count() == 1


def test_list_export_keeps_percentages_as_numbers(cycle, client):
    from decimal import Decimal

    Progress.objects.filter(pk=cycle.progress.pk).update(
        status="verificato", declared_achievement=Decimal("85.5")
    )
    client.force_login(cycle.ndv)
    url = reverse("reporting:list_export", args=["validation_queue", "xlsx"])
    sheet = load_workbook(io.BytesIO(client.get(url).content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    declared = rows[0].index("Dichiarato")
    assert rows[1][declared] == pytest.approx(0.855)
    assert "Seleziona" not in " ".join(str(v) for v in rows[0])  # no checkbox column


def test_list_exports_follow_the_lists_permissions(cycle, client):
    client.force_login(cycle.dirigente)
    for name in ("review_queue", "validation_queue"):
        url = reverse("reporting:list_export", args=[name, "csv"])
        assert client.get(url).status_code == 403
    assert client.get(reverse("reporting:list_export", args=["nope", "csv"])).status_code == 404
    client.force_login(cycle.outsider)
    rows = csv_rows(client.get(reverse("reporting:list_export", args=["my_objectives", "csv"])))
    assert rows == []  # nothing of another ente


def test_list_pages_offer_the_downloads_with_their_filters(cycle, client):
    client.force_login(cycle.dirigente)
    html = client.get(reverse("objectives:my_objectives"), {"q": "tempi"}).content.decode()
    assert reverse("reporting:list_export", args=["my_objectives", "csv"]) + "?q=tempi" in html


def test_the_page_and_its_downloads_head_their_columns_alike(client, esporta):
    """One declaration (objectives.plan_table.plan_columns): the page shows the dipartimento
    heading where the downloads list the objective's own area; every other column is headed the
    same on the page, in the CSV, the XLSX's dipartimento sheets and the PDF."""
    import re

    client.force_login(esporta.viewer)
    html = client.get(reverse("objectives:plan_detail", args=[esporta.plan.pk])).content.decode()
    table = html[html.index('data-testid="objective-table"') :]
    page = [
        re.sub(r"<[^>]+>", "", th).strip()
        for th in re.findall(r"<th\b[^>]*>(.*?)</th>", table[: table.index("</thead>")], re.S)
    ]
    download = list(csv_rows(client.get(export_url(esporta.plan, "csv")))[0])
    years = [f"Target {year}" for year in esporta.plan.years]
    shared = ["NR", "Servizio", "Ufficio", "Soggetto competente", "EQ"]
    shared += ["Rif. DUP missione/programma", "Finalità", "Obiettivo", "Peso", "Quota del peso"]
    shared += ["Indicatore", "Baseline", *years, "Risultato atteso", "Tempi"]
    assert page == [shared[0], "Dipartimento / Area", *shared[1:]]
    assert download == [shared[0], "Ambito organizzativo", *shared[1:]]
