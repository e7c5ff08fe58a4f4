"""Layers as docs/ARCHITECTURE.md draws them, checked on the source (imports point downward)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "jahan"
MODELS = ("estimate", "ge", "index", "culture")
ABOVE_MODELS = ("scenario", "report", "web", "_cli", "cli")


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports (absolute names), anywhere in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def _package(path: Path) -> str:
    return path.relative_to(SRC).parts[0].removesuffix(".py")


def _violations(files, forbidden) -> list[str]:
    bad = []
    for path in files:
        for line, name in _imports(path):
            parts = name.split(".")
            if parts[0] == "jahan" and len(parts) > 1 and parts[1] in forbidden:
                bad.append(f"{path.relative_to(SRC)}:{line} imports {name}")
    return bad


def test_world_imports_no_model_and_nothing_above():
    files = list((SRC / "world").rglob("*.py"))
    assert _violations(files, (*MODELS, *ABOVE_MODELS)) == []


@pytest.mark.parametrize("package", MODELS)
def test_models_import_no_other_model_and_nothing_above(package):
    files = list((SRC / package).rglob("*.py"))
    others = tuple(m for m in MODELS if m != package)
    assert _violations(files, (*others, *ABOVE_MODELS)) == []


@pytest.mark.parametrize("package", MODELS)
def test_models_do_not_read_the_builtin_world(package):
    bad = []
    for path in (SRC / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "builtin"
            ):
                bad.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert bad == [], "models take their data as arguments"


def test_no_module_uses_another_packages_private_module():
    bad = []
    for path in SRC.rglob("*.py"):
        own = _package(path)
        for line, name in _imports(path):
            parts = name.split(".")
            if parts[0] != "jahan" or len(parts) < 3:
                continue  # jahan._i18n, jahan._io, ...: the shared layer
            if parts[1] != own and any(p.startswith("_") for p in parts[2:]):
                bad.append(f"{path.relative_to(SRC)}:{line} imports {name}")
    assert bad == []


def test_importing_the_world_loads_no_model():
    code = (
        "import sys, jahan.world; "
        "print(sorted(m for m in sys.modules if m.split('.')[:2] in "
        "[['jahan', p] for p in ('ge', 'estimate', 'index', 'culture', 'scenario')]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(SRC.parent), "PATH": ""},
    )
    assert out.stdout.strip() == "[]"
