"""Benchmarks of piao: `python -m bench` prints one line per figure, `name value unit`.

Without DATABASE_URL it works in a fresh SQLite file in a temporary folder; with it, in that
database (which it fills: point it at a scratch database). BENCH_SIZES="1000,10000" sets the
plan sizes measured (default both); BENCH_IMPORT_SIZE the objectives of the XLSX import
(default 5000).
"""

import gc
import io
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.dashboards import dashboard_figures

ROOT = Path(__file__).resolve().parent.parent


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "piao.settings")
    if not os.environ.get("DATABASE_URL"):
        folder = tempfile.mkdtemp(prefix="piao-bench-")
        os.environ["SQLITE_NAME"] = str(Path(folder) / "bench.sqlite3")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def emit(name: str, value: float, unit: str) -> None:
    print(f"{name} {value:.3f} {unit}", flush=True)


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def server_times(client, url: str, repeat: int = 30) -> tuple[float, float]:
    # The benchmark process holds whole plans in memory, which a server worker does not:
    # set them aside from the garbage collector so that they do not slow every request.
    gc.collect()
    gc.freeze()
    client.get(url)  # warm-up
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    _setup_django()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from objectives.models import Plan
    from objectives.plan_import import import_plan_document
    from objectives.synthetic import make_synthetic_ente
    from organisation.models import Membership
    from organisation.services import ensure_controllo_group
    from reporting.exports.plan import plan_to_json

    call_command("migrate", verbosity=0)
    quiet = io.StringIO()
    emit("load_demo", timed(lambda: call_command("load_demo", stdout=quiet)), "s")
    for plan in Plan.objects.select_related("ente").order_by("ente__slug"):
        emit(f"export_json_{plan.ente.slug}", timed(lambda p=plan: plan_to_json(p)), "s")

    User = get_user_model()
    user, _ = User.objects.get_or_create(username="bench-controllo", defaults={"is_staff": True})
    user.groups.add(ensure_controllo_group())
    client = Client()
    client.force_login(user)

    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "1000,10000").split(",") if s]
    for index, size in enumerate(sizes, start=1):
        seconds = timed(lambda s=size, i=index: make_synthetic_ente(900 + i, s))
        plan = Plan.objects.filter(ente__slug=f"sintetico-{900 + index}").latest("pk")
        emit(f"make_synthetic_{size}", seconds, "s")
        Membership.objects.get_or_create(
            user=user, ente=plan.ente, defaults={"role": Membership.Role.CONTROLLO}
        )
        document = {}
        emit(
            f"export_json_{size}",
            timed(lambda p=plan, d=document: d.update(plan_to_json(p))),
            "s",
        )
        # The service, not the command: the command refuses files over 10 MB.
        emit(
            f"import_json_{size}",
            timed(
                lambda d=document, s=size: import_plan_document(
                    json.loads(json.dumps(d)), ente_slug=f"copia-{s}"
                )
            ),
            "s",
        )
        url = f"/admin/objectives/objective/?plan__id__exact={plan.pk}"
        median, p95 = server_times(client, url)
        emit(f"admin_objective_list_{size}_p50", median, "ms")
        emit(f"admin_objective_list_{size}_p95", p95, "ms")
        median, p95 = server_times(client, f"/admin/objectives/plan/{plan.pk}/change/")
        emit(f"admin_plan_change_{size}_p50", median, "ms")
        emit(f"admin_plan_change_{size}_p95", p95, "ms")
        cycle_pages(plan, size)
        dashboard_figures(plan, size)
    median, p95 = server_times(client, "/")
    emit("home_p50", median, "ms")
    emit("home_p95", p95, "ms")
    from bench.spreadsheet import spreadsheet_figures

    spreadsheet_figures(client, user)
    __import__("bench.exports").exports.export_figures()


def cycle_pages(plan, size: int) -> None:
    """The monitoring cycle's pages on a plan with an open period, a third of its reports
    sent and a third verified, as the dirigente, the segretario and the NdV see them."""
    import datetime as dt
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from objectives.models import MonitoringPeriod, Progress
    from objectives.services import progress_rows_ensure
    from organisation.models import Membership, Person

    period = MonitoringPeriod.objects.create(
        ente=plan.ente,
        plan=plan,
        name="31/12/2024",
        reference_date=dt.date(2024, 12, 31),
        due_date=dt.date(2025, 1, 31),
        is_open=True,
    )
    emit(f"open_period_{size}", timed(lambda: progress_rows_ensure(period=period)), "s")
    ids = list(Progress.objects.filter(period=period).order_by("pk").values_list("pk", flat=True))
    third = len(ids) // 3
    Progress.objects.filter(pk__in=ids[:third]).update(
        status="inviato", declared_achievement=Decimal(80)
    )
    Progress.objects.filter(pk__in=ids[third : 2 * third]).update(
        status="verificato", declared_achievement=Decimal(80)
    )
    User = get_user_model()

    def client_for(username: str, role: str) -> Client:
        user, _ = User.objects.get_or_create(username=f"{username}-{plan.ente.slug}")
        Membership.objects.get_or_create(user=user, ente=plan.ente, defaults={"role": role})
        client = Client()
        client.force_login(user)
        return client

    dirigente = client_for("dirigente", Membership.Role.RESPONSABILE)
    person = Person.objects.filter(ente=plan.ente).order_by("pk").first()
    person.user = User.objects.get(username=f"dirigente-{plan.ente.slug}")
    person.save(update_fields=["user"])
    segretario = client_for("segretario", Membership.Role.SEGRETARIO)
    ndv = client_for("ndv", Membership.Role.NDV)
    mine = Progress.objects.filter(period=period, responsible=person).order_by("pk").first()
    pages = [
        ("todo", dirigente, reverse("objectives:todo")),
        ("my_objectives", dirigente, reverse("objectives:my_objectives")),
        ("review_queue", segretario, reverse("objectives:review_queue")),
        ("validation_queue", ndv, reverse("objectives:validation_queue")),
        (
            "objective_page",
            dirigente,
            reverse("objectives:objective_detail", args=[mine.objective_id]),
        ),
        ("progress_page", dirigente, reverse("objectives:progress_detail", args=[mine.pk])),
    ]
    for name, client, url in pages:
        median, p95 = server_times(client, url)
        emit(f"{name}_{size}_p50", median, "ms")
        emit(f"{name}_{size}_p95", p95, "ms")


if __name__ == "__main__":
    main()
