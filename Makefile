# Two commands for a newcomer: `make run` and `make test`. Both build .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench venv

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo_data
	@echo
	@echo "  Admin:     http://127.0.0.1:8000/admin/"
	@echo "  API docs:  http://127.0.0.1:8000/api/docs/"
	@echo "  Health:    http://127.0.0.1:8000/healthz"
	@echo "  Ctrl-C stops localstripe, the web server, the worker and beat."
	@echo
	$(BIN)/honcho -f Procfile.dev start

test: $(STAMP)
	@echo "database: $${DATABASE_URL:-embedded SQLite}; broker: $${REDIS_URL:-embedded filesystem broker}"
	$(BIN)/python -m ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run >/dev/null
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/python -m ruff check .

bench: $(STAMP)
	$(BIN)/python -m bench.launch
