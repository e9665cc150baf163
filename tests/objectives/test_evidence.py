"""Evidence files: accepted by content, limited in size, served only to the ente's members."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from objectives.models import Evidence

pytestmark = pytest.mark.django_db


def _zip(member: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(member, "<xml/>")
    return buffer.getvalue()


ACCEPTED = [
    ("verbale.pdf", b"%PDF-1.7\n%%EOF", "application/pdf"),
    ("foto.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "image/png"),
    ("foto.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image/jpeg"),
    (
        "relazione.docx",
        _zip("[Content_Types].xml"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("dati.ods", _zip("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"),
    ("elenco.csv", b"comune;pratiche\nMontichiari;12\n", "text/csv"),
]
REFUSED = [
    ("virus.pdf", b"MZ\x90\x00 not a pdf", "Tipo di file non ammesso"),
    ("script.html", b"<script>alert(1)</script>", "Tipo di file non ammesso"),
    ("finto.docx", _zip("payload.exe"), "Tipo di file non ammesso"),
    ("latin1.txt", "perché".encode("latin-1") * 10, "non è in UTF-8"),
    ("vuoto.pdf", b"", "Scegli un file da caricare."),
]


def _upload(client, cycle, name: str, content: bytes):
    return client.post(
        reverse("objectives:evidence_upload", args=[cycle.progress.pk]),
        {"file": SimpleUploadedFile(name, content, content_type="application/octet-stream")},
    )


@pytest.mark.parametrize("name, content, content_type", ACCEPTED)
def test_accepted_files_keep_the_type_their_content_shows(
    cycle, client, name, content, content_type, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(cycle.dirigente)
    assert _upload(client, cycle, name, content).status_code == 302
    evidence = Evidence.objects.get(progress=cycle.progress)
    assert (evidence.original_name, evidence.content_type) == (name, content_type)
    assert not evidence.file.name.endswith(name)  # the stored name is not the user's
    assert cycle.progress.events.get().action == "evidence_add"


@pytest.mark.parametrize("name, content, message", REFUSED)
def test_refused_files_are_explained_and_not_stored(
    cycle, client, name, content, message, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(cycle.dirigente)
    response = _upload(client, cycle, name, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Evidence.objects.exists()
    assert not any(tmp_path.rglob("*.*"))


def test_files_over_the_limit_are_refused(cycle, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.EVIDENCE_MAX_BYTES = 1024
    client.force_login(cycle.dirigente)
    response = _upload(client, cycle, "grande.pdf", b"%PDF-" + b"0" * 2048)
    assert response.status_code == 400
    assert "Il file supera il limite" in response.content.decode()


def test_a_user_of_another_ente_cannot_download(cycle, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(cycle.dirigente)
    _upload(client, cycle, "verbale.pdf", b"%PDF-1.7\n%%EOF")
    evidence = Evidence.objects.get()
    client.force_login(cycle.outsider)
    assert (
        client.get(reverse("objectives:evidence_download", args=[evidence.pk])).status_code == 404
    )
    client.logout()
    response = client.get(reverse("objectives:evidence_download", args=[evidence.pk]))
    assert response.status_code == 302
