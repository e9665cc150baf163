"""A plan with two dipartimenti for the export tests, built through the factories."""

from decimal import Decimal
from types import SimpleNamespace

from objectives.models import Objective, Plan, Target
from organisation.models import Membership, OrgUnit
from tests.factories import (
    make_ente,
    make_indicator,
    make_objective,
    make_person,
    make_plan,
    make_user,
)


def plan_with_units(n_per_unit: int = 3, *, slug: str = "esporta") -> SimpleNamespace:
    """Comune di Esporta: dipartimenti Affari generali (Anna Alfieri) and Territorio (Dario
    Donati, with a servizio under it), each with `n_per_unit` objectives of equal weight."""
    ente = make_ente(slug, f"Comune di {slug.title()}")
    plan = make_plan(
        ente,
        title="PIAO 2024-2026",
        status=Plan.Status.APPROVATO,
        approval_act_number="12",
    )
    anna = make_person(ente, "Anna Alfieri")
    dario = make_person(ente, "Dario Donati")
    elena = make_person(ente, "Elena Esposito")
    affari = OrgUnit.objects.create(ente=ente, kind="dipartimento", name="Affari generali")
    territorio = OrgUnit.objects.create(ente=ente, kind="dipartimento", name="Territorio")
    strade = OrgUnit.objects.create(
        ente=ente, kind="servizio", name="Servizio strade", parent=territorio
    )
    weight = Decimal(100) / n_per_unit
    order = 0
    for unit, person, prefix in ((affari, anna, "1"), (strade, dario, "2")):
        for i in range(1, n_per_unit + 1):
            order += 1
            objective = make_objective(
                plan,
                code=f"{prefix}.{i}",
                weight=round(weight, 2),
                weight_text=f"{round(weight, 2)}%",
                dirigente=person,
                eq=elena if prefix == "1" else None,
                title=f"Finalità {prefix}.{i} della sezione",
                description=f"Obiettivo numero {prefix}.{i} da raggiungere nel triennio",
                expected_result=f"Risultato {prefix}.{i}",
                deadline_text="31/12/2024",
                staff="Mario Rossi (istruttore)",
                notes="Nota interna",
                order=order,
            )
            objective.org_units.set([unit])
            indicator = make_indicator(objective, description=f"Indicatore {prefix}.{i}")
            for year, value in ((2024, 10 + i), (2025, 20 + i)):
                Target.objects.create(
                    ente=ente, indicator=indicator, year=year, comparator=">=", value=value
                )
    viewer = make_user(f"lettore-{slug}", ente=ente, role=Membership.Role.VIEWER)
    controllo = make_user(
        f"controllo-{slug}", ente=ente, role=Membership.Role.CONTROLLO, is_staff=True
    )
    return SimpleNamespace(
        ente=ente,
        plan=plan,
        anna=anna,
        dario=dario,
        affari=affari,
        territorio=territorio,
        viewer=viewer,
        controllo=controllo,
    )


def codes(plan: Plan) -> list[str]:
    return list(
        Objective.objects.filter(plan=plan).order_by("order").values_list("code", flat=True)
    )


# The tasks backends the export tests choose between: the immediate one runs a job inside the
# request (the test database is not visible to another process); the database one only queues.
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
