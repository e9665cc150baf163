"""Odd, huge and foreign values in every GET parameter of every app page: a clear answer
(200 or an Italian 400/404), fast, never a 500."""

import time
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

ODD_VALUES = [
    "-1",
    "1e999999",
    "9" * 5000,
    "<script>alert(1)</script> ñ ∑ 🎯 \u202e\x00",
]
SORT_VALUES = ["--code", "-", "code,,", "nessuna"]
TABLE = ["sort", "page", "per_page"]
PROGRESS_FILTER = [*TABLE, "plan", "period", "status", "dipartimento", "programma", "q"]
DASHBOARD = ["periodo", "dipartimento", "missione", "programma", "sezione"]


def _pages(cycle) -> dict[str, list[str]]:
    plan, period = cycle.plan, cycle.period
    return {
        reverse("home"): [*TABLE, "ente", "status", "year", "title"],
        reverse("objectives:plan_detail", args=[plan.pk]): [
            *TABLE,
            *["dipartimento", "dirigente", "eq", "missione", "programma", "section", "kind", "q"],
        ],
        reverse("objectives:todo"): PROGRESS_FILTER,
        reverse("objectives:my_objectives"): PROGRESS_FILTER,
        reverse("objectives:review_queue"): PROGRESS_FILTER,
        reverse("objectives:validation_queue"): PROGRESS_FILTER,
        reverse("reporting:list_export", args=["todo", "csv"]): PROGRESS_FILTER,
        reverse("objectives:objective_detail", args=[cycle.objective.pk]): ["periodo"],
        reverse("objectives:progress_detail", args=[cycle.progress.pk]): ["periodo"],
        reverse("objectives:period_list"): TABLE,
        reverse("reporting:dashboard_index"): TABLE,
        reverse("reporting:dashboard_plan", args=[plan.pk]): [
            *DASHBOARD,
            *["ritardi-sort", "rischio-page", "dipartimenti-sort", "responsabili-per_page"],
        ],
        reverse("reporting:dashboard_responsible", args=[plan.pk, cycle.progress.responsible_id]): [
            "periodo"
        ],
        reverse("reporting:dashboard_explanation", args=[plan.pk]) + f"?periodo={period.pk}": [
            *DASHBOARD,
            *TABLE,
            "responsabile",
        ],
        reverse("reporting:dashboard_export", args=[plan.pk, "responsabili"]): [
            *DASHBOARD,
            "formato",
        ],
        reverse("reporting:dashboard_rules", args=[plan.pk]): [],
        reverse("reporting:relazione_detail", args=[plan.pk, 2024]): ["anno"],
        reverse("reporting:plan_export", args=[plan.pk, "csv"]): [
            *["dipartimento", "dirigente", "section", "kind", "q", "sort"]
        ],
        reverse("reporting:opendata_index", args=[cycle.ente.slug]): [],
    }


def test_odd_query_values_never_make_a_server_error(cycle):
    client = Client(raise_request_exception=False)
    client.force_login(cycle.controllo)
    failures = []
    for page, parameters in _pages(cycle).items():
        for name in parameters:
            values = ODD_VALUES + (SORT_VALUES if name.endswith("sort") else [])
            for value in values:
                url = page + ("&" if "?" in page else "?") + urlencode({name: value})
                started = time.monotonic()
                response = client.get(url)
                elapsed = time.monotonic() - started
                if (
                    response.status_code >= 500 or elapsed > 20
                ):  # minutes, not load: a pinned worker
                    failures.append((url[:120], response.status_code, round(elapsed, 1)))
                # Whatever the answer, the value never comes back as markup.
                assert b"<script>alert(1)" not in response.content, url[:120]
    assert failures == []
