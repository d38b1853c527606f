# «Соседи» — every target sets up what it needs; targets are idempotent.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test test-fast bench setup venv migrate demo browser lint check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip uv

# Reinstall only when a pinned requirements file changed.
$(STAMP): $(BIN)/python requirements/base.txt requirements/dev.txt
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements/base.txt -r requirements/dev.txt
	touch $(STAMP)

venv: $(STAMP)

migrate: venv
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v 0

demo: migrate
	$(BIN)/python manage.py load_demo

setup: demo

# Serve the demo with the production server (gunicorn) on 127.0.0.1.
run: setup
	$(BIN)/python manage.py demo_logins
	$(BIN)/gunicorn config.wsgi:application --bind 127.0.0.1:$(PORT) --workers 2 --threads 4 --access-logfile -

# Debian's Chromium for the browser tests (Playwright cannot download its own here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests…"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

test: venv browser
	$(BIN)/pytest

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Every capability's benchmark, each generating its own data set on the first run (about 20 minutes in all).
bench: venv
	bash bench/run.sh
	bash bench/run_meetings.sh
	bash bench/run_initiatives.sh
	bash bench/run_knowledge.sh
	bash bench/run_surveys.sh

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
