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

# Exact versions for our hosts and tests; setup.py states ranges (see its comments).
CONSTRAINTS := constraints.txt
# `make test-platform`: the block and course-tool tests inside the Open edX platform's pinned
# environment (../shared/openedx; skipped with a message where it is absent).
PLATFORM_DIR ?= ../shared/openedx
PLATFORM_VENV ?= .venv-platform
PLATFORM_PY := $(PLATFORM_VENV)/bin/python
PLATFORM_TESTS ?= tests/openedx tests/scenario tests/credentials tests/course_export \
  --ignore=tests/scenario/test_workbench.py --ignore=tests/credentials/test_host.py
# (Left out: the tests of our demo host, the xblock-sdk workbench, which loads every installed
# block class; in the platform's environment some of them need the LMS's apps. The LMS is the host there.)
# What those tests need beyond the platform and our package (our exact versions, never over a platform pin).
PLATFORM_TEST_TOOLS ?= pytest pytest-django hypothesis pyshacl rdflib xblock-sdk rapidfuzz
# Installed by the platform, left out of our test session (see ../shared/openedx/README.md):
# acid-xblock's aside, staff-graded-xblock and edx-sga (they import the LMS) break XBlock's test runtimes.
PLATFORM_LEAVE_OUT ?= acid-xblock staff-graded-xblock edx-sga

# The browser tests' accessibility checker (axe-core), installed from the npm registry as locked in
# package-lock.json; nothing is fetched while the tests run. Without npm the browser tests skip, saying so.
AXE := node_modules/axe-core/axe.min.js
$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the browser accessibility tests will be SKIPPED (apt-get install npm)." >&2; fi
axe: $(AXE)

.PHONY: demo test test-platform bench venv clean axe

$(VENV)/.installed-%: setup.py $(CONSTRAINTS)
	@if [ -z "$(PYTHON312)" ]; then \
	  echo "Python 3.12 is needed (python3.12 on PATH or ~/.pyenv/versions/3.12*/bin/python3.12)." >&2; \
	  echo "Install it (e.g. 'pyenv install 3.12') and run make again." >&2; exit 1; fi
	@[ -x $(PY) ] || $(PYTHON312) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c $(CONSTRAINTS) -e '.[$*]'
	$(PY) -m pip check
	@rm -f $(VENV)/.installed-*; touch $@

demo: $(VENV)/.installed-demo
	$(VENV)/bin/magix serve --port $(PORT)

test: $(VENV)/.installed-test $(AXE)
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  echo "NOTE: no Chromium on PATH: the browser tests (pytest -m browser) will be SKIPPED (apt-get install chromium)." >&2
	$(VENV)/bin/python -m pytest

test-platform:
	@if [ ! -f $(PLATFORM_DIR)/platform-pins.txt ]; then \
	  echo "test-platform: skipped: $(PLATFORM_DIR)/platform-pins.txt (the Open edX platform's pins) is absent."; \
	  exit 0; fi; \
	$(MAKE) --no-print-directory $(PLATFORM_VENV)/.installed && \
	$(PLATFORM_PY) -m pytest -p no:cacheprovider -m 'not browser' $(PLATFORM_TESTS)

# The platform's environment as its README builds it (about 3 minutes and 0.9 GB; once).
$(PLATFORM_VENV)/.platform: $(PLATFORM_DIR)/platform-pins.txt $(PLATFORM_DIR)/build-constraints.txt
	@if [ -z "$(PYTHON312)" ]; then echo "Python 3.12 is needed." >&2; exit 1; fi
	rm -rf $(PLATFORM_VENV)
	$(PYTHON312) -m venv $(PLATFORM_VENV)
	$(PLATFORM_PY) -m pip install --quiet --upgrade 'pip>=26'
	$(PLATFORM_PY) -m pip install --quiet --build-constraint $(PLATFORM_DIR)/build-constraints.txt \
	  -r $(PLATFORM_DIR)/platform-pins.txt
	@# The platform's `fs` imports pkg_resources, which setuptools >= 81 no longer has; its images keep an older one.
	$(PLATFORM_PY) -m pip install --quiet -c $(PLATFORM_DIR)/build-constraints.txt setuptools
	touch $@

# Our package as a Tutor image adds it (after the platform, no constraints): no pin may move.
$(PLATFORM_VENV)/.installed: $(PLATFORM_VENV)/.platform setup.py $(CONSTRAINTS)
	$(PLATFORM_PY) -m pip install --quiet -e .
	$(PLATFORM_PY) .ci/platform_env.py check $(PLATFORM_DIR)/platform-pins.txt
	$(PLATFORM_PY) .ci/platform_env.py constraints $(PLATFORM_DIR)/platform-pins.txt $(CONSTRAINTS) \
	  > $(PLATFORM_VENV)/constraints.txt
	$(PLATFORM_PY) -m pip install --quiet -c $(PLATFORM_VENV)/constraints.txt $(PLATFORM_TEST_TOOLS)
	$(PLATFORM_PY) -m pip uninstall --quiet --yes $(PLATFORM_LEAVE_OUT)
	$(PLATFORM_PY) .ci/platform_env.py check $(PLATFORM_DIR)/platform-pins.txt
	$(PLATFORM_PY) -m pip check
	touch $@

bench:
	@$(MAKE) --no-print-directory VENV=$(BENCH_VENV) $(BENCH_VENV)/.installed-test,bench
	$(BENCH_VENV)/bin/python -m bench

clean:
	rm -rf $(VENV) $(BENCH_VENV) $(PLATFORM_VENV) var build *.egg-info node_modules
