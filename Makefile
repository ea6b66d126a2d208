# Two commands for a newcomer: `make run` and `make test`. Both build .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# `make run PORT=8100 STRIPE_PORT=8520` (or the same in the environment) for a second checkout.
PORT ?= 8000
STRIPE_PORT ?= 8420
MINT_VAR_DIR ?= $(CURDIR)/var
export STRIPE_PORT MINT_VAR_DIR

.PHONY: run test lint bench venv release serve

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

venv: $(STAMP)

# Development mode explicitly: with DEBUG off the settings refuse the development secrets.
run: export DEBUG = 1
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo_data
	@echo
	@echo "  Admin:     http://127.0.0.1:$(PORT)/admin/"
	@echo "  API docs:  http://127.0.0.1:$(PORT)/api/docs/"
	@echo "  Health:    http://127.0.0.1:$(PORT)/healthz"
	@echo "  localstripe: http://127.0.0.1:$(STRIPE_PORT) (state in $(MINT_VAR_DIR)/localstripe.pickle)"
	@echo "  Ctrl-C stops localstripe, the web server, the worker and beat."
	@echo
	MINT_WEB_PORT=$(PORT) $(BIN)/honcho -f Procfile.dev start

# Production (README "Deploying"): settings from the environment, or a .env file (honcho reads it).
release: $(STAMP)
	$(BIN)/python manage.py release

serve: release
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho -f Procfile start web worker beat

# The test settings (tests/settings.py): development mode, explicitly, for the checks too.
test: export DJANGO_SETTINGS_MODULE = tests.settings
test: $(STAMP)
	@echo "database: $${DATABASE_URL:-embedded SQLite}; broker: $${REDIS_URL:-embedded filesystem broker}"
	$(BIN)/python -m ruff check .
	$(BIN)/python -m bandit -c pyproject.toml -r . -ll -q
	$(BIN)/python manage.py makemigrations --check --dry-run >/dev/null
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/python -m ruff check .
	$(BIN)/python -m bandit -c pyproject.toml -r . -ll -q

bench: $(STAMP)
	$(BIN)/python -m bench.launch
