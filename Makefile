# Two commands do all the set-up on a fresh machine:
#   make run   builds .venv if needed, then runs the pipeline on raw/ into outputs/
#   make test  builds .venv if needed, then runs the test suite (make test-fast: the quick part)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test test-fast browser train bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m pipeline run --corpus raw --out outputs; status=$$?; [ $$status -le 1 ] || exit $$status
	$(BIN)/python -m pipeline evaluate --corpus raw --out outputs
	$(BIN)/python -m pipeline report --corpus raw --out outputs

# The complete suite (what CI runs), browser test included.
test: $(STAMP) browser
	$(BIN)/python -m pytest

# Everything not marked slow (no subprocess CLIs, pools, Dask, browser or whole-corpus
# runs): well under a minute.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

# The report's browser test needs Chromium: Debian's package is installed when it is
# missing and we may install packages (root); otherwise that one test is skipped.
browser:
	@if [ ! -x /usr/bin/chromium ] && [ -z "$$PARLEY_CHROMIUM" ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	fi

# Rebuild the committed statement stance model from all labelled data (deterministic:
# same data, same models/stance/model.json), with its 5-fold article-grouped
# cross-validation in models/stance/metrics.json.
train: $(STAMP)
	$(BIN)/python -m pipeline train --corpus raw --corpus ../shared/corpus-train --out models/stance --cv 5

# Measured ratios, printed (the pipeline benchmark takes about 30 minutes; add
# BENCH_ARGS=--quick for a few minutes on smaller corpora).
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_dates.py
	$(BIN)/python benchmarks/bench_pipeline.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) outputs
