# QI Register: `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_PASSWORD ?= qi-demo-2026
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format lock bench clean

# The venv is rebuilt only when the dependency list or the lock file changes.
$(BIN)/.installed: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	touch $@

install: $(BIN)/.installed

run: install
	DJANGO_DEBUG=true $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=true $(BIN)/python manage.py seed_demo --password "$(DEMO_PASSWORD)"
	@echo ""
	@echo "QI Register is at http://$(HOST):$(PORT)/"
	@echo "Demo logins (password: $(DEMO_PASSWORD)): staff, champion, manager, admin"
	@echo ""
	DJANGO_DEBUG=true $(BIN)/python manage.py runserver $(HOST):$(PORT)

# pytest exits 5 when it collected no tests: that is a failure here, like any other non-zero exit.
test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Refresh the pinned versions after changing dependencies in pyproject.toml.
lock:
	rm -rf .lockvenv && $(PYTHON) -m venv .lockvenv
	.lockvenv/bin/python -m pip install --quiet --upgrade pip
	.lockvenv/bin/python -m pip install --quiet ".[dev]"
	.lockvenv/bin/python -m pip freeze | grep -v '^qiregister' > requirements.lock
	rm -rf .lockvenv

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

# Latency of the register with 100,000 projects, as ratios to /healthz (seeds once).
bench: install
	$(BIN)/python bench/run.py
