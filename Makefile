# The README's two set-up commands: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo demo-two-nodes test lint typecheck serve clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml $(STAMP)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

demo: $(STAMP)
	$(BIN)/guetteur demo

# A marketplace node (:8000) and a customs node (:8001), two processes and stores, one agreement.
demo-two-nodes: $(STAMP)
	$(BIN)/guetteur demo --two-nodes

serve: $(STAMP)
	$(BIN)/guetteur serve

lint: $(TEST_STAMP)
	$(BIN)/ruff check guetteur tests benchmarks
	$(BIN)/ruff format --check guetteur tests benchmarks

typecheck: $(TEST_STAMP)
	$(BIN)/mypy

test: $(TEST_STAMP)
	bash scripts/test-prerequisites.sh
	$(BIN)/ruff check guetteur tests benchmarks
	$(BIN)/ruff format --check guetteur tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest -n 2 --dist loadgroup

clean:
	rm -rf $(VENV) guetteur-data .pytest_cache .mypy_cache .ruff_cache
