"""The report page and its evidence as each persona meets them (every URL × persona × ente is in
tests/test_permission_matrix.py)."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from objectives import services
from objectives.models import Evidence, Progress

pytestmark = pytest.mark.django_db


def _state(cycle, state: str) -> None:
    progress = Progress.objects.get(pk=cycle.progress.pk)
    if state == "bozza":
        return
    services.progress_submit(
        progress_id=progress.pk, version=progress.version, acting_user=cycle.dirigente
    ) if progress.declared_achievement else None
    Progress.objects.filter(pk=progress.pk).update(declared_achievement=Decimal(80))
    services.progress_submit(progress_id=progress.pk, version=1, acting_user=cycle.dirigente)
    if state == "inviato":
        return
    services.progress_verify(progress_id=progress.pk, version=2, acting_user=cycle.segretario)
    if state == "verificato":
        return
    services.progress_validate(
        progress_id=progress.pk,
        version=3,
        acting_user=cycle.ndv,
        validated=Decimal(80),
        reason="",
        ndv_notes="",
    )


def _pdf(name="report.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n")


def _evidence(cycle) -> Evidence:
    return services.evidence_add(
        progress_id=cycle.progress.pk, acting_user=cycle.dirigente, upload=_pdf()
    )


@pytest.mark.parametrize(
    "persona, status",
    [
        ("segretario", 302),
        ("ndv", 302),
        ("dirigente", 403),
        ("eq", 403),
        ("other_dirigente", 403),
        ("viewer", 403),
        ("controllo", 403),
        ("outsider", 404),
    ],
)
def test_a_verified_report_is_returned_by_the_segretario_or_the_ndv(cycle, client, persona, status):
    _state(cycle, "verificato")
    client.force_login(getattr(cycle, persona))
    url = reverse("objectives:progress_return", args=[cycle.progress.pk])
    response = client.post(url, {"version": 3, "note": "Manca l'evidenza"})
    assert response.status_code == status
    returned = Progress.objects.get(pk=cycle.progress.pk).status == Progress.Status.BOZZA
    assert returned == (status == 302)


@pytest.mark.parametrize("persona", ["other_dirigente", "segretario", "ndv", "viewer"])
def test_only_a_responsible_can_delete_evidence(cycle, client, persona):
    evidence = _evidence(cycle)
    client.force_login(getattr(cycle, persona))
    client.post(reverse("objectives:evidence_delete", args=[evidence.pk]))
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    client.force_login(cycle.dirigente)
    client.post(reverse("objectives:evidence_delete", args=[evidence.pk]))
    assert not Evidence.objects.filter(pk=evidence.pk).exists()


def test_viewer_sees_the_report_but_no_form(cycle, client):
    client.force_login(cycle.viewer)
    page = client.get(reverse("objectives:progress_detail", args=[cycle.progress.pk]))
    html = page.content.decode()
    assert "Pratiche chiuse" in html
    assert 'data-testid="progress-form"' not in html
    assert "Verifica e passa al NdV" not in html
    assert ">Valida</button>" not in html and "Restituisci" not in html


def test_evidence_file_is_served_with_its_name(cycle, client):
    evidence = _evidence(cycle)
    client.force_login(cycle.ndv)
    response = client.get(reverse("objectives:evidence_download", args=[evidence.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="report.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
