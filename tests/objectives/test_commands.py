"""The command-line contract: load_demo, list_plans, export_plan and import_plan (JSON)."""

import io
import json
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import models

from objectives.models import Measurement, Objective, Plan, Progress, Target

pytestmark = pytest.mark.usefixtures("demo")


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _row_counts() -> dict[str, int]:
    """Rows of every model of the project, history included; not the register of imports,
    which records refused imports too."""
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"organisation", "objectives", "auth"}
        and model._meta.model_name != "importrecord"
    }


def _export(plan: Plan, tmp_path: Path, name: str = "plan.json") -> dict:
    path = tmp_path / name
    _run("export_plan", str(plan.pk), "--format", "json", "--output", str(path))
    return json.loads(path.read_text(encoding="utf-8"))


def test_load_demo_twice_changes_nothing():
    before = _row_counts()
    output = _run("load_demo")
    assert _row_counts() == before
    assert "Piano già presente" in output and "Nessun utente nuovo" in output


def test_list_plans_prints_id_slug_and_title():
    lines = _run("list_plans").strip().splitlines()
    expected = {
        f"{plan.pk}\t{plan.ente.slug}\t{plan.title}" for plan in Plan.objects.select_related("ente")
    }
    assert set(lines) == expected
    assert any(line.endswith("\tmontichiari\tPIAO 2024-2026") for line in lines)


def test_json_export_follows_the_contract(tmp_path):
    document = _export(Plan.objects.get(ente__slug="montepulciano"), tmp_path)
    assert document["schema"] == "piao.plan/1"
    assert document["ente"] == {
        "name": "Comune di Montepulciano",
        "slug": "montepulciano",
        "istat": "052015",
    }
    assert document["plan"]["first_year"] == 2022 and document["plan"]["last_year"] == 2024
    by_code = {o["code"]: o for o in document["objectives"]}
    assert len(by_code) == 125
    first = by_code["1.1.1"]
    assert first["weight"] == 5 and first["weight_text"] == "5%"
    assert first["weight_share"] == 5 and first["section"] == "organizzativa"
    assert first["dirigente"] == "Giulio Nardi"
    # The Area Finanziaria adds to 25%: a 5% objective is a fifth of its group.
    gambini = [o for o in document["objectives"] if o["dirigente"] == "Simonetta Gambini"]
    assert len(gambini) == 5
    assert all(o["weight_share"] == o["weight"] * 4 for o in gambini)
    target = document["objectives"][0]["indicators"][0]["targets"][0]
    assert set(target) == {"year", "comparator", "value", "date", "relative_to_year", "text"}
    assert all(
        isinstance(t["value"], int | float | type(None))
        for o in document["objectives"]
        for i in o["indicators"]
        for t in i["targets"]
    )


@pytest.mark.parametrize("slug", ["montichiari", "montepulciano"])
def test_json_export_then_import_gives_an_equal_plan(slug, tmp_path):
    original = _export(Plan.objects.get(ente__slug=slug), tmp_path)
    source = tmp_path / "plan.json"
    output = _run("import_plan", str(source), "--ente", f"{slug}-copia")
    assert f"obiettivi: {len(original['objectives'])} nuovi, 0 aggiornati, 0 invariati" in output
    copy = Plan.objects.get(ente__slug=f"{slug}-copia")
    assert copy.status == Plan.Status.BOZZA  # an import makes a draft: statuses are services'
    again = _export(copy, tmp_path, "again.json")
    for document in (original, again):
        document["plan"].pop("id")
        document["plan"].pop("status")
        document["plan"].pop("approval_act", None)
        document["ente"].pop("slug")
    assert again == original


def test_import_updates_an_existing_plan_by_code_without_duplicates(tmp_path):
    plan = Plan.objects.get(ente__slug="montepulciano")
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.BOZZA)  # a draft: importable
    document = _export(plan, tmp_path)
    document["objectives"][0]["title"] = "Titolo corretto dal controllo di gestione"
    document["objectives"][0]["indicators"] = document["objectives"][0]["indicators"][:1]
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    output = _run("import_plan", str(path))
    assert "obiettivi: 0 nuovi, 1 aggiornati, 124 invariati" in output
    assert plan.objectives.count() == 125
    changed = plan.objectives.get(code=document["objectives"][0]["code"])
    assert changed.title == "Titolo corretto dal controllo di gestione"
    assert changed.indicators.count() == 1
    assert changed.history.first().title == "Titolo corretto dal controllo di gestione"


def _import_refused(path: Path) -> str:
    before = _row_counts()
    err = io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_plan", str(path), stdout=io.StringIO(), stderr=err)
    assert _row_counts() == before, "a refused import saved something"
    return f"{excinfo.value}\n{err.getvalue()}"


def test_malformed_json_is_refused_and_nothing_is_saved(tmp_path):
    path = tmp_path / "rotto.json"
    path.write_text('{"schema": "piao.plan/1", "objectives": [', encoding="utf-8")
    assert "non è un JSON valido" in _import_refused(path)


def test_a_json_number_of_thousands_of_digits_is_refused_not_a_crash(tmp_path):
    path = tmp_path / "enorme.json"
    path.write_text('{"schema": "piao.plan/1", "objectives": [' + "9" * 5000 + "]}")
    assert "non è un JSON valido" in _import_refused(path)


def test_a_file_with_one_bad_row_saves_nothing(tmp_path):
    document = _export(Plan.objects.get(ente__slug="montichiari"), tmp_path)
    document["ente"]["slug"] = "nuovo-ente"
    document["objectives"][5]["weight"] = "tanto"
    document["objectives"][7]["indicators"][0]["targets"][0]["year"] = 2031
    document["objectives"][9]["programma"] = "77.77"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    message = _import_refused(path)
    code5, code7, code9 = (document["objectives"][i]["code"] for i in (5, 7, 9))
    assert f"Obiettivo 6 (codice {code5}): «weight» deve essere un numero, non 'tanto'." in message
    assert (
        f"Obiettivo 8 (codice {code7}), indicatore 1, target 1: "
        "l'anno 2031 è fuori dal piano (2024-2026)."
    ) in message
    assert "il programma DUP '77.77' non esiste nell'elenco ufficiale." in message
    assert "3 errori: il piano non è stato importato, nulla è stato salvato." in message
    assert not Plan.objects.filter(ente__slug="nuovo-ente").exists()


def test_a_repeated_code_is_refused(tmp_path):
    document = _export(Plan.objects.get(ente__slug="montichiari"), tmp_path)
    document["ente"]["slug"] = "altro-ente"
    document["objectives"][1]["code"] = document["objectives"][0]["code"]
    path = tmp_path / "dup.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert "è ripetuto" in _import_refused(path)


def test_not_a_plan_document_is_refused(tmp_path):
    path = tmp_path / "altro.json"
    path.write_text(json.dumps({"foo": 1}), encoding="utf-8")
    assert "non è un piano nel formato piao.plan/1" in _import_refused(path)


def test_dry_run_checks_and_saves_nothing(tmp_path):
    document = _export(Plan.objects.get(ente__slug="montichiari"), tmp_path)
    path = tmp_path / "plan.json"
    before = _row_counts()
    output = _run("import_plan", str(path), "--ente", "prova", "--dry-run")
    assert "verificato (prova, nulla salvato)" in output
    assert f"obiettivi: {len(document['objectives'])} nuovi" in output
    assert _row_counts() == before


def test_a_broken_spreadsheet_is_refused_by_import_plan(tmp_path):
    path = tmp_path / "piano.xlsx"
    path.write_bytes(b"PK\x03\x04")
    message = _import_refused_spreadsheet(path)
    assert "Il file XLSX è danneggiato o incompleto" in message


def _import_refused_spreadsheet(path: Path) -> str:
    before = _row_counts()
    err = io.StringIO()
    args = ["--ente", "nuovo", "--plan-title", "Piano", "--first-year", "2024"]
    with pytest.raises(CommandError) as excinfo:
        call_command("import_plan", str(path), *args, stdout=io.StringIO(), stderr=err)
    assert _row_counts() == before, "a refused import saved something"
    return f"{excinfo.value}\n{err.getvalue()}"


def test_export_of_an_unknown_plan_or_format_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="Nessun piano con id 999999"):
        _run("export_plan", "999999", "--format", "json", "--output", str(tmp_path / "x.json"))
    plan_id = str(Objective.objects.first().plan_id)
    with pytest.raises(CommandError, match="invalid choice"):
        _run("export_plan", plan_id, "--format", "doc", "--output", str(tmp_path / "x.doc"))


def test_reimport_keeps_recorded_measurements_and_writes_only_what_changed(tmp_path):
    plan = Plan.objects.get(ente__slug="montichiari")
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.BOZZA)  # a draft: importable
    objective = plan.objectives.get(code="1.7")
    indicator = objective.indicators.get()
    period = plan.periods.get()  # the demo's open period
    progress = Progress.objects.get(objective=objective, period=period)
    Measurement.objects.create(
        ente=plan.ente, progress=progress, indicator=indicator, value_number=3
    )
    document = _export(plan, tmp_path)
    entry = next(o for o in document["objectives"] if o["code"] == "1.7")
    entry["indicators"][0]["targets"][0]["value"] = 5
    entry["indicators"][0]["targets"][0]["text"] = "n. 5"
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    target_history = Target.history.count()
    objective_history = Objective.history.count()

    output = _run("import_plan", str(path))

    assert "obiettivi: 0 nuovi, 0 aggiornati, 147 invariati" in output
    assert Measurement.objects.get(progress=progress).indicator_id == indicator.pk
    target = Target.objects.get(indicator=indicator)
    assert target.value == 5 and target.text == "n. 5"
    assert Target.history.count() == target_history + 1  # only the changed target
    assert Objective.history.count() == objective_history


def test_load_demo_with_progress_gives_the_dashboards_a_past_period(client):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    output = _run("load_demo", "--with-progress")
    assert "Piano già presente" in output
    plan = Plan.objects.get(ente__slug="montepulciano")
    past = plan.periods.get(name="30/06/2022")
    assert not past.is_open
    states = dict(
        Progress.objects.filter(period=past)
        .values_list("status")
        .annotate(n=models.Count("id"))
        .values_list("status", "n")
    )
    assert set(states) == {"bozza", "inviato", "verificato", "validato"}
    assert sum(states.values()) == Progress.objects.filter(period__name="31/12/2022").count()
    before = _row_counts()
    _run("load_demo", "--with-progress")
    assert _row_counts() == before  # once only

    client.force_login(get_user_model().objects.get(username="segretario"))
    page = client.get(reverse("reporting:dashboard_plan", args=[plan.pk]), {"periodo": past.pk})
    score = re.search(r'data-testid="ente-score">([^<]+)<', page.content.decode()).group(1)
    assert re.fullmatch(r"\d+(,\d+)?%", score)  # a figure, not "—"
