# Jiujin: `make run` opens the demo station, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Test-only tools from npm (tus-js-client); `make run` never needs them.
NODE_TOOLS := .tools/node/.installed

.PHONY: run test bench soak lint system-deps translations clean check-fresh lock wheelhouse wheelhouse-check

# Dependencies come from the hashed lock files in requirements/ (see docs/operations.md);
# sqlcipher3-binary, which earlier releases used, shares the sqlcipher3 module: remove it first.
$(STAMP): pyproject.toml requirements/dev.txt scripts/install-system-deps.sh
	bash scripts/install-system-deps.sh dev
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip uninstall -qq -y sqlcipher3-binary
	$(BIN)/python -m pip install -q --require-hashes -r requirements/dev.txt
	$(BIN)/python -m pip install -q --no-deps -e '.[dev]'
	touch $(STAMP)

# requirements/*.txt from pyproject.toml: one universal lock per install set (any OS and CPU),
# station and hub held to the versions of the dev set.
LOCK := $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 \
	--generate-hashes --no-header -q
lock:
	test -x $(BIN)/uv || $(BIN)/python -m pip install -q uv
	$(LOCK) --extra dev -o requirements/dev.txt
	$(LOCK) --extra hub -c requirements/dev.txt -o requirements/hub.txt
	$(LOCK) -c requirements/dev.txt -o requirements/station.txt

# Every wheel a station needs, its own included, for a USB stick to an offline station:
#   pip install --no-index --find-links wheelhouse jiujin
# WHEELHOUSE_EXTRA=hub adds the hub; PIP_PLATFORM_ARGS="--platform manylinux2014_aarch64"
# fetches another CPU's wheels.
WHEELHOUSE ?= wheelhouse
WHEELHOUSE_LOCK := requirements/$(if $(WHEELHOUSE_EXTRA),$(WHEELHOUSE_EXTRA),station).txt
wheelhouse: $(STAMP)
	rm -rf $(WHEELHOUSE) && mkdir -p $(WHEELHOUSE)
	$(BIN)/python -m pip download -q --only-binary=:all: --require-hashes --no-deps \
		$(PIP_PLATFORM_ARGS) -r $(WHEELHOUSE_LOCK) -d $(WHEELHOUSE)
	$(BIN)/python -m pip wheel -q --no-deps -w $(WHEELHOUSE) .
	cp $(WHEELHOUSE_LOCK) $(WHEELHOUSE)/requirements.txt
	cd $(WHEELHOUSE) && sha256sum *.whl requirements.txt > SHA256SUMS

# The proof CI runs: build a station wheelhouse, install it offline into a clean venv outside
# the checkout, and run the installed `jiujin` (tests/install).
CHECK_WHEELHOUSE := $(CURDIR)/build/wheelhouse-check
wheelhouse-check: $(STAMP)
	$(MAKE) wheelhouse WHEELHOUSE=$(CHECK_WHEELHOUSE)
	JIUJIN_TEST_WHEELHOUSE=$(CHECK_WHEELHOUSE) $(BIN)/python -m pytest -q tests/install

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
