# Every target sets itself up: a fresh machine needs only python3 (>= 3.11) and make.
# Each target installs only what it needs (one stamp per extra): `make report` is the runtime
# alone, `make test` adds the test extras, `make lint` the linters, `make notebook` Jupyter.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
REPORT_MBOX := fixtures/kvm-sample.mbox
# make test: corpus tests that can run on a sample get this many consecutive mails per archive
CORPUS_SAMPLE ?= 2000
# pytest exits 5 when it collected no test: that is a failure too
PYTEST = status=0; $(BIN)/python -m pytest -q $(1) $(PYTEST_ARGS) || status=$$?; \
	if [ $$status -eq 5 ]; then echo "make: pytest ran no test" >&2; exit 1; fi; exit $$status

.PHONY: report test test-corpus lint notebook bench clean system-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# $(VENV)/.installed-EXTRA: pip install -e '.[EXTRA]' (.installed-run: no extra)
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-%: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[$*]'
	touch $@

report: $(VENV)/.installed-run
	$(BIN)/kvmlist report $(REPORT_MBOX)

# Debian's public-inbox (the server lore.kernel.org runs) for the archive and HTTP tests, and
# Debian's chromium for the dashboard's headless-browser tests (tests/test_site.py).
# .ci/apt-install needs root and apt-get and waits (bounded) for a busy apt; where the package
# cannot be had the make goes on and those tests skip, saying why.
system-deps:
	@command -v public-inbox-init >/dev/null 2>&1 || .ci/apt-install public-inbox || \
	  echo "make: without public-inbox its tests will skip" >&2
	@command -v chromium >/dev/null 2>&1 || .ci/apt-install chromium || \
	  echo "make: without chromium the dashboard's browser tests will skip" >&2

# the fast suite, and corpus tests on a fixed-seed window of $(CORPUS_SAMPLE) mails per archive
test: $(VENV)/.installed-test system-deps
	@$(call PYTEST,--corpus-sample $(CORPUS_SAMPLE))

# every corpus test on whole archives (../shared/corpus); CI runs it after make test
test-corpus: $(VENV)/.installed-test system-deps
	@$(call PYTEST,-m corpus --corpus-sample 0)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check kvmlist tests bench docs/gen_api.py
	$(BIN)/ruff format --check kvmlist tests bench docs/gen_api.py
	$(BIN)/mypy

# docs/tutorial.ipynb in Jupyter
notebook: $(VENV)/.installed-notebook
	$(BIN)/jupyter lab docs/tutorial.ipynb

# figures against the stdlib and b4 -> docs/performance.md; every regex at 1 MB;
# 1 vs 2 Dask workers -> docs/scale.md
bench: $(VENV)/.installed-test
	$(BIN)/python bench/bench.py $(BENCH_ARGS)
	$(BIN)/python bench/regex_linear.py
	$(BIN)/python bench/bench_dask.py
	$(BIN)/python bench/bench_inbox.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
