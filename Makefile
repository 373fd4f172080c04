# modelreg: `make help` lists the targets.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DATABASE_URL ?= $(or $(MODELREG_DATABASE_URL),sqlite:///./modelreg.db)
HOST ?= 127.0.0.1
PORT ?= 8080
PYTEST_ARGS ?=
COVERAGE_FLOOR ?= 90
CONSTRAINTS := constraints.txt
PIP_INSTALL = $(BIN)/pip install --quiet --constraint $(CONSTRAINTS)

.DEFAULT_GOAL := help
.PHONY: help serve test lint typecheck check bench docs generate clean upgrade-deps

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "modelreg needs Python 3.11+"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# mysqlclient, the faster MySQL driver, compiles against the C client library: `serve`
# takes it where its headers are (libmariadb-dev), PyMySQL anyway; tests need both.
HAVE_MYSQL_HEADERS = $(shell pkg-config --exists libmariadb 2>/dev/null || pkg-config --exists mysqlclient 2>/dev/null && echo yes)
comma := ,
SERVER_EXTRAS := server,postgres,pymysql$(if $(HAVE_MYSQL_HEADERS),$(comma)mysql)

$(VENV)/.server: $(BIN)/python pyproject.toml $(CONSTRAINTS)
	$(PIP_INSTALL) -e ".[$(SERVER_EXTRAS)]"
	touch $@

$(VENV)/.dev: $(VENV)/.server
	$(PIP_INSTALL) -e ".[server,postgres,mysql,pymysql,dev]"
	touch $@

serve: $(VENV)/.server ## Create .venv, migrate the database and serve on $(HOST):$(PORT)
	$(BIN)/modelreg serve --database-url "$(DATABASE_URL)" --host $(HOST) --port $(PORT)

test: $(VENV)/.dev ## Install what tests need, run the whole suite, report coverage (floor: COVERAGE_FLOOR)
	$(BIN)/coverage erase
	$(BIN)/coverage run -m pytest $(PYTEST_ARGS)
	$(BIN)/coverage report --fail-under=$(COVERAGE_FLOOR)

lint: $(VENV)/.dev ## ruff (lint and format check) and the layer contracts (import-linter)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/lint-imports

typecheck: $(VENV)/.dev ## mypy --strict on src/
	$(BIN)/mypy

$(VENV)/.bench: $(VENV)/.server
	$(PIP_INSTALL) -e ".[server,postgres,mysql,bench]"
	touch $@

bench: $(VENV)/.bench ## modelreg against MLflow on SQLite (needs wrk); see docs/benchmarks.md
	$(BIN)/python bench/compare.py --engine sqlite --workers 2 --scaling
	$(BIN)/python bench/plot.py bench/results/compare-*.json --out docs/img

docs: $(VENV)/.server ## Regenerate docs/cli.md from the CLI's --help
	$(BIN)/python -m modelreg.cli.docs > docs/cli.md

generate: $(VENV)/.dev ## Write the sync client (client/sync*.py) from the async one (aio*.py)
	$(BIN)/python scripts/generate_sync.py

check: lint typecheck test ## Every check CI runs

upgrade-deps: ## Take the newest versions pyproject.toml allows into constraints.txt, then run the suite on them
	rm -rf .venv-upgrade
	$(PYTHON) -m venv .venv-upgrade
	.venv-upgrade/bin/pip install --quiet --upgrade pip
	.venv-upgrade/bin/pip install --quiet -e ".[server,postgres,mysql,pymysql,dev]"
	{ sed -n '1,2p' $(CONSTRAINTS); .venv-upgrade/bin/pip freeze --all --exclude-editable | grep -v "^#\|^pip=="; } > $(CONSTRAINTS).new
	mv $(CONSTRAINTS).new $(CONSTRAINTS)
	rm -rf .venv-upgrade
	rm -f $(VENV)/.server $(VENV)/.dev
	$(MAKE) test

clean: ## Remove the virtualenv and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .cache
