# Python package `mikopbx` (bindings-python/): a virtualenv with maturin, zig (from PyPI's
# `ziglang`, which links manylinux wheels against an old glibc), auditwheel, pytest and mypy.
# `make test-python` builds one manylinux wheel in the dev profile, installs it into that
# venv for pytest, stubtest and a `mypy --strict` check of the examples, and installs the same
# wheel into a clean venv without Rust on PATH (bindings-python/wheel_check.py).

PYTHON ?= python3
PY_VENV := $(CURDIR)/.venv
PY_BIN := $(PY_VENV)/bin
PY_TOOLS := "maturin>=1.16,<1.17" "ziglang==0.17.1" "auditwheel>=6.8,<7" "pytest>=7" "mypy>=1.8"
PY_TOOLS_STAMP := $(PY_VENV)/.tools-installed
# glibc 2.17 and newer: every Linux distribution still supported.
PY_MANYLINUX := manylinux2014
# maturin finds zig through the venv's Python.
PY_ZIG_BUILD = VIRTUAL_ENV=$(PY_VENV) PATH=$(PY_BIN):$$PATH $(PY_BIN)/maturin build --zig --compatibility $(PY_MANYLINUX)
PY_DEV_WHEELS := $(CARGO_TARGET_DIR)/python-dev-wheels
# Release wheels; a target whose Rust standard library is not installed is left out, with a note.
PY_WHEEL_TARGETS ?= x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu

TEST_TARGETS += test-python

.PHONY: test-python python-develop python-dev-wheel python-wheel python-stubs

$(PY_TOOLS_STAMP): mk/python.mk
	$(PYTHON) -m venv $(PY_VENV)
	$(PY_BIN)/python -m pip install --quiet --upgrade pip
	$(PY_BIN)/python -m pip install --quiet $(PY_TOOLS)
	touch $@

## Builds the extension (debug) and installs the package into .venv, editable: the quick loop.
python-develop: $(PY_TOOLS_STAMP)
	VIRTUAL_ENV=$(PY_VENV) $(PY_BIN)/maturin develop --quiet

## Rewrites mikopbx/_enums.py and the generated regions of mikopbx/_native.pyi from core's
## model and operation lists.
python-stubs: python-develop
	$(PY_BIN)/python bindings-python/stubs.py

## The manylinux wheel of this machine's architecture in the dev profile (what the tests use).
python-dev-wheel: $(PY_TOOLS_STAMP)
	rm -rf $(PY_DEV_WHEELS)
	$(PY_ZIG_BUILD) --profile dev --quiet --out $(PY_DEV_WHEELS)

## Python: the dev wheel installed into .venv for pytest, the stub checks and a strict type
## check of the examples, then into a clean venv without Rust.
test-python: python-dev-wheel
	$(PY_BIN)/python -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps $(PY_DEV_WHEELS)/*.whl
	$(PY_BIN)/python bindings-python/stubs.py --check
	$(PY_BIN)/python -m pytest -q bindings-python/tests
	$(PY_BIN)/python -m mypy.stubtest mikopbx
	$(PY_BIN)/python -m mypy --strict bindings-python/examples bindings-python/bench bindings-python/stubs.py bindings-python/wheel_check.py
	$(PY_BIN)/python bindings-python/wheel_check.py --venv $(CARGO_TARGET_DIR)/wheel-check $(PY_DEV_WHEELS)

## A release: manylinux wheels (abi3, CPython >= 3.9) of PY_WHEEL_TARGETS and the sdist in
## dist/; every wheel checked by auditwheel, this machine's installed and run in a clean venv
## without Rust, and the sdist built into a wheel from source.
python-wheel: $(PY_TOOLS_STAMP)
	rm -rf dist
	set -e; for target in $(PY_WHEEL_TARGETS); do \
		if [ -d "$$(rustc --print sysroot)/lib/rustlib/$$target/lib" ]; then \
			$(PY_ZIG_BUILD) --release --target $$target --out dist; \
		else \
			echo "python-wheel: no wheel for $$target: its Rust standard library is not installed (rustup target add $$target)"; \
		fi; \
	done
	$(PY_BIN)/maturin sdist --out dist
	$(PY_BIN)/python bindings-python/wheel_check.py --venv $(CARGO_TARGET_DIR)/wheel-check dist
	rm -rf $(CARGO_TARGET_DIR)/sdist-check
	VIRTUAL_ENV=$(PY_VENV) PATH=$(PY_BIN):$$PATH $(PY_BIN)/python -m pip wheel --quiet --no-deps --no-build-isolation \
		--wheel-dir $(CARGO_TARGET_DIR)/sdist-check dist/*.tar.gz
	@echo "python-wheel: the sdist builds: $$(ls $(CARGO_TARGET_DIR)/sdist-check)"
	@ls -l dist
