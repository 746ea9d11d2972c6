# Jiujin: `make run` opens the demo station, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Test-only tools from npm (tus-js-client); `make run` never needs them.
NODE_TOOLS := .tools/node/.installed

.PHONY: run test bench soak lint system-deps translations clean check-fresh

$(STAMP): pyproject.toml scripts/install-system-deps.sh
	bash scripts/install-system-deps.sh dev
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

system-deps:
	bash scripts/install-system-deps.sh dev

# The UI's gettext catalogs: station/ui/catalogs/<lang>/LC_MESSAGES/jiujin.po, compiled
# by Babel into station/ui/locale/<lang>/LC_MESSAGES/jiujin.mo.
translations: $(STAMP)
	@for po in station/ui/catalogs/*/LC_MESSAGES/jiujin.po; do \
		[ -f "$$po" ] || continue; \
		lang=$$(basename $$(dirname $$(dirname "$$po"))); \
		mkdir -p station/ui/locale/$$lang/LC_MESSAGES; \
		$(BIN)/pybabel compile -i "$$po" -o station/ui/locale/$$lang/LC_MESSAGES/jiujin.mo; \
	done

run: $(STAMP) translations
	$(BIN)/jiujin demo

$(NODE_TOOLS): scripts/install-node-tools.sh
	bash scripts/install-node-tools.sh
	touch $(NODE_TOOLS)

test: $(STAMP) $(NODE_TOOLS) translations
	JIUJIN_TEST_POSTGRES_URL=$$(bash scripts/test-services.sh | tail -n 1) \
		$(BIN)/python -m pytest -n 2 --dist loadgroup

# In a clean Debian where only scripts/install-system-deps.sh installed packages, the tests
# that call system tools; fails when the script misses a package (scripts/check-fresh.sh).
check-fresh:
	bash scripts/check-fresh.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: $(STAMP) translations
	JIUJIN_TEST_POSTGRES_URL=$$(bash scripts/test-services.sh | tail -n 1) \
		$(BIN)/python -m bench

# The long runs: every test marked slow, and the crash test with 200 kills instead of 50.
# (Two runs: given a folder and a file inside it, pytest collects only the file.)
soak: $(STAMP) translations
	JIUJIN_TEST_POSTGRES_URL=$$(bash scripts/test-services.sh | tail -n 1) JIUJIN_SOAK=1 \
		$(BIN)/python -m pytest -m slow tests
	JIUJIN_SOAK=1 $(BIN)/python -m pytest tests/station/core/test_crash.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
