"""Export figures: the plan workbook of 5,000 objectives, the plan PDF of 100 and 1,000.

Each document is written by `manage.py export_plan` in a child process, as the background job
does: wall time (Django's start included) and that process's own peak memory (os.wait4).
Beside it, LibreOffice headless converting our own XLSX of the 1,000-objective plan to PDF,
when `soffice` or `libreoffice` is installed. Run alone with `python -m bench.exports`
(BENCH_EXPORT_SIZES="100,1000" and BENCH_XLSX_SIZE=5000 set the sizes).
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.__main__ import ROOT, emit, timed

# Runs a script and reports its own peak memory (VmHWM): a forked child's ru_maxrss would count
# the benchmark process it was forked from, which Linux carries over across exec.
PEAK_WRAPPER = """
import runpy, sys
sys.argv = sys.argv[1:]
try:
    runpy.run_path(sys.argv[0], run_name="__main__")
finally:
    with open("/proc/self/status") as status:
        peak = next(line.split()[1] for line in status if line.startswith("VmHWM"))
    print(f"PEAK_KB {peak}", file=sys.stderr)
"""


def _child(command: list[str]) -> tuple[float, float, str]:
    """Run a command; (seconds, peak resident MB of that process, its output)."""
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"{command} failed: {result.stderr[-2000:]}")
    peak = re.search(r"PEAK_KB (\d+)", result.stderr)
    return seconds, int(peak.group(1)) / 1024 if peak else float("nan"), result.stdout


def _export(plan_id: int, fmt: str, output: Path) -> tuple[float, float, str]:
    command = [sys.executable, "-c", PEAK_WRAPPER, str(ROOT / "manage.py"), "export_plan"]
    command.append(str(plan_id))
    return _child([*command, "--format", fmt, "--output", str(output)])


def export_figures() -> None:
    from objectives.models import Plan
    from objectives.synthetic import make_synthetic_ente
    from reporting.exports.pdf import plan_to_pdf
    from reporting.exports.workbook import plan_workbook

    folder = Path(tempfile.mkdtemp(prefix="piao-bench-exports-"))
    for plan in Plan.objects.filter(ente__slug__in=["montichiari", "montepulciano"]):
        document = {}
        seconds = timed(lambda p=plan, d=document: d.update(pdf=plan_to_pdf(p)))
        emit(f"pdf_{plan.ente.slug}", seconds, "s")
        emit(f"pdf_{plan.ente.slug}_pages", document["pdf"].pages, "pages")

    xlsx_size = int(os.environ.get("BENCH_XLSX_SIZE", "5000"))
    plan = make_synthetic_ente(960, xlsx_size)
    emit(f"workbook_xlsx_{xlsx_size}_inprocess", timed(lambda: plan_workbook(plan)), "s")
    seconds, peak, _out = _export(plan.pk, "xlsx", folder / "plan.xlsx")
    emit(f"workbook_xlsx_{xlsx_size}", seconds, "s")
    emit(f"workbook_xlsx_{xlsx_size}_peak", peak, "MB")

    sizes = [int(s) for s in os.environ.get("BENCH_EXPORT_SIZES", "100,1000").split(",") if s]
    pdf_seconds: dict[int, float] = {}
    for index, size in enumerate(sizes):
        plan = make_synthetic_ente(970 + index, size)
        seconds, peak, out = _export(plan.pk, "pdf", folder / f"plan-{size}.pdf")
        pages = int(re.search(r"(\d+) pagine", out).group(1))
        pdf_seconds[size] = seconds
        emit(f"pdf_{size}", seconds, "s")
        emit(f"pdf_{size}_peak", peak, "MB")
        emit(f"pdf_{size}_pages", pages, "pages")
        workbook = folder / f"plan-{size}.xlsx"
        _export(plan.pk, "xlsx", workbook)
        office = shutil.which("soffice") or shutil.which("libreoffice")
        if office is None:
            print(
                f"# libreoffice_pdf_{size} skipped: soffice/libreoffice not installed",
                file=sys.stderr,
            )
            continue
        command = [
            office,
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(workbook),
        ]
        office_seconds, _peak, _out = _child(command)
        emit(f"libreoffice_pdf_{size}", office_seconds, "s")
        emit(f"pdf_{size}_vs_libreoffice", seconds / office_seconds, "ratio")
    if len(pdf_seconds) >= 2:
        small, large = min(pdf_seconds), max(pdf_seconds)
        emit(f"pdf_{large}_over_{small}", pdf_seconds[large] / pdf_seconds[small], "ratio")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    import io

    from bench.__main__ import _setup_django

    _setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())
    export_figures()
