# The commands the README names. Everything installs into .venv; nothing global.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO   := data/demo/.jdpromo-demo

.PHONY: install demo test lab lint format benchmarks clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("jdpromo needs Python 3.11+, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dask]'
	touch $(STAMP)

# The demo shop: JD export files generated from a fixed seed (not committed).
$(DEMO): $(STAMP) lib/jdpromo/sample.py
	$(BIN)/jdpromo sample --shop demo --out data/demo
	touch $(DEMO)

demo: $(DEMO)
	$(BIN)/jdpromo demo

# The demo report, every page re-executed and compared output by output (nbval).
VERIFY_OUT := reports/.make-test

test: $(DEMO)
	$(BIN)/python -m pytest tests
	$(BIN)/python -m pytest --nbval-lax notebooks/
	$(BIN)/jdpromo run --shop demo --period 2026-10 --out $(VERIFY_OUT)
	$(BIN)/jdpromo verify $(VERIFY_OUT)/demo/2026-10

lab: $(DEMO)
	$(BIN)/jupyter lab notebooks/

lint: $(STAMP)
	$(BIN)/ruff check lib tests benchmarks
	$(BIN)/ruff format --check lib tests benchmarks

format: $(STAMP)
	$(BIN)/ruff format lib tests benchmarks
	$(BIN)/ruff check --fix lib tests benchmarks

benchmarks: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	for b in benchmarks/*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) reports data/demo
