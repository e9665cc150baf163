"""Small builders of test data; they go through the models' validation like the app does."""

from decimal import Decimal
from itertools import count

from django.contrib.auth import get_user_model

from objectives.models import Indicator, Objective, Plan, Programma, Target
from organisation.models import Ente, Membership, Person

_seq = count(1)


def make_ente(slug: str | None = None, name: str | None = None) -> Ente:
    n = next(_seq)
    slug = slug or f"ente-{n}"
    return Ente.objects.create(slug=slug, name=name or f"Comune di {slug.title()}")


def make_plan(
    ente: Ente, *, title: str | None = None, first_year=2024, last_year=2026, **kw
) -> Plan:
    plan = Plan(
        ente=ente,
        title=title or f"PIAO {first_year}-{last_year} #{next(_seq)}",
        first_year=first_year,
        last_year=last_year,
        **kw,
    )
    plan.full_clean()
    plan.save()
    return plan


def make_person(ente: Ente, name: str | None = None, user=None) -> Person:
    return Person.objects.create(ente=ente, full_name=name or f"Persona {next(_seq)}", user=user)


def make_objective(
    plan: Plan, *, code: str | None = None, weight=None, assignees=(), **kw
) -> Objective:
    objective = Objective(
        ente=plan.ente,
        plan=plan,
        code=code or str(next(_seq)),
        title=kw.pop("title", "Obiettivo di prova"),
        weight=Decimal(str(weight)) if weight is not None else None,
        **kw,
    )
    objective.full_clean()
    objective.save()
    if assignees:
        objective.assignees.set(assignees)
    return objective


def make_indicator(objective: Objective, *, targets=(), **kw) -> Indicator:
    indicator = Indicator(
        ente=objective.ente,
        objective=objective,
        description=kw.pop("description", "n. pratiche"),
        **kw,
    )
    indicator.full_clean()
    indicator.save()
    for year, value in targets:
        Target.objects.create(
            ente=objective.ente, indicator=indicator, year=year, comparator=">=", value=value
        )
    return indicator


def make_user(username: str, *, ente: Ente | None = None, role: str | None = None, **kw):
    user = get_user_model().objects.create_user(username=username, password=None, **kw)
    if ente is not None and role is not None:
        Membership.objects.create(user=user, ente=ente, role=role)
    return user


def programma(code: str) -> Programma:
    return Programma.objects.get(code=code)
