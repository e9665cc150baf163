"""Dashboard timings: the ente's dashboard, a dipartimento's explanation and a responsible's
dashboard, server time p50/p95 on a synthetic plan with two periods of realistic progress."""


def dashboard_figures(plan, size: int, *, make_progress: bool = True) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from bench.__main__ import emit, server_times, timed
    from objectives.synthetic import make_synthetic_progress
    from organisation.models import Membership, OrgUnit, Person

    if make_progress:
        emit(f"synthetic_progress_{size}", timed(lambda: make_synthetic_progress(plan)), "s")
    if connection.vendor == "postgresql":
        # What autovacuum does after a bulk load: the planner needs the new tables' statistics.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=f"segretario-cruscotto-{plan.ente.slug}")
    Membership.objects.get_or_create(
        user=user, ente=plan.ente, defaults={"role": Membership.Role.SEGRETARIO}
    )
    client = Client()
    client.force_login(user)
    unit = OrgUnit.objects.filter(ente=plan.ente, kind="dipartimento").order_by("pk").first()
    person = Person.objects.filter(ente=plan.ente, progress__isnull=False).order_by("pk").first()
    pages = [
        ("dashboard", reverse("reporting:dashboard_plan", args=[plan.pk])),
        (
            "dashboard_dipartimento",
            reverse("reporting:dashboard_plan", args=[plan.pk]) + f"?dipartimento={unit.pk}",
        ),
        (
            "dashboard_responsible",
            reverse("reporting:dashboard_responsible", args=[plan.pk, person.pk]),
        ),
        (
            "score_explanation_dipartimento",
            reverse("reporting:dashboard_explanation", args=[plan.pk]) + f"?dipartimento={unit.pk}",
        ),
    ]
    for name, url in pages:
        repeat = 10 if name.startswith("score_explanation") and size > 5000 else 30
        median, p95 = server_times(client, url, repeat=repeat)
        emit(f"{name}_{size}_p50", median, "ms")
        emit(f"{name}_{size}_p95", p95, "ms")


def main() -> None:
    """`python -m bench.dashboards`: only the dashboard figures, on synthetic plans of
    BENCH_SIZES objectives (default "1000,10000"), in a temporary SQLite file or, with
    DATABASE_URL, in that (scratch) database."""
    import os

    from bench.__main__ import _setup_django, emit, timed

    _setup_django()
    from django.core.management import call_command

    from objectives.models import Plan
    from objectives.synthetic import make_synthetic_ente

    call_command("migrate", verbosity=0)
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "1000,10000").split(",") if s]
    for index, size in enumerate(sizes, start=1):
        # A plan left by an earlier run on the same database is measured again as it is.
        plan = (
            Plan.objects.filter(ente__slug=f"sintetico-{800 + index}", periods__isnull=False)
            .distinct()
            .first()
        )
        if plan is None or plan.objectives.count() != size:
            document = {}
            seconds = timed(
                lambda s=size, i=index, d=document: d.update(p=make_synthetic_ente(800 + i, s))
            )
            emit(f"make_synthetic_{size}", seconds, "s")
            dashboard_figures(document["p"], size)
        else:
            dashboard_figures(plan, size, make_progress=False)


if __name__ == "__main__":
    main()
