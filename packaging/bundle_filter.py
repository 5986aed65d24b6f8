"""What build.spec leaves out of the bundle: Python modules never imported and files never read.

Kept apart from build.spec so the rules can be tested without running PyInstaller.
Paths are the bundle's destination paths ("torch/lib/libc10.so"), with "/" or "\\".
"""

from __future__ import annotations

import fnmatch
import os

# Python modules the app never imports at run time (dev tools, training, unused Qt). matplotlib stays:
# captum's attr package (the "Why?" attribution) imports pyplot and mpl_toolkits at import, though the app
# never draws with it; only its Agg backend is collected (HOOKS_CONFIG) and its data is trimmed below.
EXCLUDED_MODULES = (
    "IPython", "jedi", "tkinter", "_tkinter", "notebook", "pytest", "_pytest",
    "neurokit2", "sklearn", "tensorboard", "torch.utils.tensorboard", "aiohttp",
    "pyqtgraph.examples", "pyqtgraph.jupyter",
    "pyqtgraph.opengl",  # 3-D plots (needs PyOpenGL); pyqtgraph's 2-D curves still import PySide6.QtOpenGL
    "PyQt5", "PyQt6", "PySide2", "training",
    # optional extras of `ecgcrt batch` (--dask, .parquet): installed by pip users, not in the installer
    "distributed", "dask", "pyarrow",
    "PySide6.QtNetwork", "PySide6.QtQml", "PySide6.QtQmlFeatures", "PySide6.QtQuick",
    "PySide6.QtQuickControls2", "PySide6.QtQuickTest", "PySide6.QtQuickWidgets",
    "PySide6.QtSql", "PySide6.QtTest", "PySide6.QtDesigner", "PySide6.QtHelp",
    "PySide6.QtUiTools", "PySide6.QtXml", "PySide6.QtConcurrent", "PySide6.QtLabsStyleKit",
    "PySide6.QtDBus",
    # ecgdatakit: the app uses its file parsers only, not its processing (a 64 MB denoising
    # network), plotting, anonymisation or command line.
    "ecgdatakit.processing", "ecgdatakit.plotting", "ecgdatakit.anonymize", "ecgdatakit.cli",
    # pyqtgraph's "Matplotlib Window" exporter: the one importer of matplotlib's Qt backend; the app draws
    # with pyqtgraph itself.
    "pyqtgraph.widgets.MatplotlibWidget",
    # pandas' DataFrame.plot, which the app never calls (pandas imports it only then).
    "pandas.plotting._matplotlib",
)

# PyInstaller hook options. matplotlib's hook would also collect the interactive backend the build machine
# would pick (QtAgg here, TkAgg or MacOSX elsewhere); captum's import needs none, so only Agg, the
# non-interactive one matplotlib falls back to.
HOOKS_CONFIG = {"matplotlib": {"backends": ["Agg"]}}

# Folders of data/binaries never read at run time: headers, C++ test programs, Qt's QML, matplotlib's extras.
_DROPPED_DIRS = (
    "torch/include/", "torch/test/", "torch/share/", "torch/utils/tensorboard/",
    "caffe2/", "torchvision.libs/",
    "PySide6/Qt/qml/", "PySide6/Qt/translations/", "PySide6/Qt/metatypes/",
    "PySide6/include/", "PySide6/typesystems/", "PySide6/glue/",
    # matplotlib's data beyond the matplotlibrc and style sheets its import reads: fonts (8.7 MB; read only
    # to render text, and the app renders none with matplotlib), sample data for its examples, toolbar icons
    # of the interactive backends, the Sphinx plot directive's template.
    "matplotlib/mpl-data/fonts/", "matplotlib/mpl-data/sample_data/", "matplotlib/mpl-data/images/",
    "matplotlib/mpl-data/plot_directive/",
)

# Single files: torch's test libraries and C++ test programs, Qt plugins for hardware or
# services the app never touches (framebuffers, VNC, SQL, TLS, QML tooling), and the GTK theme
# plugin, which would drag the build machine's GTK stack into the bundle.
_DROPPED_GLOBS = (
    "torch/bin/*",
    "torch/lib/*test*", "torch/lib/libbackend_with_compiler*", "torch/lib/libaoti_custom_ops*",
    # torchvision's compiled detection ops and image codecs: the app uses only its ResNets, and
    # core.torchvision_compat imports those without the extension.
    "torchvision/_C.*", "torchvision/image.*",
    "*/Qt/plugins/platformthemes/*gtk3*",
    "*/Qt/plugins/platforms/*eglfs*", "*/Qt/plugins/platforms/*linuxfb*",
    "*/Qt/plugins/platforms/*minimalegl*", "*/Qt/plugins/platforms/*vnc*",
    "*/Qt/plugins/platforms/*vkkhrdisplay*",
    "*/Qt/plugins/egldeviceintegrations/*", "*/Qt/plugins/sqldrivers/*",
    "*/Qt/plugins/qmltooling/*", "*/Qt/plugins/tls/*", "*/Qt/plugins/networkinformation/*",
    "*/Qt/plugins/designer/*", "*/Qt/plugins/generic/*",
    "*.pyi", "*.h", "*.hpp", "*.cuh", "*.cmake", "*.lib",
    "matplotlib/mpl-data/kpsewhich.lua",  # LaTeX text rendering (usetex) only
    "ecgdatakit/processing/*",  # its network weights (64 MB), should a hook ever collect them
    # The deeper AAMI backbones are starting points for training only (the app labels beats with ResNet-18),
    # and a deeper CRT bundle is the optional file opened from Model > Load weights: 47-85 MB each.
    "ecgcrt_gui/resources/models/aami_resnet50.*", "ecgcrt_gui/resources/models/aami_resnet101.*",
    "ecgcrt_gui/resources/models/crt_resnet50.*", "ecgcrt_gui/resources/models/crt_resnet101.*",
)

# Kept although a rule above matches: torch's shared-memory helper for tensors shared across processes.
_KEPT = ("torch/bin/torch_shm_manager", "torch/bin/torch_shm_manager.exe")


def _normal(dest: str) -> str:
    return dest.replace("\\", "/")


def _is_test_folder(path: str) -> bool:
    """Bundled test suites of third-party packages (numpy/tests, pandas/tests, scipy/*/tests, ...)."""
    return "tests" in path.split("/")[:-1]


def is_dropped(dest: str) -> bool:
    """True for a bundle path (data file or binary) that the app never reads."""
    path = _normal(dest)
    if path in _KEPT:
        return False
    if path.startswith(_DROPPED_DIRS) or _is_test_folder(path):
        return True
    return any(fnmatch.fnmatchcase(path, pattern) for pattern in _DROPPED_GLOBS)


def is_dropped_module(name: str) -> bool:
    """True for a pure-Python module name that is a third-party test suite."""
    return "tests" in name.split(".")


def filter_toc(toc: list) -> list:
    """The TOC (PyInstaller's list of (dest, src, kind)) without the dropped entries."""
    return [entry for entry in toc if not is_dropped(entry[0])]


def filter_pure(toc: list) -> list:
    """The pure-module TOC without third-party test suites."""
    return [entry for entry in toc if not is_dropped_module(entry[0])]


# What marks a torch module that reads its own source when imported: config modules, and
# TorchScript overload declarations (which warn when their source is missing).
_SOURCE_READERS = ("install_config_module(", "\n@_overload\n", "_overload as overload", "._overload_method\n")


def modules_reading_own_source(package_dir: str, package: str) -> list[str]:
    """Modules of the package that read their own source at import (torch's config modules, ...).

    torch's hook bundles all of torch's sources ("pyz+py") for these and for TorchScript; the app
    never scripts, so only these need their .py beside the archive.
    """
    found = []
    for folder, _, files in os.walk(package_dir):
        for name in files:
            path = os.path.join(folder, name)
            # A package's own mode would cover all its submodules: leave __init__ files out.
            if name.endswith(".py") and name not in ("_config_module.py", "__init__.py"):
                with open(path, encoding="utf-8", errors="replace") as f:
                    text = f.read()
                    if any(marker in text for marker in _SOURCE_READERS):
                        relative = os.path.relpath(path[:-3], package_dir).replace(os.sep, ".")
                        found.append(f"{package}.{relative}")
    return sorted(found)
