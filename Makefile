# Buurtbot: install, run, test.
# Every target installs what it needs into ./.venv from the lock files, so each works on a fresh clone.
# A stamp file inside .venv records the last install: pip runs again only when a lock file
# (or pyproject.toml) is newer than the stamp. `make clean` removes the venv and the stamps.
#
#   make run      install (runtime deps) and run the bot   (needs BUURTBOT_TOKEN, in the environment or .env)
#   make test     install (dev deps) and run the tests     (PYTEST_ARGS="-k foo -x" passes options to pytest;
#                 TEST_WORKERS=4 runs them in 4 processes instead of 2)
#   make lint     ruff check + mypy
#   make bench    run the benchmarks (bench/run_all.py; BENCH_ARGS passes options)
#   make migrate  bring the database schema up to date
#   make messages extract texts into locales/ (then translate what is new)
#   make clean    remove the venv, stamps and caches (never the database)

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
PIP := $(VENV)/bin/python -m pip --disable-pip-version-check -q
PYTEST_ARGS ?=
# Tests run in this many processes (pytest-xdist); each has its own PostgreSQL database. 0 runs them in one.
TEST_WORKERS ?= 2
BENCH_ARGS ?=

RUNTIME_STAMP := $(VENV)/.installed-runtime.stamp
DEV_STAMP := $(VENV)/.installed-dev.stamp

.PHONY: help install dev run migrate test lint bench clean messages

# help: list the targets.
help:
	@sed -n 's/^#   make /make /p' $(firstword $(MAKEFILE_LIST))

# The virtual environment itself, made with python3 (3.11 or newer).
$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed; $(PYTHON) is " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)

# Runtime install: pinned dependencies, then the project (editable, no dependency resolution): the code and
# the catalogs are used where they are in the checkout (locales/ is mapped to the package bot.locales).
$(RUNTIME_STAMP): requirements.lock pyproject.toml | $(VENV)/bin/python
	$(PIP) install -r requirements.lock
	$(PIP) install --no-deps -e .
	@touch $@

# Development install: runtime + test/lint tools, then the project.
$(DEV_STAMP): requirements-dev.lock pyproject.toml | $(VENV)/bin/python
	$(PIP) install -r requirements-dev.lock
	$(PIP) install --no-deps -e .
	@touch $@

# install: only install the runtime environment.
install: $(RUNTIME_STAMP)

# dev: only install the development environment (CI uses this before checking the database).
dev: $(DEV_STAMP)

# run: install, then migrate and long-poll Telegram (`buurtbot run` migrates first).
run: $(RUNTIME_STAMP)
	$(VENV)/bin/buurtbot run

# migrate: install, then apply database migrations only.
migrate: $(RUNTIME_STAMP)
	$(VENV)/bin/buurtbot migrate

# test: install dev deps, then run pytest (PostgreSQL too when BUURTBOT_TEST_DATABASE_URL is set).
test: $(DEV_STAMP)
	$(VENV)/bin/pytest -q -n $(TEST_WORKERS) $(PYTEST_ARGS)

# lint: static checks; configuration lives in pyproject.toml.
# Both checks always run, so one report shows every problem; the target fails if either does.
lint: $(DEV_STAMP)
	@status=0; \
	echo "ruff check ."; $(VENV)/bin/ruff check . || status=1; \
	echo "mypy"; $(VENV)/bin/mypy || status=1; \
	exit $$status

# bench: run the benchmark suite with the dev install.
bench: $(DEV_STAMP)
	$(VENV)/bin/python bench/run_all.py $(BENCH_ARGS)

# clean: remove the venv (with its stamps), build output and caches; leaves *.db and .env alone.
clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

# messages: extract the texts from bot/ and merge them into every catalog (then translate the new ones).
messages: $(DEV_STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k t -k N_ -k plural:1,2 --no-location --sort-output \
		--project=buurtbot --copyright-holder="Buurtbot" -o locales/buurtbot.pot .
	$(VENV)/bin/pybabel update -i locales/buurtbot.pot -d locales -D buurtbot --no-fuzzy-matching --ignore-obsolete
