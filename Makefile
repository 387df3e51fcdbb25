# Two commands do all the set-up on a fresh machine:
#   make run   builds .venv if needed, then runs the pipeline on raw/ into outputs/
#   make test  builds .venv if needed, then runs the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m pipeline run --corpus raw --out outputs; status=$$?; [ $$status -le 1 ] || exit $$status
	$(BIN)/python -m pipeline evaluate --corpus raw --out outputs
	$(BIN)/python -m pipeline report --corpus raw --out outputs

test: $(STAMP)
	$(BIN)/python -m pytest

# Measured ratios, printed (the pipeline benchmark takes about 30 minutes; add
# BENCH_ARGS=--quick for a few minutes on smaller corpora).
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_dates.py
	$(BIN)/python benchmarks/bench_pipeline.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) outputs
