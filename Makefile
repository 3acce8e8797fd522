# Jiceng. `make demo` and `make test` work on a fresh machine with python3 (>= 3.11).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
B ?=
export DJANGO_SETTINGS_MODULE := jiceng.settings

.PHONY: demo test bench lint setup setup-runtime keys messages clean-demo

# uv (a wheel from PyPI) installs in parallel: ~20 s instead of minutes; pip is the fallback.
$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet uv || true

$(VENV)/.runtime: pyproject.toml $(VENV)/bin/python
	$(VENV)/bin/uv pip install --quiet --python $(PY) -e . || $(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed: pyproject.toml $(VENV)/.runtime
	$(VENV)/bin/uv pip install --quiet --python $(PY) -e '.[dev]' || $(PY) -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.installed keys messages

setup-runtime: $(VENV)/.runtime keys
	@$(PY) scripts/compile_po.py

keys:
	@$(PYTHON) scripts/make_keys.py

messages: $(VENV)/.runtime
	@$(PY) scripts/compile_po.py

# Set up SQLite with the demo city and serve at http://127.0.0.1:$(PORT) (demo-admin / demo-admin).
demo: setup-runtime
	JICENG_DEMO=1 $(PY) manage.py migrate --noinput -v 0
	JICENG_DEMO=1 $(PY) manage.py demo_run --port $(PORT)

test: setup
	$(PY) scripts/run_tests.py

bench: setup
	$(PY) bench/run.py $(B)

# ruff, the import contracts (lint-imports), bandit and pip-audit (scripts/lint.py says when the vulnerability service cannot be reached).
lint: setup
	$(PY) scripts/lint.py

clean-demo:
	rm -f var/jiceng.sqlite3 var/jiceng.sqlite3-wal var/jiceng.sqlite3-shm
