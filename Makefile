# Télévente: `make run` serves the demo, `make test` runs every test. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
BENCH_SIZE ?= medium
MANAGE := $(PY) manage.py
I18N_IGNORE := --ignore=.venv --ignore=var --ignore=node_modules
# Debian packages: WeasyPrint's libraries and fonts, gettext for the translations, poppler for PDF checks.
SYSTEM_PACKAGES := gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils
TEST_SYSTEM_PACKAGES := chromium

.PHONY: help run worker test lint bench messages makemessages system-deps test-system-deps install install-test clean

help:
	@echo "make run    install, migrate, load the demo and serve http://127.0.0.1:$(PORT) (with a task worker)"
	@echo "make test   install what tests need and run ruff and the whole pytest suite"
	@echo "make bench  run the benchmarks (BENCH_SIZE=small|medium|large, default medium)"

$(PY):
	@py=$$(scripts/find-python.sh) && echo "Using $$py" && "$$py" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# Installs missing Debian packages when run as root; otherwise says what is missing.
define apt_install
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Missing Debian packages:$$missing (run: sudo apt-get install$$missing)"; fi; \
	fi
endef

system-deps:
	$(call apt_install,$(SYSTEM_PACKAGES))

test-system-deps: system-deps
	$(call apt_install,$(TEST_SYSTEM_PACKAGES))

messages: $(VENV)/.installed
	@cd src/televente && ../../$(PY) ../../manage.py compilemessages $(I18N_IGNORE) -v 0

makemessages: $(VENV)/.installed-test
	cd src/televente && ../../$(PY) ../../manage.py makemessages -l fr -l en $(I18N_IGNORE) --no-obsolete --no-location
	$(PY) scripts/i18n_fill.py scripts/translations_en.py

run: system-deps install messages
	$(MANAGE) migrate --noinput -v 0
	$(MANAGE) seed_demo --size small --if-empty
	@echo ""
	@echo "Serving http://127.0.0.1:$(PORT)/ with a background task worker and the periodic jobs (Ctrl+C stops all)."
	@$(MANAGE) db_worker --interval 2 --no-reload & worker=$$!; \
	$(MANAGE) run_scheduler & scheduler=$$!; \
	trap "kill $$worker $$scheduler 2>/dev/null" EXIT INT TERM; \
	$(MANAGE) runserver 127.0.0.1:$(PORT)

worker: install
	$(MANAGE) db_worker

lint: install-test
	$(VENV)/bin/ruff check src bench scripts
	$(VENV)/bin/ruff format --check src bench

test: test-system-deps install-test messages
	$(VENV)/bin/ruff check src bench scripts
	$(VENV)/bin/pytest $(PYTEST_ARGS)

bench: system-deps install-test messages
	$(PY) bench/run.py --size $(BENCH_SIZE)

clean:
	rm -rf $(VENV) var build src/*.egg-info
