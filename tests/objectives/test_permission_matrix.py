"""Every page and action of the monitoring cycle × every persona × the answer they get."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from objectives import services
from objectives.models import Evidence, Progress

pytestmark = pytest.mark.django_db

PERSONAS = [
    "dirigente",
    "eq",
    "other_dirigente",
    "segretario",
    "ndv",
    "viewer",
    "controllo",
    "outsider",
    "anonymous",
]
MEMBERS = ["dirigente", "eq", "other_dirigente", "segretario", "ndv", "viewer", "controllo"]


def expect(default: int, **overrides: int) -> dict[str, int]:
    """The answer of each persona: members get `default` unless overridden; an outsider is
    never told the row exists (404); anonymous visitors go to the login (302)."""
    answers = dict.fromkeys(MEMBERS, default)
    answers |= {"outsider": 404, "anonymous": 302}
    answers |= overrides
    return answers


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


# (name, method, state, url, data, expected)
CASES = [
    ("todo", "get", "bozza", lambda c: reverse("objectives:todo"), None, expect(200, outsider=200)),
    (
        "my_objectives",
        "get",
        "bozza",
        lambda c: reverse("objectives:my_objectives"),
        None,
        expect(200, outsider=200),
    ),
    (
        "review_queue",
        "get",
        "inviato",
        lambda c: reverse("objectives:review_queue"),
        None,
        expect(403, segretario=200, outsider=403),
    ),
    (
        "validation_queue",
        "get",
        "verificato",
        lambda c: reverse("objectives:validation_queue"),
        None,
        expect(403, ndv=200, outsider=403),
    ),
    (
        "validate_unchanged",
        "post",
        "verificato",
        lambda c: reverse("objectives:validate_unchanged"),
        lambda c: {"progress": [c.progress.pk]},
        expect(403, ndv=302, outsider=403),
    ),
    (
        "objective_detail",
        "get",
        "bozza",
        lambda c: reverse("objectives:objective_detail", args=[c.objective.pk]),
        None,
        expect(200),
    ),
    (
        "progress_start",
        "post",
        "bozza",
        lambda c: reverse("objectives:progress_start", args=[c.objective.pk, c.period.pk]),
        None,
        expect(403, dirigente=302, eq=302),
    ),
    (
        "progress_detail",
        "get",
        "bozza",
        lambda c: reverse("objectives:progress_detail", args=[c.progress.pk]),
        None,
        expect(200),
    ),
    (
        "progress_save",
        "post",
        "bozza",
        lambda c: reverse("objectives:progress_save", args=[c.progress.pk]),
        lambda c: {"version": 1, f"m_{c.pratiche.pk}": "7", "action": "save"},
        expect(403, dirigente=302, eq=302),
    ),
    (
        "progress_compute",
        "post",
        "bozza",
        lambda c: reverse("objectives:progress_compute", args=[c.progress.pk]),
        lambda c: {"version": 1, f"m_{c.pratiche.pk}": "7"},
        expect(200),
    ),
    (
        "progress_verify",
        "post",
        "inviato",
        lambda c: reverse("objectives:progress_verify", args=[c.progress.pk]),
        lambda c: {"version": 2},
        expect(403, segretario=302),
    ),
    (
        "progress_return",
        "post",
        "inviato",
        lambda c: reverse("objectives:progress_return", args=[c.progress.pk]),
        lambda c: {"version": 2, "note": "Manca l'evidenza"},
        expect(403, segretario=302),
    ),
    (
        "progress_return_verified",
        "post",
        "verificato",
        lambda c: reverse("objectives:progress_return", args=[c.progress.pk]),
        lambda c: {"version": 3, "note": "Manca l'evidenza"},
        expect(403, segretario=302, ndv=302),
    ),
    (
        "progress_validate",
        "post",
        "verificato",
        lambda c: reverse("objectives:progress_validate", args=[c.progress.pk]),
        lambda c: {"version": 3, "validated": "75", "reason": "Evidenza parziale"},
        expect(403, ndv=302),
    ),
    (
        "progress_reopen",
        "post",
        "validato",
        lambda c: reverse("objectives:progress_reopen", args=[c.progress.pk]),
        lambda c: {"version": 4, "reason": "Ricalcolo"},
        expect(403, ndv=302),
    ),
    (
        "progress_acknowledge",
        "post",
        "validato",
        lambda c: reverse("objectives:progress_acknowledge", args=[c.progress.pk]),
        lambda c: {"version": 4},
        expect(403, dirigente=302, eq=302),
    ),
    (
        "evidence_upload",
        "post",
        "bozza",
        lambda c: reverse("objectives:evidence_upload", args=[c.progress.pk]),
        lambda c: {"file": _pdf()},
        expect(403, dirigente=302, eq=302),
    ),
    (
        "evidence_download",
        "get",
        "bozza",
        lambda c: reverse("objectives:evidence_download", args=[_evidence(c).pk]),
        None,
        expect(200),
    ),
    (
        "evidence_delete",
        "post",
        "bozza",
        lambda c: reverse("objectives:evidence_delete", args=[_evidence(c).pk]),
        None,
        expect(403, dirigente=302, eq=302),
    ),
    (
        "period_list",
        "get",
        "bozza",
        lambda c: reverse("objectives:period_list"),
        None,
        expect(403, controllo=200, outsider=403),
    ),
    (
        "period_close",
        "post",
        "bozza",
        lambda c: reverse("objectives:period_close", args=[c.period.pk]),
        None,
        expect(403, controllo=302),
    ),
    (
        "period_open",
        "post",
        "bozza",
        lambda c: reverse("objectives:period_open", args=[c.period.pk]),
        None,
        expect(403, controllo=302),
    ),
    (
        "period_remind",
        "post",
        "bozza",
        lambda c: reverse("objectives:period_remind"),
        None,
        expect(403, controllo=302, outsider=403),
    ),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_permission_matrix(cycle, client, case, persona):
    name, method, state, url, data, expected = case
    _state(cycle, state)
    if persona != "anonymous":
        client.force_login(getattr(cycle, persona))
    target = url(cycle)
    payload = data(cycle) if data else {}
    response = client.get(target) if method == "get" else client.post(target, payload)
    assert response.status_code == expected[persona], (name, persona, response.status_code)
    if response.status_code == 302 and persona == "anonymous":
        assert response["Location"].startswith(reverse("login"))


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
