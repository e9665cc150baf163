"""Dashboard timings: the ente's dashboard, a dipartimento's explanation and a responsible's
dashboard, server time p50/p95 on a synthetic plan with two periods of realistic progress."""


def dashboard_figures(plan, size: int) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from bench.__main__ import emit, server_times, timed
    from objectives.synthetic import make_synthetic_progress
    from organisation.models import Membership, OrgUnit, Person

    emit(f"synthetic_progress_{size}", timed(lambda: make_synthetic_progress(plan)), "s")
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
