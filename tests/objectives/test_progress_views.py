"""The report page as a person uses it: typing values, saving, sending, conflicts, errors."""

from decimal import Decimal

import pytest
from django.urls import reverse

from objectives.models import Measurement, Progress

pytestmark = pytest.mark.django_db


def form_data(cycle, version=1, **values):
    data = {
        "version": version,
        f"m_{cycle.pratiche.pk}": values.get("pratiche", "8"),
        f"m_{cycle.giorni.pk}": values.get("giorni", "5"),
        "declared_achievement": values.get("declared", ""),
        "justification": values.get("justification", ""),
        "responsible_notes": values.get("notes", ""),
        "action": values.get("action", "save"),
    }
    return data


def test_live_computation_spells_out_the_derivation(cycle, client):
    client.force_login(cycle.dirigente)
    response = client.post(
        reverse("objectives:progress_compute", args=[cycle.progress.pk]),
        form_data(cycle, pratiche="4", giorni="10"),
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "target ≥ 10, misurato 4, più alto è meglio → 40%" in html
    assert "target ≤ 5, misurato 10, più basso è meglio → 50%" in html
    assert "(40% × 1 + 50% × 1) / 2 = 45%" in html


def test_save_then_send_with_italian_numbers(cycle, client):
    client.force_login(cycle.dirigente)
    url = reverse("objectives:progress_save", args=[cycle.progress.pk])
    response = client.post(url, form_data(cycle, pratiche="7,5"), follow=True)
    assert "Bozza salvata." in response.content.decode()
    assert Measurement.objects.get(indicator=cycle.pratiche).value_number == Decimal("7.5")
    response = client.post(
        url, form_data(cycle, version=2, pratiche="10", action="submit"), follow=True
    )
    assert "Avanzamento inviato al segretario generale." in response.content.decode()
    progress = Progress.objects.get(pk=cycle.progress.pk)
    assert progress.status == "inviato" and progress.declared_achievement == 100


def test_a_value_that_is_not_a_number_is_answered_next_to_its_field(cycle, client):
    client.force_login(cycle.dirigente)
    response = client.post(
        reverse("objectives:progress_save", args=[cycle.progress.pk]),
        form_data(cycle, pratiche="tante"),
    )
    assert response.status_code == 400
    assert response.context["form"].errors[f"m_{cycle.pratiche.pk}"] == ["Inserisci un numero."]
    assert not Measurement.objects.filter(progress=cycle.progress).exists()


def test_declared_different_without_justification_saves_the_draft_but_does_not_send(cycle, client):
    client.force_login(cycle.dirigente)
    response = client.post(
        reverse("objectives:progress_save", args=[cycle.progress.pk]),
        form_data(cycle, declared="99", action="submit"),
    )
    assert response.status_code == 400
    assert "Bozza salvata ma non inviata: Il dichiarato (99%) è diverso dal calcolato (90%)" in (
        response.content.decode()
    )
    progress = Progress.objects.get(pk=cycle.progress.pk)
    assert progress.status == "bozza" and progress.declared_achievement == 99


def test_second_person_saving_gets_a_conflict_and_nothing_is_lost(cycle, client):
    url = reverse("objectives:progress_save", args=[cycle.progress.pk])
    client.force_login(cycle.eq)
    client.post(url, form_data(cycle, pratiche="9"))  # Elena saves first, from version 1
    client.force_login(cycle.dirigente)
    response = client.post(url, form_data(cycle, pratiche="4"))  # Anna, also from version 1
    assert response.status_code == 409
    html = response.content.decode()
    assert "Mentre compilavi, qualcun altro ha modificato questo avanzamento" in html
    assert "Salvataggio bozza di elena" in html and "Pratiche chiuse: — → 9" in html
    # Elena's value stands; Anna's typed value is still in her form, with the new version.
    assert Measurement.objects.get(indicator=cycle.pratiche).value_number == 9
    form = response.context["form"]
    assert form.data[f"m_{cycle.pratiche.pk}"] == "4" and form.data["version"] == 2
    response = client.post(url, form_data(cycle, version=2, pratiche="4"))
    assert response.status_code == 302
    assert Measurement.objects.get(indicator=cycle.pratiche).value_number == 4


def test_returned_report_shows_the_note_to_the_responsible(cycle, client):
    from objectives import services

    progress = Progress.objects.get(pk=cycle.progress.pk)
    services.progress_save(
        progress_id=progress.pk,
        version=1,
        acting_user=cycle.dirigente,
        values=services.DraftValues(measured={}, declared=Decimal(50), justification="", notes=""),
    )
    services.progress_submit(progress_id=progress.pk, version=2, acting_user=cycle.dirigente)
    client.force_login(cycle.segretario)
    client.post(
        reverse("objectives:progress_return", args=[progress.pk]),
        {"version": 3, "note": "Indica i giorni medi"},
    )
    client.force_login(cycle.dirigente)
    page = client.get(reverse("objectives:progress_detail", args=[progress.pk])).content.decode()
    assert "Restituito con questa nota:" in page and "Indica i giorni medi" in page
    todo = client.get(reverse("objectives:todo")).content.decode()
    assert "Correggere e rinviare" in todo


def test_validate_form_errors_are_explained(cycle, client):
    from objectives import services

    progress = Progress.objects.get(pk=cycle.progress.pk)
    Progress.objects.filter(pk=progress.pk).update(declared_achievement=Decimal(80))
    services.progress_submit(progress_id=progress.pk, version=1, acting_user=cycle.dirigente)
    services.progress_verify(progress_id=progress.pk, version=2, acting_user=cycle.segretario)
    client.force_login(cycle.ndv)
    url = reverse("objectives:progress_validate", args=[progress.pk])
    response = client.post(url, {"version": 3, "validated": "abc"})
    assert response.status_code == 400
    assert response.context["validate_form"].errors["validated"] == ["Inserisci un numero."]
    response = client.post(url, {"version": 3, "validated": "70"})
    assert response.status_code == 400
    assert "la motivazione è obbligatoria" in response.content.decode()
    assert Progress.objects.get(pk=progress.pk).status == "verificato"


def test_objective_page_shows_the_timeline_of_changes_and_transitions(cycle, client):
    client.force_login(cycle.dirigente)
    client.post(reverse("objectives:progress_save", args=[cycle.progress.pk]), form_data(cycle))
    page = client.get(reverse("objectives:objective_detail", args=[cycle.objective.pk]))
    entries = [entry.what for entry in page.context["timeline"]]
    assert entries[0] == "Salvataggio bozza · Anna Alfieri · 31/12/2024"
    assert "Obiettivo creato" in entries and "Target 2024 creato" in entries
