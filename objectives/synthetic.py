"""Synthetic entes with realistic plans and progress, for benchmarks (never for the demo)."""

import random
from decimal import Decimal

from django.db import transaction

from objectives.models import (
    Indicator,
    MonitoringPeriod,
    Objective,
    Plan,
    Programma,
    Progress,
    Target,
)
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


# Share of reports in each state, per period: (status, share, has computed, has declared,
# has validated). What a comune looks like in December: June mostly settled, December half way.
PROGRESS_MIX = {
    "30/06/2024": [
        ("validato", 0.6, True, True, True),
        ("verificato", 0.15, True, True, False),
        ("inviato", 0.1, True, True, False),
        ("bozza", 0.15, False, False, False),
    ],
    "31/12/2024": [
        ("validato", 0.25, True, True, True),
        ("verificato", 0.2, True, True, False),
        ("inviato", 0.2, True, True, False),
        ("bozza", 0.35, True, False, False),
    ],
}


@transaction.atomic
def make_synthetic_progress(plan: Plan, *, seed: int = 0) -> list[MonitoringPeriod]:
    """Two monitoring periods of the plan (30/06 closed, 31/12 open) with reports in every
    state: validated, verified, submitted, late drafts, some at risk."""
    import datetime as dt

    from objectives.services import progress_rows_ensure

    rng = random.Random(seed * 7_919 + plan.pk)
    periods = []
    for name, (reference, due, is_open) in {
        "30/06/2024": (dt.date(2024, 6, 30), dt.date(2024, 7, 31), False),
        "31/12/2024": (dt.date(2024, 12, 31), dt.date(2025, 1, 31), True),
    }.items():
        period, _created = MonitoringPeriod.objects.get_or_create(
            ente=plan.ente,
            plan=plan,
            name=name,
            defaults={"reference_date": reference, "due_date": due, "is_open": is_open},
        )
        progress_rows_ensure(period=period)
        progress_fill(period, PROGRESS_MIX[name], rng)
        periods.append(period)
    return periods


def progress_fill(period: MonitoringPeriod, mix: list[tuple], rng: random.Random) -> None:
    """Give the period's reports the states and figures of `mix` (see PROGRESS_MIX), at random
    but repeatably: written in bulk, without the workflow's audit events."""
    rows = list(Progress.objects.filter(period=period).order_by("pk"))
    rng.shuffle(rows)
    start = 0
    for status, share, computed, declared, validated in mix:
        chunk = rows[start : start + round(len(rows) * share)]
        start += len(chunk)
        for progress in chunk:
            value = Decimal(rng.choice([35, 55, 70, 80, 90, 95, 100, 100, 110]))
            progress.status = status
            progress.computed_achievement = value if computed else None
            progress.declared_achievement = min(value + 5, Decimal(100)) if declared else None
            progress.validated_achievement = min(value, Decimal(100)) if validated else None
    Progress.objects.bulk_update(
        rows,
        ["status", "computed_achievement", "declared_achievement", "validated_achievement"],
        batch_size=500,
    )
