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

.PHONY: demo test bench venv clean

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

test: $(VENV)/.installed-test
	$(VENV)/bin/python -m pytest

bench:
	@$(MAKE) --no-print-directory VENV=$(BENCH_VENV) $(BENCH_VENV)/.installed-test,bench
	$(BENCH_VENV)/bin/python -m bench

clean:
	rm -rf $(VENV) $(BENCH_VENV) var build *.egg-info
