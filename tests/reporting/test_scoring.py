"""Score arithmetic on hand-computed cases built from the Montepulciano and Montichiari weights."""

import datetime as dt
from decimal import Decimal

import pytest

from objectives.models import MonitoringPeriod, Objective, Plan, Progress
from objectives.services import progress_rows_ensure
from organisation.models import Assignment, OrgUnit
from reporting.scoring import (
    NO_KEY,
    Rules,
    Scope,
    Source,
    achievement_of,
    at_risk_progress,
    explain,
    late_progress,
    plan_scores,
    scored_progress,
    trend,
)
from tests.factories import make_ente, make_objective, make_person, make_plan, programma

pytestmark = pytest.mark.django_db
D = Decimal


def report(
    objective,
    person=None,
    *,
    status="bozza",
    computed=None,
    declared=None,
    validated=None,
    period=None,
):
    """Set one report's figures as the workflow would have left them."""
    rows = Progress.objects.filter(objective=objective)
    if person is not None:
        rows = rows.filter(responsible=person)
    if period is not None:
        rows = rows.filter(period=period)
    assert rows.count() == 1
    rows.update(
        status=status,
        computed_achievement=computed,
        declared_achievement=declared,
        validated_achievement=validated,
    )


@pytest.fixture
def mp(db):
    """Montepulciano 2022: the segretario Giulio Nardi's own objectives (50%, 20%, 30%) and
    the Area Finanziaria of Simonetta Gambini (5, 5, 1, 10, 4: 25% in the source)."""
    ente = make_ente("prova-montepulciano", "Comune di Montepulciano (prova)")
    plan = make_plan(ente, title="Piano 2022-2024", first_year=2022, last_year=2024)
    segreteria = OrgUnit.objects.create(ente=ente, kind="dipartimento", name="Segreteria Generale")
    finanziaria = OrgUnit.objects.create(ente=ente, kind="dipartimento", name="Area Finanziaria")
    nardi = make_person(ente, "Giulio Nardi")
    gambini = make_person(ente, "Simonetta Gambini")
    Assignment.objects.create(ente=ente, person=nardi, unit=segreteria, role="segretario")
    Assignment.objects.create(ente=ente, person=gambini, unit=finanziaria, role="eq")
    nardi_objectives = [
        make_objective(
            plan,
            code=code,
            weight=w,
            weight_text=f"{w}%",
            dirigente=nardi,
            programma=programma("01.02"),
        )
        for code, w in [("2.1.1", 50), ("2.1.1b", 20), ("2.1.2", 30)]
    ]
    gambini_objectives = [
        make_objective(
            plan, code=code, weight=w, weight_text=f"{w}%", eq=gambini, programma=programma("01.03")
        )
        for code, w in [("3.1", 5), ("3.2", 5), ("3.3", 1), ("3.4", 10), ("3.5", 4)]
    ]
    period = MonitoringPeriod.objects.create(
        ente=ente,
        plan=plan,
        name="31/12/2022",
        reference_date=dt.date(2022, 12, 31),
        due_date=dt.date(2023, 1, 31),
        is_open=True,
    )
    progress_rows_ensure(period=period)
    return plan, period, nardi, gambini, nardi_objectives, gambini_objectives, segreteria


def set_rules(plan, **rules):
    plan.scoring_rules = plan.scoring_rules | rules
    plan.full_clean()
    plan.save()


def nardi_reports(objectives, period=None):
    a, b, c = objectives
    report(a, status="validato", computed=D(95), declared=D(100), validated=D(90), period=period)
    report(b, status="inviato", computed=D(70), declared=D(80), period=period)
    report(
        c, status="bozza", computed=D(60), declared=D(99), period=period
    )  # a draft's declared % waits


def responsible(scores, person, section="specifici"):
    return next(r for r in scores.responsibles if r.person_id == person.pk and r.section == section)


def test_validated_beats_declared_beats_computed_and_each_says_its_source(mp):
    plan, period, nardi, _g, objectives, *_ = mp
    nardi_reports(objectives)
    by_code = {p.objective.code: p for p in scored_progress(plan, period)}
    assert [
        (by_code[c].achievement, by_code[c].achievement_source)
        for c in ("2.1.1", "2.1.1b", "2.1.2")
    ] == [
        (90.0, Source.VALIDATED),
        (80.0, Source.DECLARED),
        (60.0, Source.COMPUTED),
    ]
    progress = Progress.objects.get(objective=objectives[2])
    assert achievement_of(progress).value == D(60)
    assert achievement_of(progress).source_label == "calcolato"
    # Once submitted, the declared figure replaces the computed one.
    report(objectives[2], status="inviato", computed=D(60), declared=D(99))
    assert achievement_of(Progress.objects.get(objective=objectives[2])).source == Source.DECLARED


def test_responsible_score_is_the_mean_of_achievements_weighted_by_share(mp):
    plan, period, nardi, _g, objectives, *_ = mp
    nardi_reports(objectives)
    score = responsible(plan_scores(plan, period), nardi).score
    # (50 x 90 + 20 x 80 + 30 x 60) / 100
    assert score.value == D("79.00")
    assert (score.reports, score.reported, score.verified, score.validated) == (3, 2, 1, 1)
    assert score.coverage == D("100.00")


def test_band_below_50_gives_zero_and_proportional_above(mp):
    plan, period, nardi, _g, objectives, *_ = mp
    nardi_reports(objectives)
    report(objectives[2], computed=D(40))
    set_rules(plan, bands=[{"min": 0, "score": 0}, {"min": 50, "proportional": True}])
    score = responsible(plan_scores(plan, period), nardi).score
    assert score.value == D("61.00")  # (4500 + 1600 + 30 x 0) / 100
    parts = {
        p.objective.code: p for p in explain(plan, period, Scope(responsible_id=nardi.pk)).parts
    }
    assert parts["2.1.2"].score == 0 and parts["2.1.2"].band.min == 0
    assert parts["2.1.1"].band.proportional


def test_fixed_score_bands_and_the_cap(mp):
    plan, period, nardi, _g, objectives, *_ = mp
    report(objectives[0], status="validato", validated=D(130))
    report(objectives[1], status="validato", validated=D(85))
    report(objectives[2], status="validato", validated=D(65))
    set_rules(
        plan,
        bands=[{"min": 0, "score": 0}, {"min": 60, "score": 50}, {"min": 80, "proportional": True}],
    )
    plan.achievement_cap = D(110)
    plan.save()
    # 130 capped at 110; 85 proportional; 65 in the fixed band worth 50.
    # (50 x 110 + 20 x 85 + 30 x 50) / 100 = 87
    assert responsible(plan_scores(plan, period), nardi).score.value == D("87.00")


def test_objectives_without_a_figure_are_left_out_or_count_zero_as_the_rules_say(mp):
    plan, period, nardi, _g, objectives, *_ = mp
    report(objectives[0], status="validato", validated=D(90))
    report(objectives[1], status="inviato", declared=D(80))
    score = responsible(plan_scores(plan, period), nardi).score
    assert score.value == D("87.14")  # (4500 + 1600) / 70 so far
    assert score.coverage == D("70.00")
    set_rules(plan, unreported="zero")
    assert responsible(plan_scores(plan, period), nardi).score.value == D("61.00")  # 6100 / 100


def test_unmet_prerequisite_zeroes_the_group_when_the_rules_gate(mp):
    plan, period, nardi, _g, objectives, *_ = mp
    prerequisite = make_objective(plan, code="2.0", weight=None, weight_text="X", dirigente=nardi)
    progress_rows_ensure(period=period)
    nardi_reports(objectives)
    report(prerequisite, status="validato", validated=D(100))
    assert responsible(plan_scores(plan, period), nardi).score.value == D("79.00")
    report(prerequisite, status="validato", validated=D(50))
    score = responsible(plan_scores(plan, period), nardi).score
    assert score.value == D("0.00") and score.gated and score.prerequisites_unmet == 1
    # The ente's figure counts the gated group as zero too.
    assert plan_scores(plan, period, Scope(responsible_id=nardi.pk)).ente.value == D("0.00")
    explanation = explain(plan, period, Scope(responsible_id=nardi.pk, section="specifici"))
    parts = {p.objective.code: p for p in explanation.parts}
    assert parts["2.0"].is_prerequisite and parts["2.0"].prerequisite_met is False
    assert all(p.gated and p.contribution == 0 for p in explanation.parts)
    set_rules(plan, prerequisites="ignore")
    assert responsible(plan_scores(plan, period), nardi).score.value == D("79.00")


def test_cross_cutting_objective_counts_for_each_assignee_separately(db):
    """Montichiari: categories 1 -> 1 point, 2 -> 2 points; "tempi di pagamento" for every
    dirigente."""
    ente = make_ente("prova-montichiari", "Comune di Montichiari (prova)")
    plan = make_plan(ente, weight_mode=Plan.WeightMode.POINTS, weight_categories={"1": 1, "2": 2})
    chiari, guerini = make_person(ente, "Massimo Chiari"), make_person(ente, "Diego Guerini")
    own_chiari = make_objective(
        plan, code="2.1", weight=2, weight_text="2 - rilevante strategico", dirigente=chiari
    )
    own_guerini = make_objective(
        plan, code="3.1", weight=1, weight_text="1 - rilevante operativo", dirigente=guerini
    )
    shared = make_objective(
        plan,
        code="9.1",
        weight=1,
        weight_text="1 - rilevante operativo",
        kind=Objective.Kind.TRASVERSALE,
        assignees=[chiari, guerini],
    )
    period = MonitoringPeriod.objects.create(
        ente=ente, plan=plan, name="31/12/2024", reference_date=dt.date(2024, 12, 31)
    )
    progress_rows_ensure(period=period)
    report(own_chiari, status="validato", validated=D(90))
    report(own_guerini, status="validato", validated=D(60))
    report(shared, chiari, status="validato", validated=D(30))
    report(shared, guerini, status="validato", validated=D(100))
    scores = plan_scores(plan, period)
    # Chiari: (2 x 90 + 1 x 30) / 3 = 70; Guerini: (1 x 60 + 1 x 100) / 2 = 80
    assert responsible(scores, chiari).score.value == D("70.00")
    assert responsible(scores, guerini).score.value == D("80.00")
    # The ente: every group weighs 100 shares, so the mean of the two.
    assert scores.ente.value == D("75.00")
    assert scores.ente.reports == 4


def test_ente_and_dipartimento_weigh_each_report_by_its_share_of_its_group(mp):
    plan, period, nardi, gambini, n_obj, g_obj, segreteria = mp
    nardi_reports(n_obj)  # 79 over a full group (100 shares)
    # Gambini's group adds up to 25: 3.4 (10 of 25 = 40 shares) at 50%, 3.1 (20 shares) at 100%.
    report(g_obj[3], status="validato", validated=D(50))
    report(g_obj[0], status="validato", validated=D(100))
    scores = plan_scores(plan, period)
    assert responsible(scores, gambini).score.value == D("66.67")  # (40 x 50 + 20 x 100) / 60
    # Ente: (100 x 79 + 40 x 50 + 20 x 100) / 160 = 11900 / 160
    assert scores.ente.value == D("74.38")
    by_unit = {g.name: g.score.value for g in scores.dipartimenti}
    assert by_unit == {"Segreteria Generale": D("79.00"), "Area Finanziaria": D("66.67")}
    by_programme = {g.code: g.score.value for g in scores.programmi}
    assert by_programme == {"01.02": D("79.00"), "01.03": D("66.67")}
    assert [g.code for g in scores.missioni] == ["01"]
    assert scores.missioni[0].score.value == D("74.38")
    # A scope narrows every figure to the reports behind it.
    only = plan_scores(plan, period, Scope(dipartimento_id=segreteria.pk))
    assert only.ente.value == D("79.00") and [r.name for r in only.responsibles] == ["Giulio Nardi"]


def test_objective_unit_wins_over_the_responsibles_post(mp):
    plan, period, nardi, _g, n_obj, _go, segreteria = mp
    other = OrgUnit.objects.create(
        ente=plan.ente, kind="dipartimento", code="09", name="Territorio"
    )
    n_obj[0].org_units.add(other)
    nardi_reports(n_obj)
    names = {g.name: g.score.reports for g in plan_scores(plan, period).dipartimenti}
    assert names == {"Territorio": 1, "Segreteria Generale": 2, "Area Finanziaria": 5}
    assert plan_scores(plan, period, Scope(dipartimento_id=NO_KEY)).ente.reports == 0


def test_explanation_parts_add_up_to_the_figure(mp):
    plan, period, nardi, gambini, n_obj, g_obj, _s = mp
    nardi_reports(n_obj)
    report(g_obj[3], status="validato", validated=D(50))
    report(g_obj[0], status="inviato", declared=D(100))
    explanation = explain(plan, period, Scope())
    assert explanation.score.value == D("74.38")
    assert abs(sum(p.contribution for p in explanation.parts) - explanation.score.value) <= D(
        "0.05"
    )
    parts = {p.objective.code: p for p in explanation.parts}
    assert parts["3.4"].share == D("40.00") and parts["3.4"].source == Source.VALIDATED
    assert parts["3.1"].source_label == "dichiarato"
    assert not parts["3.2"].counted and parts["3.2"].source_label == "non misurato"
    mine = explain(plan, period, Scope(responsible_id=gambini.pk, section="specifici"))
    assert mine.score.value == D("66.67") and len(mine.parts) == 5
    assert mine.score.pay_band.label == "E"  # under 70 in the default pay table


def test_pay_band_of_a_responsible(mp):
    plan, period, nardi, _g, objectives, *_ = mp
    nardi_reports(objectives)
    set_rules(
        plan,
        pay_bands=[
            {"min": 0, "share": 0, "label": "E"},
            {"min": 75, "share": 80, "label": "C"},
            {"min": 95, "share": 100, "label": "A"},
        ],
    )
    band = responsible(plan_scores(plan, period), nardi).score.pay_band
    assert (band.label, band.share) == ("C", D(80))


def test_rules_from_an_empty_json_fall_back_to_the_defaults(mp):
    plan, *_ = mp
    Plan.objects.filter(pk=plan.pk).update(scoring_rules={})
    plan.refresh_from_db()
    rules = Rules.for_plan(plan)
    assert rules.at_risk_below == D(60) and rules.prerequisites == "gate"
    assert rules.apply(D(120)) == (D(100), rules.bands[0])


def test_late_and_at_risk_lists(mp):
    plan, period, nardi, _g, objectives, *_ = mp
    nardi_reports(objectives)
    report(objectives[2], computed=D(40))
    at_risk = [p.objective.code for p in at_risk_progress(plan, period)]
    assert at_risk == ["2.1.2"]
    assert late_progress(plan, period, today=dt.date(2023, 1, 15)).count() == 0  # not yet due
    late = {p.objective.code for p in late_progress(plan, period, today=dt.date(2023, 2, 1))}
    assert late == {"2.1.2", "3.1", "3.2", "3.3", "3.4", "3.5"}


def test_trend_gives_the_score_of_every_period(mp):
    plan, period, nardi, _g, objectives, *_ = mp
    june = MonitoringPeriod.objects.create(
        ente=plan.ente, plan=plan, name="30/06/2022", reference_date=dt.date(2022, 6, 30)
    )
    progress_rows_ensure(period=june)
    for objective in objectives:
        report(objective, status="validato", validated=D(50), period=june)
    nardi_reports(objectives, period)
    points = trend(plan, Scope(responsible_id=nardi.pk))
    assert [(p.period.name, p.score.value) for p in points] == [
        ("30/06/2022", D("50.00")),
        ("31/12/2022", D("79.00")),
    ]


@pytest.mark.parametrize("size", [10, 1000])
def test_plan_scores_take_eight_queries_whatever_the_plan_size(db, size, django_assert_num_queries):
    from objectives.synthetic import make_synthetic_ente

    plan = make_synthetic_ente(1, size)
    period = MonitoringPeriod.objects.create(
        ente=plan.ente, plan=plan, name="31/12/2024", reference_date=dt.date(2024, 12, 31)
    )
    progress_rows_ensure(period=period)
    Progress.objects.filter(period=period, objective__order__lt=size // 2).update(
        status="validato", validated_achievement=D(80)
    )
    # 8 until the programmes' labels left the GROUP BY; 9 until the dipartimenti took two, not three
    with django_assert_num_queries(8):
        scores = plan_scores(plan, period)
    assert scores.ente.value == D("80.00")
    assert scores.ente.reports == size
    assert len(scores.responsibles) == 4
