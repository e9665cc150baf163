"""Uploads waiting for a confirmation that never comes are deleted once they cannot be
confirmed any more: by the purge_plan_imports command (cron) and whenever a file is uploaded."""

import io
import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse

from objectives.models import ImportRecord
from objectives.plan_import.uploads import FOLDER
from tests.objectives.plan_import.conftest import plan_rows, xlsx_bytes
from tests.objectives.plan_import.test_views import confirm_url, preview_url, upload

pytestmark = pytest.mark.django_db

DAY = 24 * 60 * 60


def waiting_upload(name: str, *, age_hours: float) -> str:
    path = default_storage.save(f"{FOLDER}/{name}.upload", ContentFile(b"N;Obiettivo\n1;x\n"))
    then = time.time() - age_hours * 3600
    os.utime(default_storage.path(path), (then, then))
    return path


def test_the_command_deletes_uploads_older_than_a_day_and_keeps_the_others():
    old = waiting_upload("vecchio", age_hours=25)
    recent = waiting_upload("recente", age_hours=2)
    other = default_storage.save("evidenze/relazione.pdf", ContentFile(b"%PDF-1.7"))
    os.utime(default_storage.path(other), (time.time() - 30 * DAY,) * 2)
    out = io.StringIO()
    call_command("purge_plan_imports", stdout=out)
    assert "File di importazione eliminati: 1." in out.getvalue()
    assert not default_storage.exists(old)
    assert default_storage.exists(recent)
    assert default_storage.exists(other)  # evidence files are not the purge's business


def test_the_command_takes_a_shorter_age_and_runs_without_any_upload():
    out = io.StringIO()
    call_command("purge_plan_imports", stdout=out)
    assert "eliminati: 0." in out.getvalue()
    recent = waiting_upload("recente", age_hours=2)
    call_command("purge_plan_imports", "--hours", "1", stdout=io.StringIO())
    assert not default_storage.exists(recent)


def test_a_new_upload_deletes_the_expired_ones_and_keeps_its_own(controllo_client, world):
    old = waiting_upload("dimenticato", age_hours=30)
    address = preview_url(upload(controllo_client, world, xlsx_bytes(plan_rows(2))))
    assert not default_storage.exists(old)
    assert controllo_client.get(address).status_code == 200
    (name,) = [n for n in default_storage.listdir(FOLDER)[1] if n.endswith(".upload")]
    kept = {name, name.replace(".upload", ".preview")}
    assert set(default_storage.listdir(FOLDER)[1]) == kept


def test_an_expired_preview_is_not_found_and_its_file_is_gone(controllo_client, world):
    address = preview_url(upload(controllo_client, world, xlsx_bytes(plan_rows(2))))
    then = time.time() - 25 * 3600
    for name in default_storage.listdir(FOLDER)[1]:  # the file and its kept preview
        os.utime(default_storage.path(f"{FOLDER}/{name}"), (then, then))
    out = io.StringIO()
    call_command("purge_plan_imports", stdout=out)
    assert "eliminati: 1." in out.getvalue() and default_storage.listdir(FOLDER)[1] == []
    assert controllo_client.get(address).status_code == 404
    assert controllo_client.post(confirm_url(address)).status_code == 404


def test_a_confirmed_upload_leaves_no_file_and_its_record_names_it(controllo_client, world):
    address = preview_url(upload(controllo_client, world, xlsx_bytes(plan_rows(2))))
    response = controllo_client.post(confirm_url(address))
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert default_storage.listdir(FOLDER)[1] == []
    record = ImportRecord.objects.get()
    assert record.file_name == "piano.xlsx" and record.objectives == 2 and record.file_size > 0
