# QI Register: `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_PASSWORD ?= qi-demo-2026
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in emails and the calendar feed point at the server `make run` starts.
QIREGISTER_BASE_URL ?= http://$(HOST):$(PORT)

.PHONY: install run test lint format lock bench clean

# The venv is rebuilt only when the dependency list or a lock file changes. A developer's venv
# holds both locks; production installs requirements.lock alone (docs/deployment.md).
$(BIN)/.installed: pyproject.toml requirements.lock requirements-dev.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock -r requirements-dev.lock
	touch $@

install: $(BIN)/.installed

RUN_ENV = DJANGO_DEBUG=true QIREGISTER_BASE_URL="$(QIREGISTER_BASE_URL)"
run: install
	$(RUN_ENV) $(BIN)/python manage.py migrate --no-input
	$(RUN_ENV) $(BIN)/python manage.py seed_demo --password "$(DEMO_PASSWORD)"
	@echo ""
	@echo "QI Register is at http://$(HOST):$(PORT)/"
	@echo "Demo logins (password: $(DEMO_PASSWORD)): staff, champion, manager, admin (Pharmacy);"
	@echo "  nurse, nursing.champion, therapist (Nursing, Therapies); trustqi (the trust QI team)"
	@echo ""
	@echo "Emails are printed here, in this terminal (the console email backend of DJANGO_DEBUG)."
	@echo ""
	$(RUN_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The W3C Nu HTML validator that the walk of page types runs (tests/e2e/validator.py), from npm
# into .tools/; where npm or Java is missing, `make test` says so and the validation is skipped.
VNU_VERSION := 26.9.27
VNU_JAR := .tools/node_modules/vnu-jar/build/dist/vnu.jar
$(VNU_JAR):
	@if command -v npm >/dev/null && command -v java >/dev/null; then \
	  npm install --prefix .tools --no-save --no-audit --no-fund --silent vnu-jar@$(VNU_VERSION); \
	else \
	  echo "npm or Java not found: HTML validation is skipped (Debian: apt install npm default-jre-headless)"; \
	fi

# pytest exits 5 when it collected no tests: that is a failure here, like any other non-zero exit.
# pytest-xdist runs one worker per core (TEST_WORKERS=0 runs in one process), each test file in
# one worker, each worker with its own test database, copied from one migrated template (the
# django_db_setup fixture in tests/conftest.py); the slowest files are handed out first
# (SLOWEST_FILES in tests/conftest.py), so that the workers finish together. Between local runs
# with no migration edited in place, `make test PYTEST_ARGS=--reuse-db` keeps the workers'
# databases and skips migrating (about 40 s of CPU).
TEST_WORKERS ?= auto
test: install $(VNU_JAR)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Pin every package with its hashes after changing dependencies in pyproject.toml:
# requirements.lock holds what production runs ([project].dependencies), requirements-dev.lock
# what development adds (the dev extras and what they need), resolved with the runtime pins as
# constraints so that the two install together. Pins already in the files are kept;
# `make lock LOCK_ARGS=--upgrade` moves everything to the newest allowed versions.
UV_VERSION := 0.13.10
LOCK_FLAGS = --quiet --generate-hashes --no-strip-extras --python-version 3.11 --custom-compile-command "make lock"
lock:
	rm -rf .lockvenv && $(PYTHON) -m venv .lockvenv
	.lockvenv/bin/python -m pip install --quiet "uv==$(UV_VERSION)"
	.lockvenv/bin/uv pip compile $(LOCK_FLAGS) $(LOCK_ARGS) pyproject.toml -o requirements.lock
	.lockvenv/bin/uv pip compile $(LOCK_FLAGS) $(LOCK_ARGS) pyproject.toml --extra dev \
	  -c requirements.lock $$(sed -n 's/^\([A-Za-z0-9._-]*\)\(\[.*\]\)\{0,1\}==.*/--no-emit-package \1/p' requirements.lock) \
	  -o requirements-dev.lock
	rm -rf .lockvenv

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

# Every page's latency at 100,000 projects beside the small demo, as ratios to /healthz and
# growth, and the register's throughput with 10 users; fails past the goals (seeds once).
# BENCH_ROUNDS, BENCH_SECONDS, BENCH_ONLY, BENCH_SEED (docs/performance.md).
bench: install
	$(BIN)/python bench/run.py

# 50 users of the four roles for 5 minutes against gunicorn and the bench database (seeds once);
# fails unless no request failed and the 95th percentile is under 500 ms. LOAD_USERS, LOAD_TIME.
.PHONY: load
load: install
	$(BIN)/python load/run.py

# Static security analysis: bandit's medium and high findings fail (settings in pyproject.toml).
.PHONY: bandit
bandit: install
	$(BIN)/bandit -c pyproject.toml -r . -ll -q

# Back up the database (pg_dump, custom format) and the uploaded files into a new folder under
# BACKUP_DIR (default .data/backups); restore one with `make restore BACKUP=<folder>`. A database
# or media folder that is not empty is replaced only with CONFIRM=yes (after backing it up).
.PHONY: backup restore
backup: install
	$(BIN)/python manage.py backup $(if $(BACKUP_DIR),--dir "$(BACKUP_DIR)")

restore: install
	@test -n "$(BACKUP)" || { echo "Say which backup: make restore BACKUP=.data/backups/qiregister-..."; exit 2; }
	$(BIN)/python manage.py restore "$(BACKUP)" $(if $(filter yes,$(CONFIRM)),--yes)

# Retake the user guide's screenshots (docs/images/) from the demo data; `make test` only checks them.
.PHONY: screenshots
screenshots: install
	QIREGISTER_UPDATE_SCREENSHOTS=1 $(BIN)/python -m pytest tests/e2e/test_user_guide_screenshots.py
