"""The import pages: who may use them, the preview, the column mapping, the confirmation."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from objectives.models import ImportRecord, Objective, Plan
from tests.factories import make_objective
from tests.objectives.plan_import.conftest import csv_bytes, plan_rows, row_counts, xlsx_bytes

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("objectives:plan_import")


def upload(client, world, data: bytes, name="piano.xlsx", **fields):
    post = {
        "ente": world.ente_a.pk,
        "title": "PIAO importato 2024-2026",
        "first_year": 2024,
        "last_year": 2026,
        "file": SimpleUploadedFile(name, data),
    } | fields
    return client.post(IMPORT_URL, post)


def preview_url(response) -> str:
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def confirm_url(preview_address: str) -> str:
    token = re.search(r"/anteprima/([^/]+)/", preview_address).group(1)
    return reverse("objectives:plan_import_confirm", args=[token])


# -- who may import ---------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_the_login(client):
    for url in (IMPORT_URL, reverse("objectives:plan_import_template")):
        response = client.get(url)
        assert response.status_code == 302 and "/accesso/" in response["Location"]


def test_a_viewer_of_the_ente_gets_403(client, world):
    client.force_login(world.viewer)
    assert client.get(IMPORT_URL).status_code == 403
    assert client.get(reverse("objectives:plan_import_template")).status_code == 403


def test_the_controllo_di_gestione_of_another_ente_gets_404_for_this_entes_plan(client, world):
    client.force_login(world.outsider)
    assert client.get(IMPORT_URL, {"piano": world.plan_a.pk}).status_code == 404
    response = upload(client, world, xlsx_bytes(plan_rows(2)), plan=world.plan_a.pk)
    assert response.status_code == 404
    assert not Objective.objects.filter(plan=world.plan_a).exists()


def test_another_users_upload_is_not_found(client, world):
    client.force_login(world.controllo)
    address = preview_url(upload(client, world, xlsx_bytes(plan_rows(2))))
    client.force_login(world.outsider)
    assert client.get(address).status_code == 404
    assert client.post(confirm_url(address)).status_code == 404
    client.force_login(world.superuser)
    assert client.get(address).status_code == 404  # the token is the uploader's only


def test_a_forged_token_is_not_found(controllo_client):
    url = reverse("objectives:plan_import_preview", args=["not-a-token"])
    assert controllo_client.get(url).status_code == 404


def test_the_form_offers_only_the_users_entes_and_plans(controllo_client, world):
    response = controllo_client.get(IMPORT_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert world.ente_a.name in page and world.ente_b.name not in page
    assert world.plan_a.title in page and world.plan_b.title not in page


# -- preview and confirmation -----------------------------------------------------------------


def test_preview_shows_every_row_and_saves_nothing(controllo_client, world):
    before = row_counts()
    address = preview_url(upload(controllo_client, world, xlsx_bytes(plan_rows(3))))
    response = controllo_client.get(address)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Obiettivo numero 3" in page and "Dario Rossi" in page
    assert "3 obiettivi, 3 indicatori, 6 target" in page
    assert "Nessun errore" in page
    assert row_counts() == before


def test_a_row_error_is_shown_with_its_row_number_and_blocks_the_confirmation(
    controllo_client, world
):
    rows = plan_rows(3)
    rows[2][3] = "tanto"  # the weight of objective 2, on row 3
    address = preview_url(upload(controllo_client, world, csv_bytes(rows), name="piano.csv"))
    response = controllo_client.get(address)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Riga 3: il peso «tanto» non è un numero" in page
    assert "disabled" in page
    before = row_counts()
    response = controllo_client.post(confirm_url(address))
    assert response.status_code == 400
    assert row_counts() == before
    record = ImportRecord.objects.get(outcome=ImportRecord.Outcome.REFUSED)
    assert record.errors == 1 and record.user == world.controllo and record.ente == world.ente_a


def test_mapping_a_column_by_hand_changes_the_preview(controllo_client, world):
    rows = [["Cosa", "Chi", "Quanto"], ["Ridurre i tempi", "Anna Alfieri", "10%"]]
    address = preview_url(upload(controllo_client, world, csv_bytes(rows), name="p.csv"))
    response = controllo_client.get(address)
    assert response.status_code == 400
    assert "Manca la colonna obbligatoria" in response.content.decode()
    mapping = {"col_0": "description", "col_1": "dirigente", "col_2": "weight"}
    response = controllo_client.get(address, mapping)
    assert response.status_code == 200, response.content.decode()[:3000]
    assert "Anna Alfieri" in response.content.decode()
    response = controllo_client.post(confirm_url(address), mapping)
    assert response.status_code == 302
    objective = Objective.objects.get(plan__title="PIAO importato 2024-2026")
    assert objective.dirigente.full_name == "Anna Alfieri" and objective.weight == 10


def test_confirm_creates_the_plan_records_the_import_and_shows_the_plan(controllo_client, world):
    data = xlsx_bytes(plan_rows(4))
    address = preview_url(upload(controllo_client, world, data))
    response = controllo_client.post(confirm_url(address), follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Piano «PIAO importato 2024-2026» creato: 4 obiettivi nuovi" in page
    assert "PIAO importato 2024-2026" in page  # the home page lists it
    plan = Plan.objects.get(ente=world.ente_a, title="PIAO importato 2024-2026")
    assert plan.objectives.count() == 4
    record = ImportRecord.objects.get(outcome=ImportRecord.Outcome.ACCEPTED)
    assert record.plan == plan and record.objectives == 4 and record.source == "web"
    assert record.file_name == "piano.xlsx" and len(record.sha256) == 64
    assert controllo_client.get(address).status_code == 404  # the stored file is gone


def test_update_of_an_existing_plan_matches_objectives_by_code(controllo_client, world):
    make_objective(world.plan_a, code="1", title="Titolo vecchio")
    make_objective(world.plan_a, code="9", title="Non nel file")
    rows = plan_rows(2)
    address = preview_url(upload(controllo_client, world, xlsx_bytes(rows), plan=world.plan_a.pk))
    response = controllo_client.post(confirm_url(address), follow=True)
    assert "aggiornato: 1 obiettivi nuovi, 1 aggiornati" in response.content.decode()
    codes = sorted(world.plan_a.objectives.values_list("code", flat=True))
    assert codes == ["1", "2", "9"]
    assert world.plan_a.objectives.get(code="1").title == "Obiettivo numero 1"


def test_the_template_downloads_and_is_recognised(controllo_client):
    response = controllo_client.get(
        reverse("objectives:plan_import_template"), {"primo": 2025, "ultimo": 2027}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('modello-piano-2025-2027.xlsx"')
    from objectives.plan_import.sheets import read_sheet
    from objectives.plan_import.table import read_table

    header = read_table(read_sheet(response.content, "m.xlsx")).header
    assert header.exact and {"target@2025", "target@2027"} <= set(header.roles)


@pytest.mark.parametrize("size", [10, 1000])
def test_preview_queries_do_not_grow_with_the_rows(
    controllo_client, world, size, django_assert_num_queries
):
    address = preview_url(upload(controllo_client, world, xlsx_bytes(plan_rows(size))))
    # The file was read on upload and its preview kept: session and user; the user's entes
    # (two); the session saved (three); the navigation; the plan of that title, whose status
    # says whether it may be rewritten.
    with django_assert_num_queries(9):
        response = controllo_client.get(address)
    assert response.status_code == 200
    assert response.content.decode().count('data-status="ok"') == min(size, 100)  # a page
    mapping = {"col_0": "code", "col_1": "title", "col_2": "dirigente"}
    # A new mapping reads the file again, once: also the preview's ente, plan and people, and
    # the DUP list (matching, then the document check); the plan of that title (its status).
    with django_assert_num_queries(14):
        controllo_client.get(address, mapping)
    with django_assert_num_queries(9):
        response = controllo_client.get(address, {"page": 2, **mapping})
    assert response.status_code == 200


def test_turning_the_preview_pages_does_not_read_the_file_again(
    controllo_client, world, monkeypatch
):
    from objectives.plan_import.uploads import Upload

    address = preview_url(upload(controllo_client, world, xlsx_bytes(plan_rows(250))))

    def no_reading(_upload):
        raise AssertionError("the file was read again")

    monkeypatch.setattr(Upload, "read", no_reading)
    for page in (1, 2, 3):
        response = controllo_client.get(address, {"page": page})
        assert response.status_code == 200
        assert f"Obiettivo numero {100 * (page - 1) + 1}<" in response.content.decode()


@pytest.mark.parametrize(
    "params, message",
    [
        ({"col_x": "title"}, "La colonna «col_x» non esiste"),
        ({"col_²": "title"}, "La colonna «col_²» non esiste"),
        ({"col_" + "9" * 5000: "title"}, "non esiste: le colonne vanno da col_0 a col_199"),
        ({"col_200": "title"}, "La colonna «col_200» non esiste"),
        ({"col_-1": "title"}, "La colonna «col_-1» non esiste"),
        ({"col_1": "target@2031"}, "«target@2031» non è un contenuto che si possa assegnare"),
        ({"col_1": "<script>x</script>"}, "«&lt;script&gt;x&lt;/script&gt;» non è un contenuto"),
    ],
)
def test_an_odd_column_mapping_is_a_clear_400(controllo_client, world, params, message):
    address = preview_url(upload(controllo_client, world, xlsx_bytes(plan_rows(3))))
    response = controllo_client.get(address, params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert controllo_client.post(confirm_url(address), params).status_code == 400
    assert not Objective.objects.filter(title="Obiettivo numero 1").exists()


def test_the_preview_pages_through_every_row_keeping_the_mapping(controllo_client, world):
    address = preview_url(upload(controllo_client, world, xlsx_bytes(plan_rows(250))))
    first = controllo_client.get(address).content.decode()
    mapping = {"col_0": "code", "col_1": "title", "col_2": "dirigente"}  # as recognised
    last = controllo_client.get(address, {"page": 3, **mapping}).content.decode()
    assert first.count('data-status="ok"') == 100 and last.count('data-status="ok"') == 50
    assert "col_2=dirigente" in last  # the pagination links keep a mapping made by hand
