"""Open data pages of Amministrazione Trasparente: public, no login, cached (what is published and
what is left out: reporting.exports.opendata)."""

import json

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.views.decorators.cache import cache_control

from objectives.models import Plan
from organisation.models import Ente
from reporting.exports.opendata import (
    RESULT_FIELDS,
    _published_plan,
    distribution,
    public_plan_csv,
    public_plan_json,
    published_plans,
    results_csv,
    validated_results,
)
from reporting.exports.tabular import rows_to_json


def _file(data: bytes, fmt: str, name: str) -> HttpResponse:
    content_type = {"csv": "text/csv; charset=utf-8", "json": "application/json"}[fmt]
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{name}.{fmt}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@cache_control(public=True, max_age=600)
def index(request: HttpRequest, slug: str) -> HttpResponse:
    ente = get_object_or_404(Ente, slug=slug)
    plans = list(published_plans(ente))
    return render(request, "reporting/opendata_index.html", {"ente": ente, "plans": plans})


@cache_control(public=True, max_age=600)
def plan_file(request: HttpRequest, slug: str, pk: int, fmt: str) -> HttpResponse:
    plan = _published_plan(slug, pk)
    if fmt == "json":
        document = public_plan_json(plan)
        data = (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    elif fmt == "csv":
        data = public_plan_csv(plan)
    else:
        raise Http404
    return _file(data, fmt, f"{slug}-piano-{pk}")


@cache_control(public=True, max_age=600)
def results_file(request: HttpRequest, slug: str, pk: int, fmt: str) -> HttpResponse:
    plan = _published_plan(slug, pk)
    if plan.status != Plan.Status.VALIDATO or fmt not in ("csv", "json"):
        raise Http404
    rows = validated_results(plan)
    if fmt == "csv":
        data = results_csv(rows)
    else:
        meta = {
            "schema": "piao.results/1",
            "ente": {"name": plan.ente.name, "slug": plan.ente.slug},
            "plan": {"id": plan.pk, "title": plan.title, "status": plan.status},
            "distribution": distribution(rows),
        }
        data = rows_to_json(RESULT_FIELDS, rows, meta=meta)
    return _file(data, fmt, f"{slug}-piano-{pk}-risultati")


urlpatterns = [
    path("trasparenza/<slug:slug>/performance/", index, name="opendata_index"),
    path(
        "trasparenza/<slug:slug>/performance/piano-<int:pk>.<str:fmt>",
        plan_file,
        name="opendata_plan",
    ),
    path(
        "trasparenza/<slug:slug>/performance/piano-<int:pk>-risultati.<str:fmt>",
        results_file,
        name="opendata_results",
    ),
]
