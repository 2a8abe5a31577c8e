# The two commands a new user runs: `make site` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1

LINTED := generator tests $(wildcard bench)

.PHONY: site test generate check serve schema lint format bench clean

site: $(STAMP)  ## Install, generate content/ from seeds/, build site/
	$(BIN)/factsheets build
	@echo "While editing summaries, 'make serve' gives a live preview."

test: $(STAMP)  ## Run the whole test suite (lint, type checks and import contracts included)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy --strict generator $(wildcard bench)
	$(BIN)/python -m pytest

generate: $(STAMP)  ## Regenerate content/ only
	$(BIN)/factsheets generate

check: $(STAMP)  ## Validate seeds/ and check that content/ is up to date
	$(BIN)/factsheets check
	$(BIN)/factsheets generate --check

serve: $(STAMP)  ## Live preview at http://127.0.0.1:8000
	$(BIN)/factsheets serve

schema: $(STAMP)  ## Rewrite schema/summary.schema.json
	$(BIN)/factsheets schema -o schema/summary.schema.json

bench: $(STAMP)  ## Benchmark at 100, 1,000 and 10,000 fact sheets (search timed if Chromium is installed)
	$(BIN)/python -m bench --search

lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)

format: $(STAMP)
	$(BIN)/ruff format $(LINTED)
	$(BIN)/ruff check --fix $(LINTED)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

clean:
	rm -rf site $(VENV) .pytest_cache .ruff_cache .mypy_cache .import_linter_cache
