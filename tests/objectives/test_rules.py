"""Each rule of objectives.rules and its SQL twin give the same answer on the same rows.

The data set holds every case: an objective naming a dipartimento, a servizio, an ufficio, a unit
outside any dipartimento, or no unit; a responsible posted to another dipartimento (or to a
servizio, or nowhere); cross-cutting objectives; an EQ without a dirigente; pre-requisites written
"X", " x ", "x" with a tab; and every status with every combination of figures.
"""

import datetime as dt
from decimal import Decimal
from itertools import product

import pytest
from django.db.models import Prefetch

from objectives import rules
from objectives.models import MonitoringPeriod, Objective, Progress
from objectives.permissions import answers_for, reports_of
from objectives.rules import NO_KEY, UNIT_PARENTS, Posts
from objectives.services import progress_rows_ensure
from organisation.models import Assignment, OrgUnit
from tests.factories import make_ente, make_objective, make_person, make_plan, make_user

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def org():
    """Two entes alike (the twins must not mix them up); the first one's units and people."""
    worlds = [_world(slug) for slug in ("regole", "regole-bis")]
    return worlds[0]


def _world(slug: str) -> dict:
    ente = make_ente(slug)
    plan = make_plan(ente, first_year=2024, last_year=2026)

    def unit(kind, name, code="", parent=None):
        return OrgUnit.objects.create(ente=ente, kind=kind, name=name, code=code, parent=parent)

    a = unit("dipartimento", "Affari generali", "01")
    b = unit("dipartimento", "Territorio", "02")
    c = unit("dipartimento", "Cultura", "03")  # nobody's
    sa = unit("servizio", "Segreteria", "01-01", a)
    ua = unit("ufficio", "Protocollo", "01-01-01", sa)
    sb = unit("servizio", "Urbanistica", "02-01", b)
    orphan = unit("servizio", "Servizio senza area", "99")
    people = {}
    for name, post in [
        ("dir_a", a),
        ("dir_b", b),
        ("eq_b", sb),  # posted to a servizio: counts in its dipartimento
        ("nobody", None),
        ("ass_a", ua),
        ("ass_b", b),
    ]:
        user = make_user(f"{slug}-{name}")
        person = make_person(ente, f"{name} {slug}", user=user)
        people[name] = person
        if post is not None:
            Assignment.objects.create(ente=ente, person=person, unit=post, role="dirigente")
    # A segretario's post with no unit counts nowhere.
    Assignment.objects.create(ente=ente, person=people["nobody"], unit=None, role="segretario")

    def objective(code, units=(), **kw):
        obj = make_objective(plan, code=code, weight=kw.pop("weight", 10), **kw)
        obj.org_units.set(units)
        return obj

    p = people
    objectives = {
        "dipartimento": objective("1", [a], dirigente=p["dir_b"]),
        "servizio": objective("2", [sa], dirigente=p["dir_b"]),  # the finding
        "ufficio": objective("3", [ua], eq=p["eq_b"]),
        "two_levels_same_area": objective("4", [a, sa, ua], dirigente=p["dir_b"]),
        "orphan_unit": objective("5", [orphan], dirigente=p["dir_a"]),
        "no_unit": objective("6", dirigente=p["dir_b"]),
        "no_unit_eq": objective("7", eq=p["eq_b"]),
        "no_unit_dirigente_and_eq": objective("8", dirigente=p["dir_a"], eq=p["eq_b"]),
        "no_unit_unposted": objective("9", dirigente=p["nobody"]),
        "no_unit_no_one": objective("10"),
        "cross_no_unit": objective(
            "11", kind="trasversale", assignees=[p["ass_a"], p["ass_b"], p["nobody"]]
        ),
        "cross_units": objective(
            "12", [a, sb], kind="trasversale", assignees=[p["dir_a"], p["dir_b"]]
        ),
    }
    period = MonitoringPeriod.objects.create(
        ente=ente, plan=plan, name="31/12/2024", reference_date=dt.date(2024, 12, 31)
    )
    progress_rows_ensure(period=period)
    return {
        "ente": ente,
        "plan": plan,
        "period": period,
        "units": {"a": a, "b": b, "c": c, "sa": sa, "ua": ua, "sb": sb, "orphan": orphan},
        "people": people,
        "objectives": objectives,
    }


def _objectives(ente):
    return Objective.objects.filter(ente=ente).prefetch_related(
        Prefetch("org_units", queryset=OrgUnit.objects.select_related(UNIT_PARENTS)),
        "assignees",
    )


def _reports(ente):
    return Progress.objects.filter(ente=ente).prefetch_related(
        Prefetch("objective__org_units", queryset=OrgUnit.objects.select_related(UNIT_PARENTS))
    )


# -- which dipartimento ------------------------------------------------------------------------


def test_a_units_dipartimento_in_python_and_in_sql(org):
    units = OrgUnit.objects.select_related(UNIT_PARENTS)
    dipartimenti = OrgUnit.objects.filter(kind="dipartimento")
    for unit in units:
        mine = rules.unit_dipartimento(unit)
        for d in dipartimenti:
            in_sql = OrgUnit.objects.filter(rules.unit_in_dipartimento_q(d.pk), pk=unit.pk)
            assert in_sql.exists() == (mine == d), (unit, d)
        has = OrgUnit.objects.filter(rules.unit_has_dipartimento_q(), pk=unit.pk).exists()
        assert has == (mine is not None), unit
    u = org["units"]
    assert rules.unit_dipartimento(u["ua"]) == u["a"]
    assert rules.unit_dipartimento(u["orphan"]) is None


def test_every_report_counts_in_the_same_dipartimenti_in_python_and_in_sql(org):
    posts = Posts(org["ente"].pk)
    python = {
        p.pk: {u.pk for u in rules.progress_dipartimenti(p, posts)} for p in _reports(org["ente"])
    }
    keys = [u.pk for u in OrgUnit.objects.filter(ente=org["ente"], kind="dipartimento")]
    for key in [*keys, NO_KEY]:
        expected = {pk for pk, found in python.items() if (key in found if key else not found)}
        for ente_id in (org["ente"].pk, None):
            in_sql = Progress.objects.filter(ente=org["ente"]).filter(
                rules.progress_in_dipartimento_q(key, ente_id)
            )
            assert set(in_sql.values_list("pk", flat=True)) == expected, (key, ente_id)
    # The aggregates' form: one row per report and dipartimento.
    pairs = rules.with_dipartimento(Progress.objects.filter(ente=org["ente"]))
    assert sorted(pairs.values_list("pk", "dipartimento")) == sorted(
        (pk, d) for pk, found in python.items() for d in found
    )
    # The first of them by code, as the scored reports carry it.
    first = Progress.objects.filter(ente=org["ente"]).annotate(first=rules.first_dipartimento_sql())
    posts = Posts(org["ente"].pk)
    for p in _reports(org["ente"]):
        found = rules.progress_dipartimenti(p, posts)
        assert first.get(pk=p.pk).first == (found[0].pk if found else None)


def test_every_objective_is_in_the_same_dipartimenti_in_python_and_in_sql(org):
    posts = Posts(org["ente"].pk)
    python = {
        o.pk: {u.pk for u in rules.objective_dipartimenti(o, posts)}
        for o in _objectives(org["ente"])
    }
    keys = [u.pk for u in OrgUnit.objects.filter(ente=org["ente"], kind="dipartimento")]
    for key in [*keys, NO_KEY]:
        expected = {pk for pk, found in python.items() if (key in found if key else not found)}
        for ente_id in (org["ente"].pk, None):
            in_sql = Objective.objects.filter(ente=org["ente"]).filter(
                rules.objective_in_dipartimento_q(key, ente_id)
            )
            assert set(in_sql.values_list("pk", flat=True)) == expected, (key, ente_id)
    # An objective is in the dipartimenti of its report lines, and only those.
    by_reports: dict[int, set[int]] = {pk: set() for pk in python}
    for p in _reports(org["ente"]):
        by_reports[p.objective_id] |= {u.pk for u in rules.progress_dipartimenti(p, posts)}
    assert by_reports == python


def test_the_rule_case_by_case(org):
    u, o = org["units"], org["objectives"]
    a, b = u["a"].pk, u["b"].pk
    posts = Posts(org["ente"].pk)
    by_objective = {
        name: {x.pk for x in rules.objective_dipartimenti(obj, posts)}
        for name, obj in (
            (name, _objectives(org["ente"]).get(pk=obj.pk)) for name, obj in o.items()
        )
    }
    assert by_objective == {
        "dipartimento": {a},
        "servizio": {a},  # its servizio's area, not its dirigente's post (B)
        "ufficio": {a},
        "two_levels_same_area": {a},
        "orphan_unit": set(),  # it names a unit: no fallback to the post
        "no_unit": {b},
        "no_unit_eq": {b},  # the EQ's post is a servizio of B
        "no_unit_dirigente_and_eq": {a},  # the dirigente reports it
        "no_unit_unposted": set(),
        "no_unit_no_one": set(),
        "cross_no_unit": {a, b},  # each assignee's own post
        "cross_units": {a, b},
    }
    reports = {
        (p.objective.code, p.responsible_id): {x.pk for x in rules.progress_dipartimenti(p, posts)}
        for p in _reports(org["ente"]).select_related("objective")
    }
    people = org["people"]
    assert reports[("11", people["ass_a"].pk)] == {a}
    assert reports[("11", people["ass_b"].pk)] == {b}
    assert reports[("11", people["nobody"].pk)] == set()
    assert reports[("12", people["dir_a"].pk)] == {a, b}


# -- pre-requisite -----------------------------------------------------------------------------

MARKS = ["X", "x", " X ", "x\t", "\xa0X\n", "X.", "XX", "", "5%", "x x"]


def test_a_prerequisite_in_python_and_in_sql(org):
    plan = org["plan"]
    made = []
    for index, (mark, weight) in enumerate(product(MARKS, [None, D(5)])):
        made.append(make_objective(plan, code=f"p{index}", weight=weight, weight_text=mark))
    python = {o.pk for o in Objective.objects.filter(plan=plan) if o.is_prerequisite}
    in_sql = Objective.objects.filter(plan=plan).filter(rules.prerequisite_q())
    assert set(in_sql.values_list("pk", flat=True)) == python
    marked = {o.weight_text for o in made if o.pk in python}
    assert marked == {"X", "x", " X ", "x\t", "\xa0X\n"}
    # From a report, through its objective.
    progress_rows_ensure(period=org["period"])
    reports = Progress.objects.filter(objective__plan=plan).select_related("objective")
    from_reports = set(
        reports.filter(rules.prerequisite_q("objective__")).values_list("pk", flat=True)
    )
    assert from_reports == {p.pk for p in reports if p.objective.is_prerequisite}


# -- which figure counts -----------------------------------------------------------------------


def test_the_figure_that_counts_in_python_and_in_sql(org):
    objective = org["objectives"]["no_unit"]
    person = org["people"]["dir_b"]
    cases = list(product(Progress.Status.values, [None, D("91.5")], [None, D(80)], [None, D(60)]))
    rows = []
    for index, (status, validated, declared, computed) in enumerate(cases):
        period = MonitoringPeriod.objects.create(
            ente=org["ente"],
            plan=org["plan"],
            name=f"caso {index}",
            reference_date=dt.date(2025, 1, 1) + dt.timedelta(days=index),
        )
        rows.append(
            Progress(
                ente=org["ente"],
                objective=objective,
                responsible=person,
                period=period,
                status=status,
                validated_achievement=validated,
                declared_achievement=declared,
                computed_achievement=computed,
            )
        )
    Progress.objects.bulk_create(rows)
    value, source = rules.achievement_sql()
    in_sql = {
        pk: (v, s)
        for pk, v, s in Progress.objects.filter(period__name__startswith="caso")
        .annotate(v=value, s=source)
        .values_list("pk", "v", "s")
    }
    measured = set(
        Progress.objects.filter(period__name__startswith="caso")
        .filter(rules.measured_q())
        .values_list("pk", flat=True)
    )
    seen = set()
    for progress in Progress.objects.filter(period__name__startswith="caso"):
        achievement = rules.achievement_of(progress)
        v, s = in_sql[progress.pk]
        assert (None if v is None else Decimal(f"{v:.2f}"), s) == (
            achievement.value,
            achievement.source,
        ), progress.status
        assert (progress.pk in measured) == (achievement.value is not None)
        seen.add(achievement.source)
    assert seen == {"validated", "declared", "computed", None}
    # A draft's declared figure is not yet a declaration.
    draft = Progress(status="bozza", declared_achievement=D(80), computed_achievement=D(60))
    assert rules.achievement_of(draft).source == "computed"


# -- who reports a line ------------------------------------------------------------------------


def test_who_reports_a_line_in_python_and_in_sql(org):
    ente = org["ente"]
    users = [person.user for person in org["people"].values()]
    users.append(make_user("estraneo"))  # belongs to no ente
    from django.contrib.auth.models import AnonymousUser

    users.append(AnonymousUser())
    reports = list(
        Progress.objects.filter(ente=ente).select_related("objective__eq", "responsible")
    )
    # An EQ of an ordinary objective with a dirigente fills in the dirigente's line.
    assert any(p.objective.eq_id and p.responsible_id != p.objective.eq_id for p in reports)
    for user in users:
        in_sql = set(
            Progress.objects.filter(ente=ente).filter(reports_of(user)).values_list("pk", flat=True)
        )
        python = {p.pk for p in reports if answers_for(user, p.objective, p.responsible.user_id)}
        assert in_sql == python, user
