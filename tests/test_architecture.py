"""The layering docs/ARCHITECTURE.md promises, checked on the source: no import cycles, no Qt in core."""

from __future__ import annotations

import ast
import graphlib
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("ecgcrt_gui", "training", "benchmarks")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, name: str, known: set[str]) -> set[str]:
    """Project modules imported anywhere in the file (function-level imports too): the most specific
    known module each import names."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
                break
    return found


def import_graph() -> dict[str, set[str]]:
    files = {(_module_name(p)): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")}
    known = set(files)
    return {name: _imports(path, name, known) for name, path in files.items()}


def test_there_are_no_import_cycles():
    graph = import_graph()
    assert "ecgcrt_gui.core.analysis" in graph and "ecgcrt_gui.core.signal.rpeaks" in graph["ecgcrt_gui.core.analysis"]
    # A package importing its own submodules is the usual shape; a submodule importing its package back is not.
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as exc:
        pytest.fail(f"import cycle: {' -> '.join(exc.args[1])}")


def test_core_never_imports_the_gui_or_qt():
    for name, imported in import_graph().items():
        if name.startswith("ecgcrt_gui.core"):
            assert not any(m.startswith("ecgcrt_gui.gui") for m in imported), name
    for path in (ROOT / "ecgcrt_gui" / "core").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "PySide6" not in text and "pyqtgraph" not in text, path


def test_the_pipeline_and_the_gui_start_without_torch_or_the_signal_stack():
    code = ("import sys, ecgcrt_gui.core.analysis, ecgcrt_gui.cli, ecgcrt_gui.core.guidelines.engine; "
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"


def test_the_view_state_and_the_errors_are_light():
    """The view-state model knows no Qt; the errors both sides import load nothing but the standard library."""
    code = ("import sys, ecgcrt_gui.gui.viewstate, ecgcrt_gui.core.errors; "
            "print(sorted(m for m in ('PySide6', 'pyqtgraph', 'numpy', 'torch') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"
