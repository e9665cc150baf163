"""The controllo di gestione approves a draft plan from its page, in a real Chromium."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from objectives.models import Plan
from organisation.models import Ente
from tests.factories import make_plan

pytestmark = pytest.mark.e2e


def test_controllo_approves_a_draft_plan_with_its_delibera(page, demo_site):
    demo_site(page, "controllo")
    plan = make_plan(Ente.objects.get(slug="montichiari"), title="PEG 2025", first_year=2025)
    page.goto(demo_site.url + reverse("objectives:plan_detail", args=[plan.pk]))
    expect(page.get_by_test_id("plan-status")).to_contain_text("Bozza")
    page.get_by_test_id("plan-approve").click()  # empty: the browser asks for the number
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.BOZZA
    page.get_by_label("Delibera n.").fill("15")
    page.get_by_label("del", exact=True).fill("2025-02-20")
    page.get_by_test_id("plan-approve").click()
    expect(page.get_by_test_id("plan-status")).to_contain_text(
        "Approvato con delibera n. 15 del 20/02/2025"
    )
    expect(page.get_by_test_id("plan-approve")).to_have_count(0)
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.APPROVATO
