"""Open data for the "Performance" page of Amministrazione Trasparente (D.Lgs. 33/2013).

Public, no login, one stable address per ente: /trasparenza/<ente>/performance/. Published:
- each plan whose status is approvato or later, as CSV (the plan's table) and JSON (piao.plan/1);
- the validated results of a plan once the plan is validato: objective, responsible, period and
  the NdV's validated % of each validated report.
Left out, to publish no more than the law asks: plans in bozza; the staff involved (names of
employees), internal notes and DUP warnings; progress in any state but validato; declared and
computed %; justifications, NdV notes and reasons; evidence files; users and e-mails.
The names of dirigenti and EQ stay: they are published in the PIAO itself.
"""

from decimal import Decimal

from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control

from objectives.models import Plan, Progress
from organisation.models import Ente
from reporting.exports import plan_to_csv, plan_to_json
from reporting.tabular import Field, rows_to_csv

PUBLISHED = [
    Plan.Status.APPROVATO,
    Plan.Status.IN_MONITORAGGIO,
    Plan.Status.CHIUSO,
    Plan.Status.VALIDATO,
]
PUBLIC_PEOPLE_ROLES = {"dirigente", "eq", "segretario"}
PRIVATE_OBJECTIVE_KEYS = ("staff", "notes", "dup_warning")
RESULT_FIELDS = [
    Field("code", "Codice obiettivo"),
    Field("title", "Obiettivo"),
    Field("responsible", "Responsabile"),
    Field("period", "Periodo"),
    Field("validated", "Raggiungimento validato NdV (%)", "number"),
]


def published_plans(ente: Ente):
    return Plan.objects.filter(ente=ente, status__in=PUBLISHED).order_by("-first_year", "title")


def _published_plan(slug: str, pk: int) -> Plan:
    plan = (
        Plan.objects.filter(ente__slug=slug, pk=pk, status__in=PUBLISHED)
        .select_related("ente")
        .first()
    )
    if plan is None:
        raise Http404
    return plan


def public_plan_json(plan: Plan) -> dict:
    """The piao.plan/1 document without what the law does not ask to publish."""
    document = plan_to_json(plan)
    document["people"] = [p for p in document["people"] if p["role"] in PUBLIC_PEOPLE_ROLES]
    for objective in document["objectives"]:
        for key in PRIVATE_OBJECTIVE_KEYS:
            objective[key] = "" if key != "dup_warning" else None
    return document


def validated_results(plan: Plan) -> list[dict]:
    """Each validated report of a validated plan: only the NdV's final figure."""
    if plan.status != Plan.Status.VALIDATO:
        return []
    reports = (
        Progress.objects.filter(ente=plan.ente_id, objective__plan=plan, status="validato")
        .annotate(frozen_achievement=F("frozen__achievement"))
        .select_related("objective", "responsible", "period")
        .order_by("period__reference_date", "objective__order", "objective_id", "responsible")
    )
    return [
        {
            "code": p.objective.code,
            "title": p.objective.title or p.objective.description[:200],
            "responsible": p.responsible.full_name,
            "period": p.period.name,
            # A year the NdV validated: the figure stored then (reporting.freeze).
            "validated": (
                Decimal(f"{p.frozen_achievement:.2f}")
                if p.frozen_achievement is not None
                else p.validated_achievement
            ),
        }
        for p in reports
    ]


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
        import json

        document = public_plan_json(plan)
        data = (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    elif fmt == "csv":
        data = plan_to_csv(plan)
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
        data = rows_to_csv(RESULT_FIELDS, rows)
    else:
        from reporting.tabular import rows_to_json

        meta = {
            "schema": "piao.results/1",
            "ente": {"name": plan.ente.name, "slug": plan.ente.slug},
            "plan": {"id": plan.pk, "title": plan.title, "status": plan.status},
        }
        data = rows_to_json(RESULT_FIELDS, rows, meta=meta)
    return _file(data, fmt, f"{slug}-piano-{pk}-risultati")
