# Every target sets itself up: a fresh machine needs only python3 (>= 3.10) and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
REPORT_MBOX := fixtures/kvm-sample.mbox

.PHONY: report test lint bench clean system-deps

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/kvmlist report $(REPORT_MBOX)

# Debian's public-inbox (the server lore.kernel.org runs) for the archive and HTTP tests
system-deps:
	@command -v public-inbox-init >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq public-inbox >/dev/null; \
	  else \
	    echo "make test: public-inbox is missing and needs root and apt-get to install; its tests will skip" >&2; \
	  fi; }

# pytest exits 5 when it collected no test: that is a failure too
test: $(STAMP) system-deps
	$(BIN)/python -m pytest -q $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: no test ran" >&2; exit 1; fi; exit $$status

lint: $(STAMP)
	$(BIN)/ruff check kvmlist tests bench docs/gen_api.py
	$(BIN)/ruff format --check kvmlist tests bench docs/gen_api.py
	$(BIN)/mypy

# figures against the stdlib and b4 -> docs/performance.md; every regex at 1 MB;
# 1 vs 2 Dask workers -> docs/scale.md
bench: $(STAMP)
	$(BIN)/python bench/bench.py $(BENCH_ARGS)
	$(BIN)/python bench/regex_linear.py
	$(BIN)/python bench/bench_dask.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
