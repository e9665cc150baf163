"""The demo: the DUP list, both seed plans and a user for every role."""

import datetime as dt
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q

from objectives.dup import read_dup_csv, sync_dup_taxonomy
from objectives.models import Missione, MonitoringPeriod, Plan, Programma
from objectives.plan_import import import_plan_document
from objectives.services import period_close, period_open, plan_approve
from objectives.synthetic import progress_fill
from organisation.models import Assignment, Ente, Membership, Person
from organisation.services import create_user_for_person, ensure_controllo_group, grant_membership

DEMO_PLAN_FILES = [
    Path(settings.BASE_DIR) / "fixtures" / "plans" / "montichiari-piao-2024-2026.json",
    Path(settings.BASE_DIR) / "fixtures" / "plans" / "montepulciano-obiettivi-2022-2024.json",
]
DEFAULT_DEMO_PASSWORD = "piao-demo-2026"
DEMO_EMAIL_DOMAIN = "demo.invalid"  # reserved: the demo's mail never reaches anyone
# One open monitoring period per demo plan, so that the whole cycle can be tried at once.
DEMO_PERIODS = {
    "montichiari": ("31/12/2024", dt.date(2024, 12, 31), dt.date(2025, 1, 31)),
    "montepulciano": ("31/12/2022", dt.date(2022, 12, 31), dt.date(2023, 1, 31)),
}

# With --with-progress, a closed mid-year period whose reports went through the cycle, so
# that the dashboards have something to show: (name, reference date, due date) per plan.
DEMO_PAST_PERIODS = {
    "montichiari": ("30/06/2024", dt.date(2024, 6, 30), dt.date(2024, 7, 31)),
    "montepulciano": ("30/06/2022", dt.date(2022, 6, 30), dt.date(2022, 7, 31)),
}
DEMO_PAST_MIX = [  # (status, share, has computed, has declared, has validated)
    ("validato", 0.55, True, True, True),
    ("verificato", 0.15, True, True, False),
    ("inviato", 0.15, True, True, False),
    ("bozza", 0.15, False, False, False),  # late: the period is past and closed
]

# The seeds' approval acts are not in their sources (approval_act: null): the demo approves
# its plans with a placeholder act, marked as such, dated 31 January of the plan's first year,
# through the same service as the app.
DEMO_APPROVAL_ACT_NUMBER = "DEMO"

# The ente-wide demo users: username -> (role, is_staff).
ROLE_USERS = {
    "controllo": (Membership.Role.CONTROLLO, True),
    "segretario": (Membership.Role.SEGRETARIO, False),
    "ndv": (Membership.Role.NDV, False),
    "viewer": (Membership.Role.VIEWER, False),
}
RESPONSIBLE_ROLES = [Assignment.Role.DIRIGENTE, Assignment.Role.EQ, Assignment.Role.SEGRETARIO]


@dataclass
class DemoSummary:
    plans_created: list[str] = field(default_factory=list)
    plans_kept: list[str] = field(default_factory=list)
    users_created: list[str] = field(default_factory=list)


def _responsible_people(ente: Ente):
    """Everyone who answers for an objective or holds a dirigente/EQ/segretario post."""
    return (
        Person.objects.filter(ente=ente)
        .filter(
            Q(objectives_as_dirigente__isnull=False)
            | Q(objectives_as_eq__isnull=False)
            | Q(cross_cutting_objectives__isnull=False)
            | Q(assignments__role__in=RESPONSIBLE_ROLES)
        )
        .distinct()
        .order_by("full_name")
    )


@transaction.atomic
def load_demo(*, password: str, with_progress: bool = False) -> DemoSummary:
    """Load everything the demo needs; what is already there is left as it is.

    With `with_progress`, each plan also gets a closed mid-year period with its reports in
    every state (figures at random, repeatably), for the dashboards."""
    summary = DemoSummary()
    sync_dup_taxonomy(read_dup_csv(), missione_model=Missione, programma_model=Programma)
    controllo_group = ensure_controllo_group()

    entes, plans, new_plans = [], [], []
    for path in DEMO_PLAN_FILES:
        data = json.loads(path.read_text(encoding="utf-8"))
        label = f"{data['ente']['name']} · {data['plan']['title']}"
        existing = Plan.objects.filter(
            ente__slug=data["ente"]["slug"], title=data["plan"]["title"]
        ).first()
        if existing:
            summary.plans_kept.append(label)
            entes.append(existing.ente)
            plans.append(existing)
            continue
        result = import_plan_document(data)
        summary.plans_created.append(label)
        entes.append(result.plan.ente)
        plans.append(result.plan)
        new_plans.append(result.plan)

    User = get_user_model()
    password_hash = make_password(password)  # one slow hashing for every demo user
    for username, (role, is_staff) in ROLE_USERS.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                is_staff=is_staff,
                password=password_hash,
                email=f"{username}@{DEMO_EMAIL_DOMAIN}",
            )
            user.full_clean()
            user.save()
            summary.users_created.append(username)
        if role == Membership.Role.CONTROLLO:
            user.groups.add(controllo_group)
        for ente in entes:
            grant_membership(user=user, ente=ente, role=role)

    for ente in entes:
        for person in _responsible_people(ente):
            user, created = create_user_for_person(
                person=person,
                password_hash=password_hash,
                role=Membership.Role.RESPONSABILE,
                email_domain=DEMO_EMAIL_DOMAIN,
            )
            if created:
                summary.users_created.append(user.username)

    # The plans' life goes through the services, as the controllo di gestione would do it.
    controllo = User.objects.get(username="controllo")
    for plan in new_plans:
        plan_approve(
            plan_id=plan.pk,
            acting_user=controllo,
            act_number=DEMO_APPROVAL_ACT_NUMBER,
            act_date=dt.date(plan.first_year, 1, 31),
        )
        name, reference, due = DEMO_PERIODS[plan.ente.slug]
        period = MonitoringPeriod.objects.create(
            ente=plan.ente, plan=plan, name=name, reference_date=reference, due_date=due
        )
        period_open(period_id=period.pk, acting_user=controllo)
    if with_progress:
        for plan in plans:
            demo_past_period_add(plan, acting_user=controllo)
    return summary


def demo_past_period_add(plan: Plan, *, acting_user) -> MonitoringPeriod:
    """The plan's closed mid-year period with reports in every state (once: kept if there),
    opened and closed through the services (closing records the rules in force)."""
    name, reference, due = DEMO_PAST_PERIODS[plan.ente.slug]
    period, created = MonitoringPeriod.objects.get_or_create(
        ente=plan.ente,
        plan=plan,
        name=name,
        defaults={"reference_date": reference, "due_date": due, "is_open": False},
    )
    if created:
        period_open(period_id=period.pk, acting_user=acting_user)
        progress_fill(period, DEMO_PAST_MIX, random.Random(plan.ente.slug))
        period = period_close(period_id=period.pk, acting_user=acting_user)
    return period
