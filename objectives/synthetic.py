"""Synthetic entes with realistic plans, for benchmarks (never for the demo)."""

import random
from decimal import Decimal

from django.db import transaction

from objectives.models import Indicator, Objective, Plan, Programma, Target
from organisation.models import Assignment, Ente, OrgUnit, Person

DIPARTIMENTI = ["Affari generali", "Servizi finanziari", "Territorio", "Servizi alla persona"]
INDICATOR_KINDS = [
    (Indicator.Kind.NUMBER, ">=", "n."),
    (Indicator.Kind.PERCENTAGE, ">=", "%"),
    (Indicator.Kind.DEADLINE, "by_date", ""),
    (Indicator.Kind.YES_NO, "yes", ""),
]


@transaction.atomic
def make_synthetic_ente(index: int, objectives: int, *, seed: int = 0) -> Plan:
    """One ente with a three-year plan of `objectives` objectives, two indicators each."""
    rng = random.Random(seed * 100_003 + index)
    ente, _ = Ente.objects.get_or_create(
        slug=f"sintetico-{index}", defaults={"name": f"Comune Sintetico {index}"}
    )
    plan = Plan.objects.create(
        ente=ente,
        title=f"PIAO sintetico {Plan.objects.filter(ente=ente).count() + 1}",
        first_year=2024,
        last_year=2026,
        status=Plan.Status.APPROVATO,
    )
    programmi = list(Programma.objects.filter(regions_only=False))
    dirigenti = []
    for name in DIPARTIMENTI:
        unit = OrgUnit.objects.create(ente=ente, kind=OrgUnit.Kind.DIPARTIMENTO, name=name)
        person, _ = Person.objects.get_or_create(ente=ente, full_name=f"Dirigente {name}")
        Assignment.objects.get_or_create(
            ente=ente, person=person, unit=unit, role=Assignment.Role.DIRIGENTE
        )
        dirigenti.append((person, unit))
    per_group = max(1, objectives // len(dirigenti))
    rows = []
    for i in range(objectives):
        person, _unit = dirigenti[i % len(dirigenti)]
        rows.append(
            Objective(
                ente=ente,
                plan=plan,
                code=f"{i % len(dirigenti) + 1}.{i // len(dirigenti) + 1}",
                title=f"Obiettivo sintetico {i + 1}",
                description="Migliorare il servizio riducendo i tempi di risposta all'utenza.",
                programma=rng.choice(programmi),
                dirigente=person,
                weight=Decimal(100) / per_group,
                weight_text=f"{100 / per_group:.2f}%",
                order=i,
            )
        )
    created = Objective.objects.bulk_create(rows, batch_size=500)
    through = Objective.org_units.through
    through.objects.bulk_create(
        [
            through(objective_id=o.pk, orgunit_id=dirigenti[n % len(dirigenti)][1].pk)
            for n, o in enumerate(created)
        ],
        batch_size=1000,
    )
    indicators = []
    for objective in created:
        for order in range(2):
            kind, _comparator, unit = rng.choice(INDICATOR_KINDS)
            indicators.append(
                Indicator(
                    ente=ente,
                    objective=objective,
                    order=order,
                    description=f"Indicatore {order + 1}",
                    kind=kind,
                    unit=unit,
                    baseline_value=Decimal(rng.randint(1, 50)),
                    baseline_year=2023,
                )
            )
    Indicator.objects.bulk_create(indicators, batch_size=1000)
    targets = []
    for indicator in indicators:
        for year in plan.years:
            comparator = next(c for k, c, _u in INDICATOR_KINDS if k == indicator.kind)
            targets.append(
                Target(
                    ente=ente,
                    indicator=indicator,
                    year=year,
                    comparator=comparator,
                    value=None if comparator in ("by_date", "yes") else Decimal(10 + year % 10),
                    text="entro il 31/12" if comparator == "by_date" else "",
                )
            )
    Target.objects.bulk_create(targets, batch_size=1000)
    return plan
