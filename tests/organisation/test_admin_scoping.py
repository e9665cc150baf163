"""Every choice the admin offers stops at the user's ente: every registered model admin, every
inline (nested ones too), every foreign key and many-to-many field, every autocomplete.

The walk is generic on purpose: a new admin, inline or field that offers another ente's rows
makes it fail, and so does a related model it does not know how to scope.
"""

from collections.abc import Iterator

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.forms import ModelChoiceField
from django.test import RequestFactory
from django.urls import reverse

from objectives.models import Missione, Programma
from organisation.models import Ente
from tests.objectives.test_admin import populate

pytestmark = pytest.mark.django_db

# Shared by every ente on purpose: the national DUP list and Django's own tables.
SHARED = {Missione, Programma, Group, Permission, ContentType}


def _inlines(model_admin) -> Iterator:
    """Every inline of a model admin, nested ones included, instantiated as the admin does."""

    def walk(parent_model, inline_classes):
        for inline_class in inline_classes:
            inline = inline_class(parent_model, admin.site)
            yield inline
            yield from walk(inline.model, getattr(inline, "inlines", []))

    yield from walk(model_admin.model, model_admin.inlines)


def _forms(request) -> Iterator[tuple[str, type]]:
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        yield label, model_admin.get_form(request)
        for inline in _inlines(model_admin):
            formset = inline.get_formset(request, None)
            yield f"{label} › {inline.model._meta.label}", formset.form


def _foreign_rows(queryset, world) -> list[str]:
    """The rows of ente B (or B itself) among a field's choices."""
    model = queryset.model
    if model is Ente:
        return [str(e) for e in queryset.filter(pk=world.ente_b.pk)]
    if model is get_user_model():
        return [u.username for u in queryset.filter(memberships__ente=world.ente_b)]
    if any(field.name == "ente" for field in model._meta.fields):
        assert model.objects.filter(ente=world.ente_b).exists(), (
            f"ente B has no {model._meta.label}: populate it so the check can fail"
        )
        return [str(row) for row in queryset.filter(ente=world.ente_b)]
    assert model in SHARED, f"{model._meta.label} has no ente: how is it scoped?"
    return []


def test_no_admin_form_or_inline_offers_another_entes_rows(world, rf: RequestFactory):
    populate(world.plan_a, 2)
    populate(world.plan_b, 2)
    request = rf.get("/admin/")
    request.user = world.controllo
    checked, leaks = 0, {}
    for where, form_class in _forms(request):
        for name, field in form_class.base_fields.items():
            if not isinstance(field, ModelChoiceField):
                continue
            checked += 1
            foreign = _foreign_rows(field.queryset, world)
            if foreign:
                leaks[f"{where}.{name}"] = foreign[:3]
    assert leaks == {}
    assert checked >= 30  # the walk did reach the fields (a broken walk checks nothing)


def _autocomplete_fields(request) -> Iterator[tuple[type, str]]:
    for model, model_admin in admin.site._registry.items():
        for name in model_admin.get_autocomplete_fields(request):
            yield model, name
        for inline in _inlines(model_admin):
            for name in inline.get_autocomplete_fields(request):
                yield inline.model, name


def test_no_autocomplete_answers_another_entes_rows(world, client, rf):
    populate(world.plan_a, 2)
    populate(world.plan_b, 2)
    request = rf.get("/admin/")
    request.user = world.controllo
    client.force_login(world.controllo)
    answered, leaks = 0, {}
    for model, name in _autocomplete_fields(request):
        response = client.get(
            reverse("admin:autocomplete"),
            {
                "app_label": model._meta.app_label,
                "model_name": model._meta.model_name,
                "field_name": name,
                "term": "",
            },
        )
        if response.status_code == 403:  # the controllo may not read that model at all
            continue
        assert response.status_code == 200, (model, name)
        answered += 1
        remote = model._meta.get_field(name).remote_field.model
        ids = [item["id"] for item in response.json()["results"]]
        foreign = _foreign_rows(remote.objects.filter(pk__in=ids), world)
        if foreign:
            leaks[f"{model._meta.label}.{name}"] = foreign[:3]
    assert leaks == {}
    assert answered >= 12


def test_the_walk_catches_an_unscoped_inline(world, rf, monkeypatch):
    """The check itself: an inline without the scoping mixin offers ente B's indicators."""
    from objectives.admin import ProgressAdmin
    from objectives.models import Measurement

    class Unscoped(admin.TabularInline):
        model = Measurement
        fields = ["indicator"]

    populate(world.plan_a, 1)
    populate(world.plan_b, 1)
    monkeypatch.setattr(ProgressAdmin, "inlines", [Unscoped])
    request = rf.get("/admin/")
    request.user = world.controllo
    form = dict(_forms(request))["objectives.Progress › objectives.Measurement"]
    assert _foreign_rows(form.base_fields["indicator"].queryset, world)
