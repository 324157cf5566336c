# Two commands for a newcomer: `make demo` and `make test`.
VENV ?= .venv
# Benchmarks install their peers (other projects' XBlocks) into a virtualenv of their own.
BENCH_VENV ?= .venv-bench
PORT ?= 8000
PY := $(VENV)/bin/python
# Python 3.12 (what Open edX runs) is not the default python3 everywhere: look on PATH, then pyenv.
# (pyenv shims on PATH may exist yet refuse to run, so each candidate must actually run.)
PYTHON312 := $(shell for p in $$(command -v python3.12) $$(ls -d $$HOME/.pyenv/versions/3.12*/bin/python3.12 2>/dev/null | sort -Vr); do \
  "$$p" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' 2>/dev/null && { echo "$$p"; break; }; done)

.PHONY: demo test bench venv clean axe

# The browser tests' accessibility checker (axe-core), installed from the npm registry as locked in
# package-lock.json; nothing is fetched while the tests run. Without npm the browser tests skip, saying so.
AXE := node_modules/axe-core/axe.min.js
$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the browser accessibility tests will be SKIPPED (apt-get install npm)." >&2; fi
axe: $(AXE)

$(VENV)/.installed-%: setup.py
	@if [ -z "$(PYTHON312)" ]; then \
	  echo "Python 3.12 is needed (python3.12 on PATH or ~/.pyenv/versions/3.12*/bin/python3.12)." >&2; \
	  echo "Install it (e.g. 'pyenv install 3.12') and run make again." >&2; exit 1; fi
	@[ -x $(PY) ] || $(PYTHON312) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[$*]'
	@rm -f $(VENV)/.installed-*; touch $@

demo: $(VENV)/.installed-demo
	$(VENV)/bin/magix serve --port $(PORT)

test: $(VENV)/.installed-test $(AXE)
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  echo "NOTE: no Chromium on PATH: the browser tests (pytest -m browser) will be SKIPPED (apt-get install chromium)." >&2
	$(VENV)/bin/python -m pytest

bench:
	@$(MAKE) --no-print-directory VENV=$(BENCH_VENV) $(BENCH_VENV)/.installed-test,bench
	$(BENCH_VENV)/bin/python -m bench

clean:
	rm -rf $(VENV) $(BENCH_VENV) var build *.egg-info node_modules
