"""The raw seed tables, as extracted from the PDFs, read into the curated demo plans.

Agreement is measured per curated objective: the imported objective that comes from the same
seed line (the curated `source_lines`) must have the same responsible (dirigente, EQ and
assignees, as sets of name words: "CHIARI MASSIMO" is Massimo Chiari), the same weight, the same
DUP programme and targets in the same years. Objectives are matched by line, not by code.
"""

import json

import pytest

from objectives.plan_import.spreadsheet import import_spreadsheet, preview_spreadsheet
from objectives.plan_import.values import person_key
from tests.objectives.plan_import.conftest import CURATED, SEEDS

pytestmark = pytest.mark.django_db

SEED_PLANS = {
    "montichiari": ("montichiari-piao-2024.tsv", "montichiari-piao-2024-2026.json"),
    "montepulciano": (
        "montepulciano-obiettivi-2022-2024.tsv",
        "montepulciano-obiettivi-2022-2024.json",
    ),
}


def facts(objective: dict) -> dict:
    return {
        "responsible": (
            person_key(objective["dirigente"] or ""),
            person_key(objective["eq"] or ""),
            frozenset(person_key(name) for name in objective["assignees"]),
        ),
        "weight": None if objective["weight"] is None else float(objective["weight"]),
        "programma": objective["programma"],
        "target_years": sorted({t["year"] for i in objective["indicators"] for t in i["targets"]}),
    }


def agreement(slug: str):
    seed, curated_name = SEED_PLANS[slug]
    curated = json.loads((CURATED / curated_name).read_text(encoding="utf-8"))
    plan = curated["plan"]
    preview = preview_spreadsheet(
        (SEEDS / seed).read_bytes(),
        seed,
        ente_slug=f"{slug}-seme",
        plan_title=plan["title"],
        first_year=plan["first_year"],
        last_year=plan["last_year"],
    )
    by_line = {}
    for objective, lines in zip(preview.objectives, preview.built.lines, strict=True):
        for line in lines:
            by_line.setdefault(line, objective)
    misses = []
    for expected in curated["objectives"]:
        found = next((by_line[n] for n in expected["source_lines"] if n in by_line), None)
        if found is None:
            misses.append((expected["code"], "non trovato"))
        elif facts(found) != facts(expected):
            differ = [k for k, v in facts(expected).items() if facts(found)[k] != v]
            misses.append((expected["code"], differ))
    total = len(curated["objectives"])
    return preview, (total - len(misses)) / total, misses


@pytest.mark.parametrize("slug", SEED_PLANS)
def test_raw_seed_reproduces_the_curated_plan(slug, capsys):
    preview, share, misses = agreement(slug)
    with capsys.disabled():
        print(f"\nagreement {slug}: {share:.1%} of objectives; differing: {misses}")
    assert share >= 0.95, f"{slug}: {share:.1%}, differing {misses}"
    assert not preview.errors, [str(e) for e in preview.errors]


@pytest.mark.parametrize("slug", SEED_PLANS)
def test_raw_seed_imports_with_unique_codes(slug):
    preview, _share, _misses = agreement(slug)
    codes = [o["code"] for o in preview.objectives]
    assert len(codes) == len(set(codes))
    summary = import_spreadsheet(preview)
    assert summary.objectives_created == len(codes)
    assert summary.plan.objectives.count() == len(codes)


def test_montichiari_categories_and_cross_cutting_objectives():
    preview, _share, _misses = agreement("montichiari")
    document = preview.built.document
    assert document["plan"]["weight_mode"] == "points"
    assert document["plan"]["weight_categories"] == {"1": 1, "2": 2}
    by_line = dict(zip((ls[0] for ls in preview.built.lines), preview.objectives, strict=True))
    cross = by_line[180]  # "DIRIGENTI" and "tutte le EQ"
    assert cross["kind"] == "trasversale" and len(cross["assignees"]) == 9
    assert "Angela Maria Russo" not in cross["assignees"]  # the segretario is no dirigente
    wrong_code = by_line[27]  # "04-06-Istruzione tecnica superiore"
    assert wrong_code["programma"] == "04.05"
    assert "collegato per nome al programma 04.05" in wrong_code["dup_warning"]


def test_montepulciano_percent_weights_and_continuation_rows():
    preview, _share, _misses = agreement("montepulciano")
    assert preview.built.document["plan"]["weight_mode"] == "percent"
    by_line = dict(zip((ls[0] for ls in preview.built.lines), preview.objectives, strict=True))
    first = by_line[36]  # 3.3: five more indicators on the rows below
    assert first["weight"] == 1 and len(first["indicators"]) == 6
    assert by_line[6]["section"] == "organizzativa"
    assert all(o["code"] for o in preview.objectives)
