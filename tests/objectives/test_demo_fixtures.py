"""The demo plans hold what the seed tables say: counts, weights, people, targets, coverage."""

import json
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models import Count

from objectives.models import Objective, Plan, Programma, Target
from objectives.weights import weight_groups
from organisation.models import Assignment, Person

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
SEEDS = {
    "montichiari-piao-2024-2026.json": "montichiari-piao-2024.tsv",
    "montepulciano-obiettivi-2022-2024.json": "montepulciano-obiettivi-2022-2024.tsv",
}
HEADER_WORDS = re.compile(
    r"\b(NR|N°|DUP|MISSIONE|PROGRAMMA|AMBITO ORGANIZZATIVO|SOGGETTO|PESO|TARGET|STATO DI)\b",
    re.IGNORECASE,
)


def _plan(slug: str) -> Plan:
    return Plan.objects.get(ente__slug=slug)


def _per_dirigente(plan: Plan) -> dict[tuple[str | None, str], int]:
    rows = plan.objectives.values_list("dirigente__full_name", "section").annotate(n=Count("id"))
    return {(name, section): n for name, section, n in rows}


def test_the_official_dup_list_has_99_programmes_20_of_them_for_regions_only(db):
    assert Programma.objects.count() == 99
    assert Programma.objects.filter(regions_only=True).count() == 20
    assert Programma.objects.get(code="01.06").name == "Ufficio tecnico"
    assert Programma.objects.values("missione").distinct().count() == 23


@pytest.mark.usefixtures("demo")
class TestMontichiari:
    def test_objectives_per_dipartimento_dirigente(self):
        assert _per_dirigente(_plan("montichiari")) == {
            ("Gianpietro Pezzoli", "specifici"): 53,
            ("Massimo Chiari", "specifici"): 29,
            ("Diego Guerini", "specifici"): 38,
            ("Angela Maria Russo", "specifici"): 8,
            (None, "specifici"): 19,  # the cross-cutting block
        }

    def test_cross_cutting_objectives_are_assigned_to_every_dirigente(self):
        cross = _plan("montichiari").objectives.filter(kind=Objective.Kind.TRASVERSALE)
        assert cross.count() == 19
        dirigenti = {"Gianpietro Pezzoli", "Massimo Chiari", "Diego Guerini"}
        for objective in cross.exclude(code="4.27").prefetch_related("assignees"):
            names = {person.full_name for person in objective.assignees.all()}
            assert dirigenti <= names, objective.code
            assert "Angela Maria Russo" not in names  # the segretario is not a dirigente here
        # The last row names its three people instead of "DIRIGENTI".
        named = cross.get(code="4.27").assignees.values_list("full_name", flat=True)
        assert sorted(named) == ["Cristian Leali", "Eva Semenzato", "Massimo Chiari"]

    def test_weights_are_categories_kept_as_written(self):
        plan = _plan("montichiari")
        assert plan.weight_mode == Plan.WeightMode.POINTS
        texts = Counter(plan.objectives.values_list("weight_text", flat=True))
        assert set(texts) == {
            "1 - rilevante operativo",
            "2 - rilevante strategico",
            "2 - rilevante operativo",  # 2.10, contradictory in the source: the number counts
            "",  # four weights the extraction lost
        }
        assert texts[""] == 4
        for objective in plan.objectives.exclude(weight_text=""):
            assert objective.weight == Decimal(objective.weight_text[0]), objective.code
        pezzoli = weight_groups([plan.pk])
        totals = {g.person_name: g.total for g in pezzoli.values()}
        # 53 own objectives (72 points) + the 18 cross-cutting ones he shares (36 points).
        assert totals["Gianpietro Pezzoli"] == Decimal(108)
        assert all(group.is_balanced for group in pezzoli.values())

    def test_targets_are_for_2024_only(self):
        years = set(Target.objects.filter(ente__slug="montichiari").values_list("year", flat=True))
        assert years == {2024}

    def test_a_dup_code_that_contradicts_its_name_is_linked_by_name_and_flagged(self):
        objective = _plan("montichiari").objectives.get(code="3.14")
        assert objective.dup_text == "14-02-Ufficio tecnico"
        assert objective.programma.code == "01.06"
        assert "14-02" in objective.dup_warning and "01.06" in objective.dup_warning

    def test_people_and_their_roles(self):
        roles = set(
            Assignment.objects.filter(ente__slug="montichiari").values_list(
                "person__full_name", "role"
            )
        )
        assert ("Gianpietro Pezzoli", "dirigente") in roles
        assert ("Angela Maria Russo", "segretario") in roles
        assert ("Chiara Tagliani", "eq") in roles


@pytest.mark.usefixtures("demo")
class TestMontepulciano:
    def test_objectives_per_responsible_and_section(self):
        assert _per_dirigente(_plan("montepulciano")) == {
            ("Giulio Nardi", "organizzativa"): 10,
            ("Giulio Nardi", "specifici"): 3,
            ("Simonetta Gambini", "specifici"): 5,
            ("Grazia Torelli", "specifici"): 24,
            ("Bertone", "specifici"): 11,
            ("Massimo Duchini", "specifici"): 9,
            ("Roberto Rosati", "specifici"): 48,
            ("Luca Batignani", "specifici"): 15,
        }

    def test_each_area_adds_to_100_but_the_area_finanziaria_adds_to_25_and_is_warned(self):
        groups = weight_groups([_plan("montepulciano").pk])
        totals = {(g.person_name, g.key.section): g.total for g in groups.values()}
        assert totals.pop(("Simonetta Gambini", "specifici")) == Decimal(25)
        assert set(totals.values()) == {Decimal(100)}
        warnings = [g.warning for g in groups.values() if g.warning]
        assert warnings == [
            "I pesi di Simonetta Gambini (Obiettivi specifici / di PEG) sommano 25% invece di 100%."
        ]

    def test_the_segretario_has_a_performance_organizzativa_table_and_his_own_objectives(self):
        nardi = _plan("montepulciano").objectives.filter(dirigente__full_name="Giulio Nardi")
        organizzativa = nardi.filter(section="organizzativa")
        assert organizzativa.get(code="1.1.1").title.startswith("Prevenire la corruzione")
        assert sorted(nardi.filter(section="specifici").values_list("code", flat=True)) == [
            "2.1.1",
            "2.1.1b",
            "2.1.2",
        ]
        assert Assignment.objects.filter(
            person__full_name="Giulio Nardi", role=Assignment.Role.SEGRETARIO
        ).exists()

    def test_targets_span_the_three_plan_years_with_baselines(self):
        targets = Target.objects.filter(ente__slug="montepulciano")
        assert set(targets.values_list("year", flat=True)) == {2022, 2023, 2024}
        rating = _plan("montepulciano").objectives.get(code="1.1.10b")
        autonomia = rating.indicators.get(description__icontains="Autonomia finanziaria")
        assert autonomia.baseline_year == 2019
        assert autonomia.baseline_value == Decimal("95.6")
        relative = autonomia.targets.get(year=2023)
        assert relative.relative_to_year == 2022 and relative.comparator == "<="

    def test_weights_are_percentages_kept_as_written(self):
        plan = _plan("montepulciano")
        for objective in plan.objectives.all():
            assert objective.weight_text == f"{objective.weight.normalize():f}%", objective.code


@pytest.mark.usefixtures("demo")
def test_every_person_of_the_demo_has_a_login():
    assert not Person.objects.filter(
        ente__slug__in=["montichiari", "montepulciano"], user__isnull=True
    ).exists()


@pytest.mark.parametrize("plan_file, seed_file", SEEDS.items())
def test_curated_plan_accounts_for_every_line_of_its_seed(plan_file, seed_file):
    plan = json.loads((FIXTURES / "plans" / plan_file).read_text(encoding="utf-8"))
    lines = (FIXTURES / "seeds" / seed_file).read_text(encoding="utf-8").split("\n")
    if lines[-1] == "":
        lines.pop()
    used = [n for objective in plan["objectives"] for n in objective["source_lines"]]
    skipped = {item["line"]: item["why"] for item in plan["skipped_lines"]}
    assert len(used) == len(set(used)), "a seed line feeds two objectives"
    assert set(used).isdisjoint(skipped)
    assert set(used) | set(skipped) == set(range(1, len(lines) + 1))
    for number, why in skipped.items():
        cells = [cell for cell in lines[number - 1].split("\t") if cell.strip()]
        # What was left out is blank, a repeated header, a "100%" total or a lone fragment.
        assert len(cells) <= 1 or HEADER_WORDS.search(lines[number - 1]), (number, why)


def test_every_numbered_montichiari_row_has_its_objective():
    plan = json.loads(
        (FIXTURES / "plans" / "montichiari-piao-2024-2026.json").read_text(encoding="utf-8")
    )
    lines = (FIXTURES / "seeds" / "montichiari-piao-2024.tsv").read_text(encoding="utf-8")
    used = {n for objective in plan["objectives"] for n in objective["source_lines"]}
    numbered = [
        number
        for number, line in enumerate(lines.split("\n"), start=1)
        if re.fullmatch(r"(NR )?\d+", line.split("\t")[0].strip())
    ]
    assert len(numbered) == 129
    assert set(numbered) <= used
