# Every target builds .venv first; a fresh machine needs nothing else.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DATA ?= $(abspath ../shared/data)
export ECGCRT_DATA ?= $(DATA)
export QT_QPA_PLATFORM ?= offscreen

.PHONY: venv run test test-all bench screenshots package clean

venv: $(VENV)/.installed

# torch is pinned: an unpinned torch pulls a CUDA build of several GB.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0 torchvision==0.28.0
	$(PY) -m pip install -q -e '.[dev,train]'
	touch $@

run: venv
	env -u QT_QPA_PLATFORM $(VENV)/bin/ecgcrt-gui

test: venv
	$(PY) -m pytest -q

test-all: venv
	$(PY) -m pytest -q -m ''

bench: venv
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) build dist

# Linux packages into dist/: a .deb and a portable .tar.gz (packaging/BUILDING.md for Windows, macOS, CUDA).
package: venv
	nice packaging/build.sh

# Build, install the .deb into a temporary root, run its self-test offscreen, check the size budget,
# record build time and sizes in benchmarks/packaging.json.
.PHONY: package-check
package-check: venv
	nice packaging/check.sh

# PNGs of the GUI's main states for the README, drawn on a virtual X display (Xvfb at 96 dpi).
XVFB_PACKAGES := xvfb libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxkbcommon-x11-0 libxcb-xinerama0 libxcb-cursor0
screenshots: venv
	@command -v xvfb-run >/dev/null || (apt-get update -qq && apt-get install -y -qq $(XVFB_PACKAGES))
	env QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1920x1200x24 -dpi 96" nice $(PY) scripts/screenshots.py docs/screenshots
