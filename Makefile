# The club equipment decision suite. On a machine with Python 3.11+, make and git:
#   make reports   build every report for the demo club into reports/
#   make test      run the whole test suite
# Both create the virtual environment (.venv) first when it is missing, and refresh it
# when pyproject.toml changes. `make help` lists every target.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Extra arguments, e.g. make reports BUILD_ARGS="--data-dir ~/club-export --jobs 4"
BUILD_ARGS ?=
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help reports reports-pdf reports-chain test lab lint bench bench-data bench-model bench-chain validate clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check --quiet -e ".[dev]"
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
