# report-assistant: `make run` sets up and starts the assistant; `make test` sets up and passes the tests.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
REPORTS ?=
PORT ?= 7860

.PHONY: setup setup-test system-deps run test lint bench bench-app eval clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Stamp files: reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

setup: $(VENV)/.installed
setup-test: $(VENV)/.installed-test

# Chromium for the browser test and a font with Vietnamese glyphs (Debian packages; needs root).
system-deps:
	@if [ ! -x /usr/bin/chromium ] || [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-dejavu-core >/dev/null; \
	fi

run: setup
	$(BIN)/report-assistant serve --host 127.0.0.1 --port $(PORT) $(if $(REPORTS),--reports $(REPORTS))

lint: setup-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: setup-test system-deps lint
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python scripts/benchmark.py

bench-app: setup-test system-deps
	$(BIN)/python scripts/bench_app.py --runs 3 --screenshot docs/screenshot.png

eval: setup
	$(BIN)/python -m assistant.evaluation search --baseline
	$(BIN)/python -m assistant.evaluation answers

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
