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
