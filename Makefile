# The club equipment decision suite. On a machine with Python 3.11+, make and git:
#   make reports   build every report for the demo club into reports/
#   make test      run the whole test suite
# Both create the virtual environment (.venv) first when it is missing, and refresh it
# when the lock changes: pip installs the exact versions and hashes of requirements/dev.txt,
# exported from uv.lock (`make lock` refreshes both, monthly). `make help` lists every target.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PIP    := $(BIN)/python -m pip --disable-pip-version-check --quiet
# The exported lock that make installs, and how `make lock` writes each file of requirements/
# (tests/repository/test_install.py runs the same commands and compares).
REQUIREMENTS := requirements/dev.txt
EXPORT := export --frozen --no-emit-project --format requirements-txt
# make lock LOCK_ARGS= keeps every pinned version that still fits pyproject.toml
LOCK_ARGS ?= --upgrade
# Extra arguments, e.g. make reports BUILD_ARGS="--data-dir ~/club-export --jobs 4"
BUILD_ARGS ?=
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help reports reports-pdf reports-chain test lab lint hooks lock bench bench-data bench-model bench-chain validate clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

# Every library at the version and sha256 of the lock (pip refuses any other file), then the
# suite itself without resolving anything (its build backend, hatchling, is fetched by pip
# into a build environment of its own).
$(STAMP): $(REQUIREMENTS) uv.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --require-hashes -r $(REQUIREMENTS)
	$(PIP) install --no-deps -e .
	@touch $(STAMP)

reports: $(STAMP) ## Build every report of the default plan into reports/
	$(BIN)/evaluate build $(BUILD_ARGS)

reports-pdf: $(STAMP) ## The same, each report also as a PDF (needs: apt-get install -y chromium)
	$(BIN)/evaluate build --pdf $(BUILD_ARGS)

reports-chain: $(STAMP) ## Build the demo chain: a decision per club and the roll-up (notebooks/chain-plan.yml)
	$(BIN)/evaluate build --plan notebooks/chain-plan.yml $(BUILD_ARGS)

test: $(STAMP) ## Run the whole test suite (unit, notebook, build and browser tests)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# As root (a container, CI) JupyterLab refuses to start without --allow-root. The browser test
# tests/browser/test_jupyterlab.py runs this recipe as it is: keep it one jupyter command.
lab: $(STAMP) ## Open JupyterLab on the notebooks (as root too)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

lint: $(STAMP) ## Check the code and notebooks with ruff, and the package's types with mypy
	$(BIN)/ruff check src tests bench notebooks
	$(BIN)/python -m mypy

hooks: $(STAMP) ## Check each commit with ruff and nbstripout (.pre-commit-config.yaml)
	$(BIN)/pre-commit install

lock: ## Take the newest releases pyproject.toml allows into uv.lock and requirements/ (monthly)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(BIN)/uv || $(PIP) install "uv>=0.9,<1"
	$(BIN)/uv lock $(LOCK_ARGS)
	@mkdir -p requirements
	$(BIN)/uv $(EXPORT) > requirements/base.txt.new && mv requirements/base.txt.new requirements/base.txt
	$(BIN)/uv $(EXPORT) --extra dev > requirements/dev.txt.new && mv requirements/dev.txt.new requirements/dev.txt

validate: $(STAMP) ## Check the demo club's data (or DATA_DIR=...) and list every problem
	$(BIN)/evaluate validate $(if $(DATA_DIR),--data-dir $(DATA_DIR))

bench: $(STAMP) ## Time our build against the usual papermill + nbconvert script, a no-change rebuild, each report's floor
	$(BIN)/python bench/build_speed.py
	$(BIN)/python bench/rebuild_speed.py
	$(BIN)/python bench/report_floor.py

bench-data: $(STAMP) ## Time checking a 1,000,000-member club, and its decision report's build
	$(BIN)/python bench/data_scale.py
	$(BIN)/python bench/decision_scale.py
	$(BIN)/python bench/csv_engine.py

bench-model: $(STAMP) ## Time the model and the decision: 1M members, 10,000 draws x 20 machines, the demo decision
	$(BIN)/python bench/model_speed.py
	$(BIN)/python bench/finance_speed.py
	$(BIN)/python bench/scoring_speed.py
	$(BIN)/python bench/decision_speed.py
	$(BIN)/python bench/portfolio_speed.py
	$(BIN)/python bench/analyse_decision_speed.py
	$(BIN)/python bench/track_record_speed.py

bench-chain: $(STAMP) ## Time a chain of 50 generated clubs: decisions in parallel, then the roll-up
	$(BIN)/python bench/chain_speed.py

clean: ## Remove the environment and caches (reports/ is kept)
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache bench/out reports/.staging-*
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
