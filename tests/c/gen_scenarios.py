#!/usr/bin/env python3
"""Turns tests/scenarios/expanded.json (the shared scenarios of each API generation) into the
C table of tests/c/scenarios.h: one entry per API generation and scenario, its call by name.

    gen_scenarios.py EXPANDED_JSON OUT_C     write the table
    gen_scenarios.py EXPANDED_JSON --sims    print the extra simulators the table needs,
                                             as API:LOGIN_LIMIT words

Unknown keys fail the generation, so a scenario feature the C suite does not know yet
breaks the build instead of being skipped.
"""
import json
import sys

ERRORS = {
    "invalid_input": "MIKOPBX_ERR_INVALID_ARGUMENT",
    "authentication": "MIKOPBX_ERR_AUTH",
    "api": "MIKOPBX_ERR_API",
    "http": "MIKOPBX_ERR_HTTP",
    "transport": "MIKOPBX_ERR_TRANSPORT",
    "timeout": "MIKOPBX_ERR_TIMEOUT",
    "tls": "MIKOPBX_ERR_TLS",
    "decode": "MIKOPBX_ERR_DECODE",
    "unsupported": "MIKOPBX_ERR_UNSUPPORTED",
    "rate_limited": "MIKOPBX_ERR_RATE_LIMITED",
}


GENERATIONS = ("legacy", "v3")


def fail(message):
    sys.exit(f"gen_scenarios.py: {message}")


def only(name, obj, allowed):
    unknown = set(obj) - set(allowed)
    if unknown:
        fail(f"scenario {name}: unknown keys {sorted(unknown)}")


def c_string(value):
    """A C string literal, or NULL."""
    if value is None:
        return "NULL"
    out = []
    for byte in value.encode("utf-8"):
        char = chr(byte)
        if char in '"\\?':
            out.append("\\" + char)
        elif 0x20 <= byte < 0x7F:
            out.append(char)
        else:
            out.append(f"\\{byte:03o}")
    return '"' + "".join(out) + '"'


def compact(value):
    return None if value is None else json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def scenario_entry(index, api, s):
    name = s.get("name") or fail(f"scenario #{index} has no name")
    only(name, s, ["name", "sim", "client", "call", "expect"])
    sim, client, call, expect = s.get("sim", {}), s.get("client", {}), s["call"], s["expect"]
    only(name, sim, ["state", "peers", "faults", "login_limit"])
    only(name, client, ["password", "credentials", "api_key", "timeout_ms", "retries"])
    only(name, expect, ["ok", "result", "absent", "error", "status", "message_contains"])
    if client.get("credentials", "login") not in ("login", "none", "api_key"):
        fail(f"scenario {name}: unknown credentials {client['credentials']!r}")
    if not isinstance(call.get("op"), str):
        fail(f"scenario {name}: call.op is not an operation name")
    if "error" in expect and expect["error"] not in ERRORS:
        fail(f"scenario {name}: unknown error kind {expect['error']!r}")
    if not ("ok" in expect or "result" in expect or "error" in expect):
        fail(f"scenario {name}: expects nothing")

    setup = []
    if "state" in sim:
        setup.append(("PATCH", "/__sim/state", compact(sim["state"])))
    for peer in sim.get("peers", []):
        body = {"state": peer.get("state"), "contacts": peer.get("contacts", [])}
        setup.append(("PUT", f"/__sim/peers/{peer['id']}", compact(body)))
    for fault in sim.get("faults", []):
        setup.append(("POST", "/__sim/faults", compact(fault)))
    setup_name = "NULL"
    decl = ""
    if setup:
        setup_name = f"setup_{api}_{index}"
        rows = ",\n".join(f"    {{{c_string(m)}, {c_string(p)}, {c_string(b)}}}" for m, p, b in setup)
        decl = f"static const sim_request {setup_name}[] = {{\n{rows},\n}};\n"

    retries = client.get("retries", None)
    retries_c = "0" if retries is None else ("MIKOPBX_RETRIES_NONE" if retries == 0 else str(int(retries)))
    fields = [
        f".name = {c_string(name)}",
        f".api = {c_string(api)}",
        f".login_limit = {int(sim.get('login_limit', -1))}",
        f".setup = {setup_name}",
        f".setup_len = {len(setup)}",
        f".password = {c_string(client.get('password'))}",
        f".no_credentials = {1 if client.get('credentials') == 'none' else 0}",
        f".sim_api_key = {1 if client.get('credentials') == 'api_key' else 0}",
        f".api_key = {c_string(client.get('api_key'))}",
        f".timeout_ms = {int(client.get('timeout_ms', 0))}u",
        f".retries = {retries_c}",
        f".op = {c_string(call['op'])}",
        f".args = {c_string(compact({k: v for k, v in call.items() if k != 'op'}))}",
        f".error = {ERRORS[expect['error']] if 'error' in expect else 'MIKOPBX_OK'}",
        f".result = {c_string(compact(expect.get('result')))}",
        f".absent = {c_string(compact(expect.get('absent')))}",
        f".http_status = {int(expect.get('status', 0))}",
        f".message_contains = {c_string(expect.get('message_contains'))}",
    ]
    return decl, "    {\n        " + ",\n        ".join(fields) + ",\n    }"


def main(argv):
    if len(argv) != 3:
        fail("usage: gen_scenarios.py EXPANDED_JSON (OUT_C | --sims)")
    with open(argv[1], encoding="utf-8") as f:
        expanded = json.load(f)
    runs = [(api, index, s) for api in GENERATIONS for index, s in enumerate(expanded[api])]
    if argv[2] == "--sims":
        sims = sorted({f"{api}:{int(s['sim']['login_limit'])}" for api, _, s in runs if "login_limit" in s.get("sim", {})})
        print(" ".join(sims))
        return
    decls, entries = [], []
    for api, index, s in runs:
        decl, entry = scenario_entry(index, api, s)
        decls.append(decl)
        entries.append(entry)
    text = (
        f"/* Generated by tests/c/gen_scenarios.py from {argv[1]}: do not edit. */\n"
        '#include "scenarios.h"\n\n'
        + "".join(decls)
        + "\nconst scenario SCENARIOS[] = {\n"
        + ",\n".join(entries)
        + ",\n};\n\nconst size_t SCENARIO_COUNT = sizeof SCENARIOS / sizeof SCENARIOS[0];\n"
    )
    with open(argv[2], "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main(sys.argv)
