"""Every function of the services, selectors, access rules, scoring and exports states its types
(issue 11): parameters (besides self/cls) and return (besides __init__), read with `ast`."""

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PATTERNS = [
    "objectives/services/*.py",
    "objectives/selectors.py",
    "objectives/lists.py",
    "reporting/selectors.py",
    "reporting/services.py",
    "reporting/dashboard/selectors.py",
    "organisation/services.py",
    "organisation/access.py",
    "reporting/access.py",
    "reporting/freeze.py",
    "objectives/permissions.py",
    "objectives/rules.py",
    "objectives/weights.py",
    "reporting/scoring/*.py",
    "reporting/exports/*.py",
]
FILES = sorted({path for pattern in PATTERNS for path in ROOT.glob(pattern)})


def missing_hints(source: str, filename: str) -> list[str]:
    """One line per function lacking an annotation: `file:line name: what is missing`."""
    problems = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        args = node.args
        params = args.posonlyargs + args.args + args.kwonlyargs
        params += [extra for extra in (args.vararg, args.kwarg) if extra is not None]
        missing = [p.arg for p in params if p.annotation is None and p.arg not in ("self", "cls")]
        if node.returns is None and node.name != "__init__":
            missing.append("return")
        if missing:
            problems.append(f"{filename}:{node.lineno} {node.name}: {', '.join(missing)}")
    return problems


def test_the_list_covers_every_module_named():
    names = {str(path.relative_to(ROOT)) for path in FILES}
    for single in [p for p in PATTERNS if "*" not in p]:
        assert single in names
    assert any(name.startswith("objectives/services/") for name in names)
    assert any(name.startswith("reporting/scoring/") for name in names)
    assert any(name.startswith("reporting/exports/") for name in names)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_function_is_annotated(path):
    relative = path.relative_to(ROOT)
    # The annotations must also resolve: importing evaluates them (unless postponed).
    importlib.import_module(".".join(relative.with_suffix("").parts))
    problems = missing_hints(path.read_text(encoding="utf-8"), str(relative))
    assert not problems, "Funzioni senza annotazioni di tipo:\n" + "\n".join(problems)


def test_the_check_names_what_is_missing():
    source = (
        "def ok(a: int, *args: str, **kw: object) -> None: ...\n"
        "class C:\n"
        "    def __init__(self, x): ...\n"
        "    def m(self, *, user) -> int: ...\n"
        "def _helper(value, *rest: int): ...\n"
    )
    assert sorted(missing_hints(source, "m.py")) == [
        "m.py:3 __init__: x",
        "m.py:4 m: user",
        "m.py:5 _helper: value, return",
    ]
