# Konsultasi DJPK. `make run` serves the app with demo data; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi
export PYTHONDONTWRITEBYTECODE := 1

# `make run PORT=5001 HOST=0.0.0.0`: where the development server listens; its links follow.
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint format translations clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

translations: $(VENV)/.runtime
	$(BIN)/pybabel compile -d translations -D "messages wtforms"

# FLASK_RUN_HOST/PORT also tell config.local_url() where links (email, invites) should point.
DEV_ENV = APP_ENV=development FLASK_RUN_HOST=$(HOST) FLASK_RUN_PORT=$(PORT)

run: $(VENV)/.runtime translations
	$(DEV_ENV) $(BIN)/flask db upgrade
	$(DEV_ENV) $(BIN)/flask seed-demo
	$(DEV_ENV) $(BIN)/flask scheduler run & SCHEDULER=$$!; trap 'kill $$SCHEDULER 2>/dev/null' EXIT INT TERM; $(DEV_ENV) $(BIN)/flask run --host $(HOST) --port $(PORT)

test: $(VENV)/.dev translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Re-extract the messages after changing user-facing text, then translate translations/en.
messages: $(VENV)/.runtime
	$(BIN)/pybabel extract --no-location -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations -N -w 100

clean:
	rm -rf $(VENV) instance
