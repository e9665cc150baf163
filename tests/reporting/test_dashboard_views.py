"""The dashboards as each persona sees them: figures, drill-down, exports, permissions."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from objectives.models import MonitoringPeriod, Objective, Progress
from organisation.models import Assignment, OrgUnit
from reporting.scoring import achievement_of
from tests.factories import make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(cycle):
    """Anna's 1.1 validated at 85,5% (her declared 90%); Dario's 2.1 declared 70% and sent;
    Anna in the Affari generali dipartimento, Dario in Territorio."""
    affari = OrgUnit.objects.create(
        ente=cycle.ente, kind="dipartimento", code="01", name="Affari generali"
    )
    territorio = OrgUnit.objects.create(
        ente=cycle.ente, kind="dipartimento", code="02", name="Territorio"
    )
    cycle.objective.org_units.add(affari)
    Assignment.objects.create(
        ente=cycle.ente, person=cycle.other_progress.responsible, unit=territorio, role="dirigente"
    )
    Progress.objects.filter(pk=cycle.progress.pk).update(
        status="validato", declared_achievement=Decimal(90), validated_achievement=Decimal("85.5")
    )
    Progress.objects.filter(pk=cycle.other_progress.pk).update(
        status="inviato", declared_achievement=Decimal(70), computed_achievement=Decimal(75)
    )
    cycle.affari, cycle.territorio = affari, territorio
    return cycle


def dashboard(plan):
    return reverse("reporting:dashboard_plan", args=[plan.pk])


def explanation(plan, **query):
    return reverse("reporting:dashboard_explanation", args=[plan.pk]), query


@pytest.mark.parametrize("persona", ["segretario", "ndv", "controllo", "viewer"])
def test_ente_roles_see_the_headline_and_every_table(scored, client, persona):
    client.force_login(getattr(scored, persona))
    response = client.get(dashboard(scored.plan))
    assert response.status_code == 200
    html = response.content.decode()
    # (100 x 85,5 + 100 x 70) / 200: each dirigente's only objective is all of their group.
    assert 'data-testid="ente-score">77,75%<' in html
    assert "inviati 100% · verificati 50% · validati 50%" in html
    for name in (
        "dipartimenti",
        "responsabili",
        "missioni",
        "programmi",
        "ritardi",
        "rischio",
        "andamento",
    ):
        assert f'data-testid="section-{name}"' in html
    assert "Affari generali" in html and "Territorio" in html
    assert "85,5%" in html and "70%" in html


def test_dirigente_is_sent_to_their_own_dashboard_with_the_ente_aggregate_only(scored, client):
    client.force_login(scored.dirigente)
    anna = scored.progress.responsible
    response = client.get(dashboard(scored.plan))
    own = reverse("reporting:dashboard_responsible", args=[scored.plan.pk, anna.pk])
    assert response.status_code == 302 and response.url == own
    html = client.get(own).content.decode()
    assert 'data-testid="group-score">85,5%<' in html
    assert 'data-testid="ente-aggregate">77,75%<' in html
    assert "Dario Donati" not in html
    # Nobody else's figures: not Dario's dashboard, not a dipartimento, not the ente's breakdown.
    dario = scored.other_progress.responsible
    assert (
        client.get(
            reverse("reporting:dashboard_responsible", args=[scored.plan.pk, dario.pk])
        ).status_code
        == 403
    )
    url, _q = explanation(scored.plan)
    assert client.get(url).status_code == 403
    assert client.get(url, {"dipartimento": scored.territorio.pk}).status_code == 403
    assert client.get(url, {"responsabile": dario.pk}).status_code == 403
    assert client.get(url, {"responsabile": anna.pk, "sezione": "specifici"}).status_code == 200
    export = reverse("reporting:dashboard_export", args=[scored.plan.pk, "responsabili"])
    assert client.get(export).status_code == 403


def test_what_is_due_shows_on_the_responsibles_dashboard(cycle, client):
    client.force_login(cycle.dirigente)
    anna = cycle.progress.responsible
    html = client.get(
        reverse("reporting:dashboard_responsible", args=[cycle.plan.pk, anna.pk])
    ).content.decode()
    assert reverse("objectives:progress_detail", args=[cycle.progress.pk]) in html


def test_other_entes_get_404_everywhere(scored, client, world):
    anna = scored.progress.responsible
    urls = [
        dashboard(scored.plan),
        reverse("reporting:dashboard_responsible", args=[scored.plan.pk, anna.pk]),
        reverse("reporting:dashboard_explanation", args=[scored.plan.pk]),
        reverse("reporting:dashboard_export", args=[scored.plan.pk, "dipartimenti"]),
        reverse("reporting:dashboard_rules", args=[scored.plan.pk]),
    ]
    for persona in (scored.outsider, world.outsider, world.superuser):
        client.force_login(persona)
        for url in urls:
            assert client.get(url).status_code == 404, (persona, url)
    # A person of another ente cannot be reached through this plan either.
    client.force_login(scored.segretario)
    assert (
        client.get(
            reverse("reporting:dashboard_responsible", args=[scored.plan.pk, world.dirigente_b.pk])
        ).status_code
        == 404
    )


def test_anonymous_users_are_sent_to_log_in(scored, client):
    response = client.get(dashboard(scored.plan))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_drill_down_from_a_dipartimento_lists_its_objectives_with_weight_source_and_band(
    scored, client
):
    client.force_login(scored.segretario)
    html = client.get(dashboard(scored.plan)).content.decode()
    url, query = explanation(scored.plan, periodo=scored.period.pk, dipartimento=scored.affari.pk)
    link = f"{url}?periodo={scored.period.pk}&amp;dipartimento={scored.affari.pk}"
    assert link in html
    page = client.get(url, query).content.decode()
    assert 'data-testid="figure">85,5%<' in page
    assert "validato NdV" in page and "da 0% in su, proporzionale" in page
    assert reverse("objectives:objective_detail", args=[scored.objective.pk]) in page
    assert "Ridurre i tempi delle pratiche" in page
    assert reverse("objectives:objective_detail", args=[scored.other_objective.pk]) not in page


def test_dashboard_filter_narrows_every_figure(scored, client):
    client.force_login(scored.segretario)
    html = client.get(
        dashboard(scored.plan), {"dipartimento": scored.territorio.pk}
    ).content.decode()
    assert 'data-testid="ente-score">70%<' in html
    assert "Anna Alfieri" not in html


@pytest.mark.parametrize(
    "query", [{"periodo": "abc"}, {"dipartimento": "999999"}, {"sezione": "altro"}]
)
def test_bad_filters_are_a_400_with_an_italian_message(scored, client, query):
    client.force_login(scored.segretario)
    response = client.get(dashboard(scored.plan), query)
    assert response.status_code == 400
    assert "Filtro non valido" in response.content.decode()


def test_a_period_of_another_plan_is_refused(scored, client):
    other = make_plan(scored.ente, title="Altro piano")
    period = MonitoringPeriod.objects.create(
        ente=scored.ente, plan=other, name="x", reference_date="2024-06-30"
    )
    client.force_login(scored.segretario)
    assert client.get(dashboard(scored.plan), {"periodo": period.pk}).status_code == 400
    url, _q = explanation(scored.plan)
    assert client.get(url, {"periodo": period.pk}).status_code == 400
    assert client.get(url, {"dipartimento": "uno"}).status_code == 400


def test_late_list_once_the_period_is_past_due(scored, client):
    Progress.objects.filter(pk=scored.progress.pk).update(
        status="bozza", validated_achievement=None
    )
    client.force_login(scored.segretario)
    html = client.get(dashboard(scored.plan)).content.decode()
    late = html[
        html.index('data-testid="section-ritardi"') : html.index('data-testid="section-rischio"')
    ]
    assert "Ridurre i tempi delle pratiche" in late  # due 31/01/2025, long past
    assert 'data-testid="late-count">1<' in html


def test_at_risk_list_uses_the_plans_threshold(scored, client):
    client.force_login(scored.segretario)

    def at_risk_section():
        html = client.get(dashboard(scored.plan)).content.decode()
        return html[
            html.index('data-testid="section-rischio"') : html.index(
                'data-testid="section-andamento"'
            )
        ]

    assert "Anna Alfieri" not in at_risk_section()
    scored.plan.scoring_rules = scored.plan.scoring_rules | {"at_risk_below": 90}
    scored.plan.save()
    section = at_risk_section()
    assert "Anna Alfieri" in section and "Dario Donati" in section


def test_csv_export_has_the_tables_columns_every_row_and_no_formula(scored, client):
    Objective.objects.filter(pk=scored.objective.pk).update(title='=HYPERLINK("x")')
    client.force_login(scored.viewer)
    response = client.get(
        reverse("reporting:dashboard_export", args=[scored.plan.pk, "responsabili"])
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    # The people's dialect (reporting.exports.csv.PEOPLE): BOM, semicolons, decimal comma.
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Dirigente / EQ", "Gruppo di peso", "Punteggio"]
    assert [(r[0], r[2]) for r in rows[1:]] == [
        ("Anna Alfieri", "85,50"),
        ("Dario Donati", "70,00"),
    ]
    url, query = explanation(scored.plan, dipartimento=scored.affari.pk)
    export = reverse("reporting:dashboard_export", args=[scored.plan.pk, "spiegazione"])
    content = client.get(export, query).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert rows[1][1] == '\'=HYPERLINK("x")'


def test_xlsx_export_opens_with_numbers_as_numbers(scored, client):
    from openpyxl import load_workbook

    client.force_login(scored.ndv)
    response = client.get(
        reverse("reporting:dashboard_export", args=[scored.plan.pk, "dipartimenti"]),
        {"formato": "xlsx"},
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][:2] == ("Voce", "Punteggio")
    assert values[1][:2] == ("01 Affari generali", 85.5)
    assert (
        client.get(
            reverse("reporting:dashboard_export", args=[scored.plan.pk, "nessuna"])
        ).status_code
        == 400
    )
    assert (
        client.get(
            reverse("reporting:dashboard_export", args=[scored.plan.pk, "dipartimenti"]),
            {"formato": "pdf"},
        ).status_code
        == 400
    )


def test_plan_without_periods_says_so(world, client):
    client.force_login(world.viewer)
    response = client.get(dashboard(world.plan_a))
    assert response.status_code == 200
    assert "non ha ancora periodi di monitoraggio" in response.content.decode()


def test_index_lists_the_plans_of_the_users_entes(scored, client, world):
    client.force_login(scored.viewer)
    html = client.get(reverse("reporting:dashboard_index")).content.decode()
    assert dashboard(scored.plan) in html and dashboard(world.plan_b) not in html


def test_explaining_a_person_of_another_ente_is_a_404(scored, client, world):
    client.force_login(scored.segretario)
    url, _q = explanation(scored.plan)
    assert client.get(url, {"responsabile": world.dirigente_b.pk}).status_code == 404
    anna = scored.progress.responsible
    page = client.get(url, {"responsabile": anna.pk}).content.decode()
    assert "Punteggio di Anna Alfieri" in page


def _parts_html(client, url, query) -> str:
    html = client.get(url, query).content.decode()
    return html[html.index('data-testid="parts"') :]


def test_explanation_sorts_by_achievement_either_way(scored, client):
    client.force_login(scored.segretario)
    url, _q = explanation(scored.plan)
    up = _parts_html(client, url, {"sort": "achievement"})
    down = _parts_html(client, url, {"sort": "-achievement"})
    assert up.index("Dario Donati") < up.index("Anna Alfieri")  # 70% before 85,5%
    assert down.index("Anna Alfieri") < down.index("Dario Donati")


def test_explanation_pages_hold_every_report_once(client):
    from objectives.synthetic import make_synthetic_ente, make_synthetic_progress
    from organisation.models import Membership
    from tests.factories import make_user

    plan = make_synthetic_ente(1, 120)
    _june, december = make_synthetic_progress(plan)
    client.force_login(
        make_user("segretario-pagine", ente=plan.ente, role=Membership.Role.SEGRETARIO)
    )
    url, _q = explanation(plan)
    seen = []
    for page in (1, 2, 3):
        html = _parts_html(client, url, {"periodo": december.pk, "page": page, "sort": "-score"})
        seen += [
            pk
            for pk in Objective.objects.filter(plan=plan).values_list("pk", flat=True)
            if f'/obiettivi/{pk}/"' in html
        ]
    assert sorted(seen) == sorted(Objective.objects.filter(plan=plan).values_list("pk", flat=True))


def test_late_and_at_risk_lists_page_through_every_report_of_the_scope(client):
    from objectives.synthetic import make_synthetic_ente, make_synthetic_progress
    from organisation.models import Membership
    from tests.factories import make_user

    plan = make_synthetic_ente(1, 120)
    _june, december = make_synthetic_progress(plan)
    unit = OrgUnit.objects.filter(ente=plan.ente, kind="dipartimento").order_by("pk").first()
    plan.scoring_rules = plan.scoring_rules | {"at_risk_below": 90}
    plan.save()
    mine = Progress.objects.filter(period=december, objective__org_units=unit)
    ids = list(mine.order_by("pk").values_list("pk", flat=True))  # 30: the random states aside,
    Progress.objects.filter(pk__in=ids[:14]).update(status="bozza", declared_achievement=None)
    Progress.objects.filter(pk__in=ids[14:]).update(
        status="validato", validated_achievement=Decimal(50)
    )  # 14 late, at least 16 at risk
    late = mine.filter(status="bozza").count()
    at_risk = 0
    for progress in mine:  # the achievement the rules score, under the plan's 90%
        value = achievement_of(progress).value
        at_risk += value is not None and value < 90
    assert late > 10 and at_risk > 10
    client.force_login(
        make_user("segretario-liste", ente=plan.ente, role=Membership.Role.SEGRETARIO)
    )

    def listed(name: str, page: int) -> int:
        html = client.get(
            dashboard(plan),
            {"periodo": december.pk, "dipartimento": unit.pk, f"{name}-page": page},
        ).content.decode()
        section = html[html.index(f'data-testid="section-{name}"') :]
        section = section[: section.index("</section>")]
        return section.count('href="/piano/obiettivi/')

    for name, total in (("ritardi", late), ("rischio", at_risk)):
        pages = (total + 9) // 10
        assert sum(listed(name, page) for page in range(1, pages + 1)) == total


def test_a_responsibles_long_list_of_reports_to_send_shows_the_first_twenty_and_counts_the_rest(
    client,
):
    from objectives.synthetic import make_synthetic_ente, make_synthetic_progress
    from organisation.models import Membership, Person
    from tests.factories import make_user

    plan = make_synthetic_ente(1, 120)
    _june, december = make_synthetic_progress(plan)
    person = Person.objects.filter(ente=plan.ente).order_by("pk").first()
    Progress.objects.filter(period=december, responsible=person).update(status="bozza")
    person.user = make_user("dirigente-lista", ente=plan.ente, role=Membership.Role.RESPONSABILE)
    person.save(update_fields=["user"])
    client.force_login(person.user)
    html = client.get(
        reverse("reporting:dashboard_responsible", args=[plan.pk, person.pk])
    ).content.decode()
    due = html[html.index('data-testid="due"') :]
    due = due[: due.index("</section>")]
    assert due.count("<li>") == 20
    assert "E ancora altri 10 avanzamenti da inviare." in due  # 30 in December
    assert reverse("objectives:todo") in due


def test_every_dashboard_table_has_as_many_cells_as_headers(scored, client):
    Progress.objects.filter(pk=scored.progress.pk).update(
        status="bozza", validated_achievement=None, declared_achievement=None
    )
    scored.plan.scoring_rules = scored.plan.scoring_rules | {"at_risk_below": 90}
    scored.plan.save()
    client.force_login(scored.segretario)
    html = client.get(dashboard(scored.plan)).content.decode()
    names = ["dipartimenti", "responsabili", "missioni", "programmi", "ritardi", "rischio"]
    for name in [*names, "andamento"]:
        section = html[html.index(f'data-testid="section-{name}"') :]
        section = section[: section.index("</section>")]
        head = section[section.index("<thead") : section.index("</thead>")]
        row = section[section.index("<tbody") :]
        row = row[: row.index("</tr>")]
        assert head.count("<th ") == row.count("<td") > 1, name
