# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
VSCODE := editors/vscode
NPM_STAMP := $(VSCODE)/node_modules/.installed-stamp
SHARED := ../shared

.PHONY: demo test test-slow conformance bench memo parser-tables holiday-lists clean

# pip's own notices (resolver and path warnings) go to a log, shown only when the install fails
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "installing contractlang and its test tools into $(VENV) (log: $(VENV)/install.log)"
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-warn-script-location -e '.[test]' \
		> $(VENV)/install.log 2>&1 || { cat $(VENV)/install.log; exit 1; }
	@touch $(STAMP)

demo: $(STAMP)
	@echo "contract eval contracts/nstor_2002_subordinated_note.contract scenarios/nstor_2002_conversions.toml"
	@$(BIN)/contract eval contracts/nstor_2002_subordinated_note.contract scenarios/nstor_2002_conversions.toml

# the suite but its tests marked slow (mutation testing: `contract test` on every mutant of the three
# instruments), which take minutes of their own; .ci/run runs both
test: $(STAMP) $(NPM_STAMP)
	$(BIN)/python -m pytest -m "not slow"

test-slow: $(STAMP)
	$(BIN)/python -m pytest -m slow

# the npm packages the TextMate grammar's test runs on, exactly as package-lock.json pins them
$(NPM_STAMP): $(VSCODE)/package.json $(VSCODE)/package-lock.json
	cd $(VSCODE) && npm ci --no-audit --no-fund --loglevel=error
	touch $(NPM_STAMP)

conformance: $(STAMP)
	$(BIN)/python $(SHARED)/conformance/check.py --command $(BIN)/contract -v

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[bench]'
	$(BIN)/python bench/run.py
	$(BIN)/python bench/batch_throughput.py

memo: $(STAMP)
	mkdir -p build
	$(BIN)/contract render contracts/examples/fixed_rate_bond.contract scenarios/bond_redemption.toml -o build/memo.html

# the parser tables shipped with the package, built afresh: after a change of the grammar or of Lark
# (tests/test_start_up.py fails until they match)
parser-tables: $(STAMP)
	$(BIN)/python -c 'from contractlang.language.parser import write_shipped_tables; write_shipped_tables()'

# the holiday lists shipped with the package, made afresh: after a change of the holidays package
holiday-lists: $(STAMP)
	$(BIN)/python -c 'from contractlang.stdlib.calendars import write_shipped_holidays; write_shipped_holidays()'

clean:
	rm -rf $(VENV) build dist .pytest_cache .hypothesis $(VSCODE)/node_modules
