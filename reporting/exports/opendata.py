"""Open data for the "Performance" page of Amministrazione Trasparente (D.Lgs. 33/2013).

Public, no login, one stable address per ente: /trasparenza/<ente>/performance/. Published:
- each plan whose status is approvato or later, as CSV (the plan's table) and JSON (piao.plan/1);
- the validated results of a plan once the plan is validato: per objective, its organisational
  units and period, the NdV's validated % (the mean of its validated reports, when a
  cross-cutting objective has several) and the aggregate distribution of those results.
Left out, to publish no more than the law asks: plans in bozza; names of people (dirigenti, EQ,
staff, assignees: an objective's result next to its responsible's name is that person's
evaluation, which the Garante says is not published; the units say who answers); internal
notes and DUP warnings; progress in any state but validato; declared and computed %;
justifications, NdV notes and reasons; evidence files; users and e-mails.
"""

from decimal import Decimal

from django.db.models import Avg, Count, F, FloatField, QuerySet
from django.db.models.functions import Cast, Coalesce
from django.http import Http404

from objectives.models import MonitoringPeriod, Objective, Plan, Progress
from objectives.plan_table import plan_rows
from objectives.selectors import plan_objectives
from organisation.models import Ente
from reporting.exports.csv import OPEN_DATA
from reporting.exports.plan import plan_fields, plan_to_json
from reporting.exports.tabular import Field, rows_to_csv

PUBLISHED = [
    Plan.Status.APPROVATO,
    Plan.Status.IN_MONITORAGGIO,
    Plan.Status.CHIUSO,
    Plan.Status.VALIDATO,
]
PRIVATE_OBJECTIVE_KEYS = ("staff", "notes", "dup_warning")
PERSON_OBJECTIVE_KEYS = ("dirigente", "eq")  # null in the public JSON; assignees: []
PERSON_COLUMNS = {"responsible", "eq"}  # left out of the public CSV
RESULT_FIELDS = [
    Field("code", "Codice obiettivo"),
    Field("title", "Obiettivo"),
    Field("units", "Unità organizzative"),
    Field("period", "Periodo"),
    Field("validated", "Raggiungimento validato NdV (%)", "number"),
    Field("reports", "Rendicontazioni validate", "number"),
]
# The aggregate distribution of the validated results: [from, to) in percent.
DISTRIBUTION = [(0, 50), (50, 80), (80, 100), (100, None)]


def published_plans(ente: Ente) -> QuerySet[Plan]:
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
    document["people"] = []
    for objective in document["objectives"]:
        for key in PRIVATE_OBJECTIVE_KEYS:
            objective[key] = "" if key != "dup_warning" else None
        for key in PERSON_OBJECTIVE_KEYS:
            objective[key] = None
        objective["assignees"] = []
    return document


def public_plan_csv(plan: Plan) -> bytes:
    """The plan's table without the columns that name people."""
    fields = [f for f in plan_fields(plan) if f.key not in PERSON_COLUMNS]
    return rows_to_csv(fields, plan_rows(plan, plan_objectives(plan)), OPEN_DATA)


def results_csv(rows: list[dict]) -> bytes:
    """The validated results (`validated_results`) as open data."""
    return rows_to_csv(RESULT_FIELDS, rows, OPEN_DATA)


def validated_results(plan: Plan) -> list[dict]:
    """Per objective and period of a validated plan, the NdV's final figure, without names."""
    if plan.status != Plan.Status.VALIDATO:
        return []
    rows = (
        Progress.objects.filter(ente=plan.ente_id, objective__plan=plan, status="validato")
        .values("objective_id", "period_id")
        .annotate(
            # A year the NdV validated: the figures stored then (reporting.freeze).
            validated=Avg(
                Coalesce(
                    F("frozen__achievement"),
                    Cast("validated_achievement", FloatField()),
                    output_field=FloatField(),
                )
            ),
            reports=Count("pk"),
        )
        .order_by("period__reference_date", "objective__order", "objective_id")
    )
    rows = list(rows)
    objectives = {
        o.pk: o
        for o in Objective.objects.filter(
            ente=plan.ente_id, pk__in={r["objective_id"] for r in rows}
        ).prefetch_related("org_units")
    }
    periods = dict(
        MonitoringPeriod.objects.filter(ente=plan.ente_id, plan=plan).values_list("pk", "name")
    )
    result = []
    for row in rows:
        objective = objectives[row["objective_id"]]
        validated = row["validated"]
        result.append(
            {
                "code": objective.code,
                "title": objective.title or objective.description[:200],
                "units": "; ".join(sorted(u.name for u in objective.org_units.all())),
                "period": periods[row["period_id"]],
                "validated": (None if validated is None else Decimal(f"{validated:.2f}")),
                "reports": row["reports"],
            }
        )
    return result


def distribution(rows: list[dict]) -> list[dict]:
    """How many objectives' validated results fall in each band: the aggregate figure."""
    counts = []
    for low, high in DISTRIBUTION:
        n = sum(
            1
            for r in rows
            if r["validated"] is not None
            and r["validated"] >= low
            and (high is None or r["validated"] < high)
        )
        counts.append({"from": low, "to": high, "objectives": n})
    return counts
