# Entry points: `make demo` and `make test` work on a fresh machine (Rust, Python, Java/Maven
# and gcc present); each language's targets live in mk/<language>.mk and install what they
# need themselves.

CARGO ?= cargo
export CARGO_TARGET_DIR ?= $(CURDIR)/target
export CARGO_TERM_COLOR ?= never

# Each mk/*.mk appends its test target here.
TEST_TARGETS := test-rust

.PHONY: all demo test test-rust build lint scenarios prometheus-tools bench bench-tools
all: build

build:
	$(CARGO) build

## The project's main job on the embedded simulator: peers, peer 201 and providers.
demo:
	$(CARGO) run --quiet -p mikopbx-cli -- demo

## Prometheus and promtool, which scrape and check `mikopbx exporter` and `mikopbx health
## --format prometheus` in the tests (Debian's `prometheus` package; installed when missing,
## as root or through sudo; it starts no server).
prometheus-tools:
	@{ command -v promtool && command -v prometheus; } >/dev/null || { \
		sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$sudo apt-get install -y -qq --no-install-recommends prometheus >/dev/null 2>&1 || \
		{ $$sudo apt-get update -qq && $$sudo apt-get install -y -qq --no-install-recommends prometheus >/dev/null; }; }

## Rust: unit and integration tests of core, simulator and CLI (debug build), and core's
## Criterion benchmarks run once each as a smoke test (they check their own results).
test-rust: prometheus-tools
	$(CARGO) test --quiet
	$(CARGO) test --quiet -p mikopbx --benches

lint:
	$(CARGO) clippy --workspace --all-targets -- -D warnings

## nginx, wrk, libcurl and cJSON for `make bench` (Debian's packages, installed when missing).
bench-tools:
	@{ command -v nginx || [ -x /usr/sbin/nginx ]; } >/dev/null && command -v wrk >/dev/null && \
		[ -f /usr/include/cjson/cJSON.h ] && [ -f /usr/include/x86_64-linux-gnu/curl/curl.h -o -f /usr/include/curl/curl.h ] || { \
		sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$sudo apt-get update -qq && $$sudo apt-get install -y -qq --no-install-recommends \
			nginx wrk libcurl4-openssl-dev libcjson-dev >/dev/null; }

## Every surface against the client its users would otherwise pick, in interleaved rounds
## (docs/performance.md); BENCH_ROUNDS=N, BENCH_ONLY=rust,python,c,jvm,floor. Never part of
## `make test`. `make bench-core`: Criterion benchmarks of core's hot path.
bench: bench-tools
	python3 bench/run.py $(if $(BENCH_ONLY),--only $(BENCH_ONLY))

bench-core:
	$(CARGO) bench -p mikopbx

-include mk/*.mk

## Every test of every language.
test: $(TEST_TARGETS)
	@echo "make test: all suites passed ($(TEST_TARGETS))"

## Rewrites tests/scenarios/expanded.json from tests/scenarios/scenarios.json.
scenarios:
	MIKOPBX_WRITE_SCENARIOS=1 $(CARGO) test -p mikopbx --test scenarios the_expanded_scenarios_are_fresh
