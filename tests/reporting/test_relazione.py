"""The Relazione sulla performance: per responsible their results, score and band; the ente's
summary; the NdV's validation statement; as a page and as a PDF, per ente."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from objectives import services
from objectives.models import Measurement, Progress
from reporting.exports.relazione import build_relazione, relazione_pdf
from reporting.models import ExportJob, ValidationStatement
from tests.reporting.exports_data import IMMEDIATE_TASKS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def inline_jobs(settings, tmp_path):
    settings.TASKS = IMMEDIATE_TASKS
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def results(cycle):
    """1.1 (Anna Alfieri) validated at 85 after a declared 90; 2.1 (Dario Donati) sent at 70."""
    Progress.objects.filter(pk=cycle.progress.pk).update(
        status="validato",
        computed_achievement=Decimal(90),
        declared_achievement=Decimal(90),
        validated_achievement=Decimal(85),
        validation_reason="Evidenze parziali sul secondo indicatore",
    )
    Measurement.objects.create(
        ente=cycle.ente, progress=cycle.progress, indicator=cycle.pratiche, value_number=9
    )
    Progress.objects.filter(pk=cycle.other_progress.pk).update(
        status="inviato", declared_achievement=Decimal(70)
    )
    return cycle


def test_each_responsible_has_their_objectives_score_and_band(results):
    relazione = build_relazione(results.plan, 2024)
    by_name = {section.name: section for section in relazione.sections}
    anna = by_name["Anna Alfieri"]
    assert anna.score.value == Decimal("85.00")
    assert anna.pay_band.startswith("fascia C")
    [line] = anna.lines
    assert line.code == "1.1"
    assert (line.computed, line.declared, line.validated) == (90, 90, 85)
    assert line.achievement == Decimal("85.00") and line.source == "validato NdV"
    assert line.score == Decimal("85.00") and "proporzionale" in line.band
    assert "Pratiche chiuse: >= 10" in line.targets
    assert line.measured == "Pratiche chiuse: 9"
    assert line.ndv_notes == "Evidenze parziali sul secondo indicatore"
    dario = by_name["Dario Donati"]
    assert dario.score.value == Decimal("70.00") and dario.lines[0].source == "dichiarato"
    assert dario.pay_band.startswith("fascia D")
    assert relazione.scores.ente.value == Decimal("77.50")
    assert relazione.statement is None


def test_the_pdf_holds_every_responsible_the_summary_and_the_statement(results):
    ValidationStatement.objects.create(
        ente=results.ente,
        plan=results.plan,
        year=2024,
        statement="Il Nucleo valida la Relazione <con riserva>.",
        validated_on=dt.date(2025, 6, 20),
        signatories="Nicola Neri (presidente)\nPaola Pini",
        recorded_at=dt.datetime(2025, 6, 20, tzinfo=dt.UTC),
    )
    document = relazione_pdf(results.plan, 2024)
    text = re.sub(
        r"\s+", " ", "".join(p.extract_text() for p in PdfReader(io.BytesIO(document.data)).pages)
    )
    assert "Relazione sulla performance 2024" in text
    assert "Anna Alfieri" in text and "Dario Donati" in text
    assert "Punteggio dell'ente: 77,5%" in text
    assert "85%" in text and "validato NdV" in text
    assert "Il Nucleo valida la Relazione <con riserva>." in text  # escaped, shown as text
    assert "Validata il 20/06/2025" in text
    assert "Nicola Neri (presidente); Paola Pini" in text
    assert f"Pagina 1 di {document.pages}" in text


def test_page_for_members_404_for_other_entes_and_400_without_a_period(results, client):
    url = reverse("reporting:relazione_detail", args=[results.plan.pk, 2024])
    client.force_login(results.viewer)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-code="1.1"' in html and "Non ancora validata" in html
    assert 'data-testid="validation-form"' not in html  # only the NdV records it
    empty = client.get(reverse("reporting:relazione_detail", args=[results.plan.pk, 2025]))
    assert empty.status_code == 400 and "periodi di monitoraggio nel 2025" in empty.content.decode()
    assert (
        client.get(reverse("reporting:relazione_detail", args=[results.plan.pk, 2030])).status_code
        == 404
    )
    index = client.get(reverse("reporting:relazione_index", args=[results.plan.pk]))
    assert index["Location"] == url
    client.force_login(results.outsider)
    assert client.get(url).status_code == 404


def test_only_the_ndv_records_the_validation_statement(results, client):
    url = reverse("reporting:relazione_validate", args=[results.plan.pk, 2024])
    data = {
        "statement": "Validata.",
        "validated_on": "2025-06-20",
        "signatories": "Nicola Neri",
    }
    client.force_login(results.segretario)
    assert client.post(url, data).status_code == 403
    client.force_login(results.outsider)
    assert client.post(url, data).status_code == 404
    client.force_login(results.ndv)
    bad = client.post(url, data | {"validated_on": "ieri"})
    assert bad.status_code == 400 and not ValidationStatement.objects.exists()
    Progress.objects.filter(pk=results.other_progress.pk).update(
        status="validato", validated_achievement=Decimal(70)
    )
    services.period_close(period_id=results.period.pk, acting_user=results.controllo)
    assert client.post(url, data).status_code == 302
    statement = ValidationStatement.objects.get()
    assert statement.validated_on == dt.date(2025, 6, 20) and statement.recorded_by == results.ndv
    page = client.get(reverse("reporting:relazione_detail", args=[results.plan.pk, 2024]))
    assert "Validata il 20/06/2025" in page.content.decode()


def test_the_relazione_pdf_is_a_background_job(results, client):
    client.force_login(results.controllo)
    response = client.post(
        reverse("reporting:export_job_start", args=[results.plan.pk]),
        {"kind": "relazione", "format": "pdf", "year": "2024"},
    )
    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.status == "done" and job.pages >= 1
    assert job.file_name == "alfa-relazione-performance-2024.pdf"
    bad = client.post(
        reverse("reporting:export_job_start", args=[results.plan.pk]),
        {"kind": "relazione", "format": "pdf", "year": "2031"},
    )
    assert bad.status_code == 400


def test_relazione_page_queries_are_the_same_with_10_and_200_more_objectives(
    results, client, django_assert_num_queries
):
    from tests.objectives.test_page_queries import grow

    client.force_login(results.ndv)
    url = reverse("reporting:relazione_detail", args=[results.plan.pk, 2024])
    grow(results, 10, "verificato")
    # one of them lists the reports the NdV excluded from the evaluation
    with django_assert_num_queries(21):
        assert client.get(url).status_code == 200
    grow(results, 200, "verificato")
    with django_assert_num_queries(21):
        assert client.get(url).status_code == 200
