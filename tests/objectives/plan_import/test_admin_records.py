"""The register of imports in the admin: read-only, and each ente sees only its own."""

import pytest
from django.urls import reverse

from objectives.models import ImportRecord

pytestmark = pytest.mark.django_db


def record(ente, name="piano.xlsx", outcome=ImportRecord.Outcome.ACCEPTED):
    return ImportRecord.objects.create(
        ente=ente,
        ente_slug=ente.slug,
        source=ImportRecord.Source.WEB,
        file_name=name,
        sha256="0" * 64,
        outcome=outcome,
    )


def test_controllo_sees_the_imports_of_its_ente_only(client, world):
    mine, theirs = record(world.ente_a, "alfa.xlsx"), record(world.ente_b, "beta.xlsx")
    client.force_login(world.controllo)
    page = client.get(reverse("admin:objectives_importrecord_changelist")).content.decode()
    assert "alfa.xlsx" in page and "beta.xlsx" not in page
    detail = reverse("admin:objectives_importrecord_change", args=[mine.pk])
    response = client.get(detail)
    assert response.status_code == 200 and 'name="_save"' not in response.content.decode()
    other = reverse("admin:objectives_importrecord_change", args=[theirs.pk])
    assert client.get(other).status_code in {302, 404}
    assert client.get(reverse("admin:objectives_importrecord_add")).status_code == 403
    delete = reverse("admin:objectives_importrecord_delete", args=[mine.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert ImportRecord.objects.count() == 2


@pytest.mark.parametrize("extra", [0, 40])
def test_the_register_list_has_a_constant_number_of_queries(
    client, world, extra, django_assert_num_queries
):
    for index in range(5 + extra):
        record(world.ente_a, f"file-{index}.csv")
    client.force_login(world.controllo)
    with django_assert_num_queries(13):
        response = client.get(reverse("admin:objectives_importrecord_changelist"))
    assert response.status_code == 200
