"""The admin speaks Italian, also on the pages the libraries ship (issue 11, point 5)."""

import re

import pytest
from django.apps import apps
from django.urls import reverse

from tests.factories import make_objective
from tests.objectives.test_admin_door import form_data

pytestmark = pytest.mark.django_db

ENGLISH = ["Choose a date", "Changed by", "Change reason", "Date/time", "Revert", "Changed"]


def test_history_pages_are_in_italian(world, client):
    objective = make_objective(world.plan_a, code="1.1", title="Prima")
    client.force_login(world.controllo)
    url = reverse("admin:objectives_objective_change", args=[objective.pk])
    saved = client.post(url, form_data(client.get(url)) | {"title": "Seconda"})
    assert saved.status_code == 302
    history = client.get(reverse("admin:objectives_objective_history", args=[objective.pk]))
    text = history.content.decode()
    assert [word for word in ENGLISH if word in text] == []
    assert "Cronologia: 1.1 Seconda" in text
    assert re.search(rf"<td>Modifica</td>\s*<td>{world.controllo.username}</td>", text)
    assert "Finalità / titolo:</strong> Prima &rarr; Seconda" in text
    assert "2 versioni" in text
    version = objective.history.earliest()
    past = client.get(
        reverse("admin:objectives_objective_simple_history", args=[objective.pk, version.pk])
    ).content.decode()
    assert [word for word in ENGLISH if word in past] == []
    assert "Torna alla cronologia" in past


def test_help_texts_speak_to_users_not_to_programmers():
    pointing = {
        f"{model._meta.label}.{field.name}": str(field.help_text)
        for model in apps.get_models()
        if model._meta.app_label in {"objectives", "organisation", "reporting"}
        for field in model._meta.get_fields()
        if re.search(r"\w+/\w+\.py|\.py\b", str(getattr(field, "help_text", "")))
    }
    assert pointing == {}
