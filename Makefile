# Ops Academy — the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup messages lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

# Recompile translations when a .po is newer than its .mo (needs GNU gettext's msgfmt;
# the compiled .mo files are committed, so a machine without gettext still shows Chinese).
messages: $(STAMP)
	@for po in $$(find locale -name '*.po'); do \
	  mo=$${po%.po}.mo; \
	  if [ ! -f "$$mo" ] || [ "$$po" -nt "$$mo" ]; then \
	    if command -v msgfmt >/dev/null; then msgfmt --check -o "$$mo" "$$po" && echo "compiled $$po"; \
	    else echo "msgfmt not found: keeping the committed $$mo"; fi; \
	  fi; \
	done

run: $(STAMP) messages
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py import_content
	$(BIN)/python manage.py search_reindex --stale
	$(BIN)/python manage.py create_demo_accounts
	@if [ "$${DEMO_ORG:-1}" = 0 ]; then echo "DEMO_ORG=0: no demo organisation"; \
	else $(BIN)/python manage.py seed_demo --if-absent; fi
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(STAMP) messages
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) var/db.sqlite3 staticfiles .pytest_cache

# Benchmark against PostgreSQL with 10,000 seeded learners (see README, "Benchmark").
bench: $(STAMP)
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python bench/run.py
