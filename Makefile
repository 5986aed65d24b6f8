# Every target builds .venv first; a fresh machine needs nothing else.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DATA ?= $(abspath ../shared/data)
export ECGCRT_DATA ?= $(DATA)
export QT_QPA_PLATFORM ?= offscreen

.PHONY: venv run test test-all lint bench screenshots package clean

venv: $(VENV)/.installed

# torch is pinned to its CPU build (the +cpu local version): a plain `torch` from PyPI is the CUDA build of
# several GB. pip takes it from a local wheel or index where one is configured, else from PyTorch's CPU
# index. With an NVIDIA GPU: `make venv TORCH_VARIANT=cu128` installs the CUDA 12.8 build instead.
TORCH_VERSION := 2.13.0
TORCH_VARIANT ?= cpu
TORCH_INDEX := https://download.pytorch.org/whl/$(TORCH_VARIANT)
$(VENV)/.installed: pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==$(TORCH_VERSION)+$(TORCH_VARIANT) \
	  || $(PY) -m pip install -q torch==$(TORCH_VERSION)+$(TORCH_VARIANT) --extra-index-url $(TORCH_INDEX)
	$(PY) -m pip install -q torchvision==0.28.0
	$(PY) -m pip install -q -e '.[dev,train]'
	touch $@

run: venv
	env -u QT_QPA_PLATFORM $(VENV)/bin/ecgcrt-gui

test: venv
	$(PY) -m pytest -q

# ruff: pyflakes, pycodestyle, import order, bugbear, pyupgrade (configured in pyproject.toml).
lint: venv
	$(VENV)/bin/ruff check .

test-all: venv
	$(PY) -m pytest -q -m ''

bench: venv
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) build dist

# Linux packages into dist/: a .deb and a portable .tar.xz (packaging/BUILDING.md for Windows, macOS, CUDA).
package: venv
	nice packaging/build.sh

# Build, install the .deb into a temporary root, run its self-test offscreen, check the size budget,
# record build time and sizes in benchmarks/packaging.json.
.PHONY: package-check
package-check: venv
	nice packaging/check.sh

# PNGs of the GUI's main states for the README, drawn on a virtual X display (Xvfb at 96 dpi).
XVFB_PACKAGES := xvfb libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxkbcommon-x11-0 libxcb-xinerama0 libxcb-cursor0 poppler-utils
screenshots: venv
	@(command -v xvfb-run && command -v pdftoppm) >/dev/null || (apt-get update -qq && apt-get install -y -qq $(XVFB_PACKAGES))
	env QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1920x1200x24 -dpi 96" nice $(PY) scripts/screenshots.py docs/screenshots
	# The main window as it first opens on a laptop, a desktop and a 4K display at 200 % (issue 17).
	env QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1366x768x24 -dpi 96" nice $(PY) scripts/screenshots.py docs/screenshots --screen 1366x768
	env QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1920x1080x24 -dpi 96" nice $(PY) scripts/screenshots.py docs/screenshots --screen 1920x1080
	env QT_QPA_PLATFORM=xcb QT_SCALE_FACTOR=2 xvfb-run -a -s "-screen 0 3840x2160x24 -dpi 192" nice $(PY) scripts/screenshots.py docs/screenshots --screen 3840x2160@2x
	# Page 1 of the demo's PDF report, as the README shows it (pdftoppm: poppler's renderer).
	mkdir -p build && $(PY) -m ecgcrt_gui.cli analyze resources/samples/00338_hr.hea --lvef 30 --nyha 3 --rhythm sinus --pdf build/report.pdf >/dev/null
	pdftoppm -png -r 110 -f 1 -l 1 -singlefile build/report.pdf docs/screenshots/report_page1
