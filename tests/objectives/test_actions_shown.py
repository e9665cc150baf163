"""A button is shown only to whom the view lets use it (objectives/permissions.py decides both):
a viewer is not offered "Compila il tuo avanzamento" and cannot start one either."""

import pytest
from django.urls import reverse

from objectives.models import Progress

pytestmark = pytest.mark.django_db

COMPILA = "Compila il tuo avanzamento"


def test_only_who_answers_for_the_objective_is_offered_to_fill_it_in(cycle, client):
    url = reverse("objectives:objective_detail", args=[cycle.objective.pk])
    for who in (cycle.viewer, cycle.segretario, cycle.ndv, cycle.controllo, cycle.other_dirigente):
        client.force_login(who)
        response = client.get(url)
        assert response.status_code == 200 and COMPILA not in response.content.decode()
    for who in (cycle.dirigente, cycle.eq):
        client.force_login(who)
        assert COMPILA in client.get(url).content.decode()


def test_starting_someone_elses_report_is_refused_and_creates_nothing(cycle, client):
    mine = Progress.objects.filter(ente=cycle.ente)
    mine.delete()
    start = reverse("objectives:progress_start", args=[cycle.objective.pk, cycle.period.pk])
    client.force_login(cycle.viewer)
    response = client.post(start)
    assert response.status_code == 403 and "Solo il responsabile" in response.content.decode()
    assert not mine.exists()
    client.force_login(cycle.dirigente)
    assert client.post(start).status_code == 302 and mine.count() == 1
