# Zichtbaar: `make demo` to try it, `make test` to test it. Both install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export DJANGO_SETTINGS_MODULE := zichtbaar.settings

.PHONY: install browser demo serve test test-postgres smoke lint format bench messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip uv

# Locked Python dependencies (requirements.lock) and npm packages (package-lock.json). Bytecode is
# compiled at install: with PYTHONDONTWRITEBYTECODE set, every process would compile scipy and
# statsmodels afresh (half a minute for a live server's first page).
$(VENV)/.installed: $(BIN)/python requirements.lock package-lock.json pyproject.toml
	$(BIN)/uv pip sync --quiet --compile-bytecode --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	npm ci --no-audit --no-fund --silent
	touch $@

install: $(VENV)/.installed

# Installs, migrates an SQLite database in ./var, loads the demo organisation and serves it
# at http://127.0.0.1:8000 with its background worker (and runperiodic every minute, as cron would).
demo: install
	mkdir -p var
	DEBUG=true $(BIN)/zichtbaar migrate --no-input
	DEBUG=true $(BIN)/zichtbaar demo
	DEBUG=true $(BIN)/zichtbaar db_worker & WORKER=$$!; \
	(while sleep 60; do DEBUG=true $(BIN)/zichtbaar runperiodic >/dev/null; done) & PERIODIC=$$!; \
	trap "kill $$WORKER $$PERIODIC 2>/dev/null" EXIT INT TERM; \
	DEBUG=true $(BIN)/zichtbaar runserver 127.0.0.1:8000

# What the tests need from Debian: Chromium for the browser tests (Playwright can't download
# browsers here) and xmlsec1, with which the test SAML identity provider (pysaml2) signs.
browser:
	@missing=""; command -v chromium >/dev/null || missing="chromium"; \
	command -v xmlsec1 >/dev/null || missing="$$missing xmlsec1"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Please install first: sudo apt-get install -y $$missing"; exit 1; fi; fi

# Every test, browser tests included.
test: install browser
	$(BIN)/pytest -q

test-postgres: install browser
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/test $(BIN)/pytest -q

# The production profile (PostgreSQL, Redis cache, RQ, gunicorn, SMTP) on this machine's services.
smoke: install
	$(BIN)/python -m tests.production.smoke

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=true $(BIN)/mypy src
	cd src && ../$(BIN)/lint-imports --config ../pyproject.toml

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python bench/clicks.py
	$(BIN)/python bench/suggest.py
	$(BIN)/python bench/suggest_llm.py
	$(BIN)/python bench/check.py
	$(BIN)/python bench/dashboard.py
	$(BIN)/python bench/survey.py
	$(BIN)/python bench/digest.py --count 20000
	$(BIN)/python bench/workshop.py

# Update translations: extract strings, then compile (needs gettext).
messages: install
	cd src/zichtbaar && ../../$(BIN)/zichtbaar makemessages -l nl -l en --no-obsolete
	cd src/zichtbaar && ../../$(BIN)/zichtbaar compilemessages

clean:
	rm -rf $(VENV) node_modules var test-artifacts
