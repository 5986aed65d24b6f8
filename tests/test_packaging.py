"""Fast checks of the packaging files (the real build runs in `make package-check`)."""

from __future__ import annotations

import ast
import configparser
import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
ICONS = ROOT / "resources" / "icons"


def _load(name: str):
    """A module from packaging/ (a folder, not a package: it must not shadow PyPI's `packaging`)."""
    spec = importlib.util.spec_from_file_location(f"_pkg_{name}", PACKAGING / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_spec_parses_and_names_both_programs():
    text = (ROOT / "build.spec").read_text()
    tree = ast.parse(text)
    names = {kw.value.value for node in ast.walk(tree) if isinstance(node, ast.Call)
             for kw in node.keywords if kw.arg == "name" and isinstance(kw.value, ast.Constant)}
    assert {"ecgcrt-gui", "ecgcrt"} <= names
    assert 'os.symlink("ecgcrt", gui_link)' in text  # one executable on Linux/macOS, two names
    flags = {kw.arg: kw.value.value for node in ast.walk(tree) if isinstance(node, ast.Call)
             for kw in node.keywords if kw.arg in ("strip", "upx") and isinstance(kw.value, ast.Constant)}
    assert flags == {"strip": False, "upx": False}


def test_launcher_calls_the_project_entry_points():
    scripts = {
        s.split("=")[0].strip(): s.split("=")[1].strip().strip('"')
        for s in (ROOT / "pyproject.toml").read_text().splitlines()
        if s.startswith(("ecgcrt =", "ecgcrt-gui ="))
    }
    launcher = (PACKAGING / "launch.py").read_text()
    for program in ("ecgcrt-gui", "ecgcrt"):
        module, func = scripts[program].split(":")
        assert f"from {module} import {func}" in launcher


@pytest.mark.parametrize(("argv0", "program"), [
    ("/usr/bin/ecgcrt-gui", "gui"), ("ecgcrt-gui", "gui"), ("C:\\ECG-CRT\\ecgcrt-gui.exe", "gui"),
    ("/opt/ecgcrt/ecgcrt", "cli"), ("ecgcrt.exe", "cli"),
])
def test_launcher_picks_the_program_by_name(argv0, program, monkeypatch):
    source = (PACKAGING / "launch.py").read_text().split("\n\nif _program()")[0]
    namespace: dict = {}
    exec(compile(source, "launch.py", "exec"), namespace)
    monkeypatch.setattr("sys.argv", [argv0])
    monkeypatch.setattr("os.path", __import__("ntpath") if "\\" in argv0 else __import__("posixpath"))
    assert namespace["_program"]() == program


@pytest.mark.parametrize("dest", [
    "torch/include/ATen/core/Tensor.h", "torch/test/test_jit", "torch/bin/test_api",
    "torch/lib/libtorchbind_test.so", "numpy/_core/tests/test_umath.py", "pandas\\tests\\frame\\x.py",
    "PySide6/Qt/qml/QtQuick/qmldir", "PySide6/Qt/plugins/platforms/libqeglfs.so",
    "PySide6/Qt/plugins/sqldrivers/libqsqlite.so", "torchvision/_C.so", "torchvision.libs/libcudart.so.13",
    "PySide6/Qt/plugins/platformthemes/libqgtk3.so", "ecgdatakit/processing/nn/weights/deepfade_exp_1_ddp.pt",
    "ecgcrt_gui/resources/models/aami_resnet101.pt",
    "ecgcrt_gui/resources/models/crt_resnet50.json",
    "matplotlib/mpl-data/fonts/ttf/DejaVuSans.ttf", "matplotlib/mpl-data/sample_data/Stocks.csv",
    "matplotlib/mpl-data/images/home.png", "matplotlib/mpl-data/kpsewhich.lua",
])
def test_filter_drops_files_never_read(dest):
    assert _load("bundle_filter").is_dropped(dest)


@pytest.mark.parametrize("dest", [
    "torch/bin/torch_shm_manager", "torch/lib/libtorch_cpu.so", "torch/lib/libc10.so",
    "torch/testing/_comparison.py", "PySide6/Qt/plugins/platforms/libqxcb.so",
    "PySide6/Qt/plugins/platforms/libqoffscreen.so", "PySide6/Qt/plugins/platforms/qwindows.dll",
    "PySide6/Qt/plugins/imageformats/libqsvg.so", "ecgcrt_gui/resources/samples/00338_hr.dat",
    "ecgcrt_gui/resources/models/crt_resnet18.pt", "numpy.libs/libscipy_openblas64_-1.so",
    "reportlab/fonts/Vera.ttf", "torchvision/models/resnet.py", "ecgdatakit/parsing/codecs/xli.py",
    "matplotlib/mpl-data/matplotlibrc", "matplotlib/mpl-data/stylelib/ggplot.mplstyle",
    "matplotlib/backends/_backend_agg.cpython-311-x86_64-linux-gnu.so",
])
def test_filter_keeps_what_the_app_reads(dest):
    assert not _load("bundle_filter").is_dropped(dest)


def test_filter_drops_test_modules_only():
    f = _load("bundle_filter")
    assert f.is_dropped_module("scipy.signal.tests.test_filter_design")
    assert not f.is_dropped_module("pandas.testing")  # pandas imports it at start-up
    assert not f.is_dropped_module("ecgcrt_gui.core.io")


def test_captum_attr_imports_without_the_excluded_modules():
    """The installer's "Why?": captum.attr (and the matplotlib it imports) with every excluded module missing."""
    excluded = list(_load("bundle_filter").EXCLUDED_MODULES)
    code = f"""
import importlib.abc, sys
class Excluded(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if any(name == m or name.startswith(m + ".") for m in {excluded!r}):
            raise ModuleNotFoundError(f"{{name}} is left out of the installer", name=name)
sys.meta_path.insert(0, Excluded())
from captum.attr import IntegratedGradients
print(sorted(m for m in sys.modules if m.startswith("matplotlib.backends.backend_")))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "backend_qt" not in out.stdout  # the import needs no interactive backend
    assert _load("bundle_filter").HOOKS_CONFIG["matplotlib"]["backends"] == ["Agg"]


def test_desktop_entry_is_valid():
    path = PACKAGING / "ecgcrt.desktop"
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(path)
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application" and entry["Exec"].split()[0] == "ecgcrt-gui"
    assert entry["Icon"] == "ecgcrt" and entry["Categories"].endswith(";")
    if shutil.which("desktop-file-validate"):
        subprocess.run(["desktop-file-validate", str(path)], check=True)


def test_icons_exist_at_menu_sizes():
    from PySide6.QtGui import QImage

    for size in (48, 128, 256):
        image = QImage(str(ICONS / f"ecgcrt-{size}.png"))
        assert (image.width(), image.height()) == (size, size)
        assert image.pixelColor(size // 2, size // 2).alpha() == 255  # drawn, not transparent
    assert (ICONS / "ecgcrt.ico").stat().st_size > 0 and (ICONS / "ecgcrt.svg").exists()


def test_budget_flags_only_the_sizes_over_it():
    budget = _load("budget")
    mb = budget.MB
    within = {"installed_bytes": 850 * mb, "deb_bytes": 250 * mb, "tarball_bytes": 300 * mb}
    assert budget.over_budget("cpu", within) == []
    problems = budget.over_budget("cpu", {**within, "installed_bytes": 901 * mb})
    assert len(problems) == 1 and "installed size 901 MB exceeds the cpu budget of 900 MB" in problems[0]
    assert budget.over_budget("cuda", {**within, "deb_bytes": 3000 * mb}) == []


def test_record_keeps_other_flavours_and_unmeasured_values(tmp_path):
    budget = _load("budget")
    path = tmp_path / "packaging.json"
    budget.update_record(path, "cuda", {"build_s": 900.0, "deb_bytes": 3})
    budget.update_record(path, "cpu", {"build_s": 400.0, "deb_bytes": 1})
    record = budget.update_record(path, "cpu", {"build_s": None, "deb_bytes": 2})
    assert record == json.loads(path.read_text())
    assert record["cpu"] == {"build_s": 400.0, "deb_bytes": 2}
    assert record["cuda"]["build_s"] == 900.0


def test_bench_reports_the_recorded_figures(tmp_path, monkeypatch):
    from benchmarks import bench_packaging

    record = tmp_path / "packaging.json"
    record.write_text(json.dumps({"cpu": {
        "torch": "2.13.0+cpu", "build_s": 412.0, "installed_bytes": 851_000_000, "deb_bytes": 260_000_000,
        "tarball_bytes": 262_000_000, "deb_compression": "-Zxz -z1", "self_test_s": 9.5, "analyze_s": 4.0,
        "within_budget": True, "budget_bytes": {"installed_bytes": 900_000_000}, "machine": "x86_64",
        "date": "2026-11-26", "self_test": "self-test ok on cpu"}}))
    monkeypatch.setattr(bench_packaging, "RECORD", record)
    text = bench_packaging.run(tmp_path)
    assert "| cpu (torch 2.13.0+cpu) | 412.0 s | 851 MB (≤ 900 MB)" in text
    assert "`self-test ok on cpu`" in text


def test_shell_scripts_parse():
    for script in ("build.sh", "make_deb.sh", "make_tarball.sh", "check.sh", "portable/add-to-menu.sh"):
        subprocess.run(["bash", "-n", str(PACKAGING / script)], check=True)


def test_finds_the_modules_that_read_their_own_source(tmp_path):
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "sub" / "config.py").write_text("install_config_module(sys.modules[__name__])\n")
    (pkg / "_config_module.py").write_text("def install_config_module(module): ...\n")
    (pkg / "plain.py").write_text("x = 1\n")
    assert _load("bundle_filter").modules_reading_own_source(str(pkg), "pkg") == ["pkg.sub.config"]


def test_an_installed_wheel_finds_the_bundled_resources_inside_the_package(tmp_path):
    """resources/ is mapped into the package by pyproject's package-dir; the one lookup finds it there."""
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels),
                    str(ROOT)], check=True, capture_output=True)
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
                    *map(str, wheels.glob("*.whl"))], check=True, capture_output=True)
    code = (f"import sys; sys.path.insert(0, {str(target)!r}); from ecgcrt_gui.core.support import resources as r; "
            "print(r.DEMO_ECG); print((r.MODELS_DIR / 'crt_resnet18.json').is_file(), r.ICONS_DIR.is_dir())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=tmp_path).stdout.split()
    assert Path(out[0]) == target / "ecgcrt_gui" / "resources" / "samples" / "00338_hr.hea"
    assert out[1:] == ["True", "True"]
