# Python package `mikopbx` (bindings-python/): a virtualenv with maturin, pytest and mypy,
# the extension built in debug into the shared target dir, then pytest, stubtest and a
# `mypy --strict` check of the examples.

PYTHON ?= python3
PY_VENV := $(CURDIR)/.venv
PY_BIN := $(PY_VENV)/bin
PY_TOOLS := "maturin>=1.16,<1.17" "pytest>=7" "mypy>=1.8"
PY_TOOLS_STAMP := $(PY_VENV)/.tools-installed

TEST_TARGETS += test-python

.PHONY: test-python python-develop python-wheel python-stubs

$(PY_TOOLS_STAMP):
	$(PYTHON) -m venv $(PY_VENV)
	$(PY_BIN)/python -m pip install --quiet --upgrade pip
	$(PY_BIN)/python -m pip install --quiet $(PY_TOOLS)
	touch $@

## Builds the extension (debug) and installs the package into .venv.
python-develop: $(PY_TOOLS_STAMP)
	VIRTUAL_ENV=$(PY_VENV) $(PY_BIN)/maturin develop --quiet

## Rewrites mikopbx/_enums.py and the generated regions of mikopbx/_native.pyi from core's
## model and operation lists.
python-stubs: python-develop
	$(PY_BIN)/python bindings-python/stubs.py

## Python: the pytest suite, stub checks and a strict type check of the examples.
test-python: python-develop
	$(PY_BIN)/python bindings-python/stubs.py --check
	$(PY_BIN)/python -m pytest -q bindings-python/tests
	$(PY_BIN)/python -m mypy.stubtest mikopbx
	$(PY_BIN)/python -m mypy --strict bindings-python/examples bindings-python/bench

## A release wheel (abi3, CPython >= 3.9) in dist/, installed and imported in a fresh venv.
python-wheel: $(PY_TOOLS_STAMP)
	$(PY_BIN)/maturin build --release --out dist
	rm -rf $(CARGO_TARGET_DIR)/wheel-check
	$(PYTHON) -m venv $(CARGO_TARGET_DIR)/wheel-check
	$(CARGO_TARGET_DIR)/wheel-check/bin/python -m pip install --quiet --no-index --find-links dist mikopbx
	cd / && $(CARGO_TARGET_DIR)/wheel-check/bin/python -c "import mikopbx, mikopbx.testing; print('mikopbx', mikopbx.__version__, 'wheel ok')"
	$(CARGO_TARGET_DIR)/wheel-check/bin/mikopbx --version
