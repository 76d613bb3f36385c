#!/usr/bin/env bash
# Runs the C test programs under valgrind against simulators started here.
#
#   tests/c/run.sh SIM_BINARY PROGRAM...
#
# Starts, on port 0 each: a legacy and a v3 simulator, one per (API, login limit) the shared
# scenarios need, and an HTTPS one; passes their URLs in MIKOPBX_TEST_* variables; stops them
# at exit.
# Set VALGRIND= (empty) to run without valgrind.
set -euo pipefail

sim=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

# start_sim NAME ARGS...: starts a simulator and waits for its first line (the URL).
start_sim() {
    local name=$1
    shift
    "$sim" "$@" >"$work/$name.out" 2>"$work/$name.err" &
    pids+=($!)
    for _ in $(seq 1 200); do
        if [ -s "$work/$name.out" ] && [ "$(wc -l <"$work/$name.out")" -ge 1 ]; then
            return 0
        fi
        sleep 0.05
    done
    echo "run.sh: simulator $name did not start:" >&2
    cat "$work/$name.err" >&2
    exit 1
}
first_line() { head -n 1 "$work/$1.out"; }

start_sim legacy --api legacy
export MIKOPBX_TEST_LEGACY_URL=$(first_line legacy)
start_sim v3 --api v3
export MIKOPBX_TEST_V3_URL=$(first_line v3)
for sim_spec in $(python3 "$here/gen_scenarios.py" "$here/../scenarios/expanded.json" --sims); do
    api=${sim_spec%%:*} limit=${sim_spec#*:}
    start_sim "$api-limit$limit" --api "$api" --login-limit "$limit"
    export "MIKOPBX_TEST_${api^^}_URL_LOGIN_LIMIT_$limit=$(first_line "$api-limit$limit")"
done
start_sim https --https --cert-out "$work/cert.pem"
for _ in $(seq 1 100); do
    [ "$(wc -l <"$work/https.out")" -ge 2 ] && [ -s "$work/cert.pem" ] && break
    sleep 0.05
done
export MIKOPBX_TEST_HTTPS_URL=$(first_line https)
export MIKOPBX_TEST_HTTPS_SHA256=$(sed -n 's/^sha256 //p' "$work/https.out")
export MIKOPBX_TEST_HTTPS_CERT=$work/cert.pem
# For examples/c/peers, which reads the environment like the CLI.
export MIKOPBX_URL=$MIKOPBX_TEST_LEGACY_URL MIKOPBX_LOGIN=admin MIKOPBX_PASSWORD=adminpassword

# The documented way (README, "C"): plain --leak-check=full --error-exitcode=1 with the
# installed suppression file for the library's process-lifetime caches; the programs call
# mikopbx_shutdown() before they exit, so no thread of the library is left either.
supp=${MIKOPBX_VALGRIND_SUPP:-$here/../../bindings-c/valgrind.supp}
VALGRIND=${VALGRIND-valgrind --quiet --leak-check=full --error-exitcode=1 --num-callers=50 --suppressions=$supp}

failed=0
for program in "$@"; do
    echo "== $(basename "$program")${VALGRIND:+ (under valgrind)}"
    started=$SECONDS
    if ! $VALGRIND "$program"; then
        echo "FAILED: $(basename "$program")" >&2
        failed=$((failed + 1))
    fi
    echo "   ($((SECONDS - started)) s)"
done
total=$#
echo "c: $((total - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
