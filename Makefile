# pmo — the two set-up commands are `make run` and `make test`; the rest are listed in README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP_BASE := $(VENV)/.installed-base
STAMP_DEV := $(VENV)/.installed-dev
STAMP_NPM := node_modules/.installed

.PHONY: run test lint bench e2e worker lock clean install

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP_BASE): $(BIN)/python requirements/base.lock pyproject.toml
	$(BIN)/pip install -q --require-hashes -r requirements/base.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $@

$(STAMP_DEV): $(STAMP_BASE) requirements/dev.lock
	$(BIN)/pip install -q --require-hashes -r requirements/dev.lock
	touch $@

$(STAMP_NPM): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(STAMP_BASE) $(STAMP_NPM)

run: install
	$(BIN)/pmo migrate --noinput
	$(BIN)/pmo demo --if-empty
	@echo ""
	@echo "pmo is serving on http://127.0.0.1:$(PORT)/  (demo logins, password 'pmo-demo'):"
	@echo "  director (PMO Director)   analyst (PMO Analyst)   coordinator (PMO Coordinator)"
	@echo "  program_manager (Program Manager)   steering (Steering Committee)   project_manager (Project Manager)"
	@echo "  (a background-task worker runs beside the server; Ctrl-C stops both)"
	@echo ""
	$(BIN)/pmo serve 127.0.0.1:$(PORT)

worker: install
	$(BIN)/pmo db_worker

test: $(STAMP_DEV) $(STAMP_NPM)
	$(BIN)/python scripts/ensure_system_packages.py
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

e2e: $(STAMP_DEV) $(STAMP_NPM)
	$(BIN)/python scripts/ensure_system_packages.py
	$(BIN)/pytest -m browser $(PYTEST_ARGS)

lint: $(STAMP_DEV)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

bench: $(STAMP_DEV)
	$(BIN)/python -m benchmarks

lock: $(BIN)/python
	$(BIN)/pip install -q uv
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes -o requirements/base.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements/dev.lock

clean:
	rm -rf $(VENV) node_modules pmo.sqlite3*
