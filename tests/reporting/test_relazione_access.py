"""Who sees what in the Relazione: the dashboard's rule (reporting/access.py). A dirigente or EQ
reads their own figures and the ente's aggregate, never a colleague's score, band or NdV notes,
on the page, through its PDF job or through a download of a job someone else started."""

import pytest
from django.urls import reverse

import tests.reporting.test_relazione as relazione_tests
from reporting.models import ExportJob

# The Relazione's fixtures: Anna Alfieri validated at 85 with an NdV reason, Dario Donati at 70.
inline_jobs = relazione_tests.inline_jobs
results = relazione_tests.results

pytestmark = pytest.mark.django_db


def _page(client, plan) -> str:
    response = client.get(reverse("reporting:relazione_detail", args=[plan.pk, 2024]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_dirigente_reads_only_their_own_figures_and_the_ente(results, client):
    client.force_login(results.other_dirigente)  # Dario Donati, 2.1
    html = _page(client, results.plan)
    assert "Dario Donati" in html and 'data-code="2.1"' in html
    assert "Anna Alfieri" not in html and 'data-code="1.1"' not in html
    assert "Evidenze parziali" not in html  # the NdV's reason on Anna's report
    assert "fascia C" not in html  # Anna's pay band
    assert "Punteggio dell&#x27;ente" in html or "Punteggio dell'ente" in html
    assert 'data-testid="relazione-own"' in html
    assert 'data-testid="relazione-pdf"' not in html  # no button they cannot use


def test_the_eq_sees_their_own_sections_only(results, client):
    client.force_login(results.eq)  # Elena Esposito answers for no weight group of her own
    html = _page(client, results.plan)
    assert "Anna Alfieri" not in html and "Dario Donati" not in html


def test_the_ente_roles_read_every_responsible(results, client):
    for who in (results.segretario, results.ndv, results.controllo, results.viewer):
        client.force_login(who)
        html = _page(client, results.plan)
        assert "Anna Alfieri" in html and "Dario Donati" in html and "Evidenze parziali" in html
        assert 'data-testid="relazione-own"' not in html


def test_a_dirigente_cannot_start_or_download_the_relazione_pdf(results, client):
    start = reverse("reporting:export_job_start", args=[results.plan.pk])
    data = {"kind": "relazione", "format": "pdf", "year": "2024"}
    client.force_login(results.dirigente)
    refused = client.post(start, data)
    assert refused.status_code == 403 and not ExportJob.objects.exists()
    assert "Relazione con i punteggi di tutti" in refused.content.decode()
    client.force_login(results.ndv)
    assert client.post(start, data).status_code == 302
    job = ExportJob.objects.get()
    client.force_login(results.dirigente)
    download = reverse("reporting:export_job_download", args=[job.pk])
    assert client.get(download).status_code == 403
    assert client.get(reverse("reporting:export_job_detail", args=[job.pk])).status_code == 403
    listing = client.get(reverse("reporting:export_job_list", args=[results.plan.pk]))
    assert listing.status_code == 200 and job not in listing.context["jobs"]
    client.force_login(results.segretario)
    assert client.get(download).status_code == 200
    listing = client.get(reverse("reporting:export_job_list", args=[results.plan.pk]))
    assert job in listing.context["jobs"]
