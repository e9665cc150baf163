"""Spreadsheet import figures: `python -m bench` calls `spreadsheet_figures` last.

The import runs `manage.py import_plan` in a child process, as an operator would. Its peak
memory is the child's own high-water mark (VmHWM, read by the child as it exits): the kernel
reports in a child's ru_maxrss the memory of the parent it was forked from, so that figure
grew with whatever the benchmark had loaded before (434 MB after the 10,000-objective plans,
for an import that never passed 200 MB).
"""

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Reads a spreadsheet as the importer does (python-calamine, after the counts of
# workbook_limits.py) and prints the time and the process's own peak memory.
READ = """
import os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "piao.settings")
import django
django.setup()
from objectives.plan_import.sheets import read_sheet
data = open(sys.argv[1], "rb").read()
start = time.perf_counter()
read_sheet(data, sys.argv[1])
print("seconds", time.perf_counter() - start)
with open("/proc/self/status") as status:
    print("peak_kb", next(line.split()[1] for line in status if line.startswith("VmHWM:")))
"""


def read_figures(path: Path) -> tuple[float, float]:
    """Seconds and peak MB (Django loaded) of reading the spreadsheet at PATH, in a child."""
    result = subprocess.run(
        [sys.executable, "-c", READ, str(path)],
        check=True,
        capture_output=True,
        cwd=ROOT,
        text=True,
    )
    figures = dict(line.split() for line in result.stdout.splitlines() if " " in line)
    return float(figures["seconds"]), int(figures["peak_kb"]) / 1024


# Runs manage.py with the given arguments and prints the process's own peak memory at exit.
CHILD = """
import atexit, runpy, sys

def peak():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    print("peak_kb", line.split()[1], file=sys.stderr)
    except OSError:
        pass

atexit.register(peak)
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_import(arguments: list[str]) -> tuple[float, float, float]:
    """Wall time (s), CPU time (s: the figure a busy machine disturbs least; the database
    server's work is not in it) and peak memory (MB) of `manage.py import_plan ARGUMENTS`."""
    command = [sys.executable, "-c", CHILD, str(ROOT / "manage.py"), "import_plan", *arguments]
    cpu = _children_cpu()
    start = time.perf_counter()
    result = subprocess.run(
        command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT, text=True
    )
    seconds = time.perf_counter() - start
    cpu = _children_cpu() - cpu
    peaks = [line.split()[1] for line in result.stderr.splitlines() if line.startswith("peak_kb")]
    if peaks:
        return seconds, cpu, int(peaks[-1]) / 1024
    # No /proc: the children's maximum, an over-estimate (see the module's docstring).
    return seconds, cpu, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def spreadsheet_figures(client, user) -> None:
    """Import of BENCH_IMPORT_SIZE objectives from our XLSX (a child process: wall time and
    peak memory, first as a new plan, then again as an update that changes nothing), and the
    preview page of 1,000 objectives."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from bench.__main__ import emit, server_times, timed
    from objectives.plan_import.spreadsheet import preview_spreadsheet
    from objectives.synthetic import make_synthetic_ente
    from organisation.models import Membership
    from reporting.exports.workbook import plan_to_xlsx

    size = int(os.environ.get("BENCH_IMPORT_SIZE", "5000"))
    plan = make_synthetic_ente(950, size)
    document: dict = {}
    emit(f"export_xlsx_{size}", timed(lambda: document.update(data=plan_to_xlsx(plan))), "s")
    path = Path(tempfile.mkdtemp()) / f"plan-{size}.xlsx"
    path.write_bytes(document["data"])
    emit(f"xlsx_{size}_size", len(document["data"]) / 1024 / 1024, "MB")
    if Path("/proc/self/status").exists():
        seconds, peak = read_figures(path)
        emit(f"read_xlsx_{size}", seconds, "s")
        emit(f"read_xlsx_{size}_peak", peak, "MB")
    emit(
        f"preview_xlsx_{size}",
        timed(
            lambda: preview_spreadsheet(
                document["data"],
                path.name,
                ente_slug="anteprima-xlsx",
                plan_title=plan.title,
                first_year=2024,
                last_year=2026,
            )
        ),
        "s",
    )
    del document["data"]
    arguments = [str(path), "--ente", f"copia-xlsx-{size}", "--plan-title", plan.title]
    arguments += ["--first-year", "2024", "--last-year", "2026"]
    for name in (f"import_xlsx_{size}", f"reimport_xlsx_{size}"):
        seconds, cpu, peak = run_import(arguments)
        emit(name, seconds, "s")
        emit(f"{name}_cpu", cpu, "s")
        emit(f"{name}_peak", peak, "MB")

    preview_plan = make_synthetic_ente(951, 1000)
    Membership.objects.get_or_create(
        user=user, ente=preview_plan.ente, defaults={"role": Membership.Role.CONTROLLO}
    )
    upload = SimpleUploadedFile("plan-1000.xlsx", plan_to_xlsx(preview_plan))
    response = client.post(
        reverse("objectives:plan_import"),
        {
            "ente": preview_plan.ente.pk,
            "title": "Anteprima",
            "first_year": 2024,
            "last_year": 2026,
            "file": upload,
        },
    )
    assert response.status_code == 302, response.status_code
    median, p95 = server_times(client, response["Location"], repeat=5)
    emit("import_preview_1000_p50", median, "ms")
    emit("import_preview_1000_p95", p95, "ms")
