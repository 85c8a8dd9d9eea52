# Konsultasi DJPK. `make run` serves the app with demo data; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi
export PYTHONDONTWRITEBYTECODE := 1

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

run: $(VENV)/.runtime translations
	APP_ENV=development $(BIN)/flask db upgrade
	APP_ENV=development $(BIN)/flask seed-demo
	APP_ENV=development $(BIN)/flask scheduler run & SCHEDULER=$$!; trap 'kill $$SCHEDULER 2>/dev/null' EXIT INT TERM; APP_ENV=development $(BIN)/flask run --host 127.0.0.1 --port 5000

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
	$(BIN)/pybabel update -i translations/messages.pot -d translations -N

clean:
	rm -rf $(VENV) instance
