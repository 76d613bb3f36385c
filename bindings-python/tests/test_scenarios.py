"""The shared scenarios (tests/scenarios/expanded.json, one list per API generation), run by
name through ``call`` of the sync and the async client. The rules are in
tests/scenarios/README.md; that each model's Python object carries every field is checked in
test_operations.py."""

import asyncio
import json
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest

import mikopbx
from mikopbx.testing import Simulator

SCENARIOS_FILE = Path(__file__).resolve().parents[2] / "tests" / "scenarios" / "expanded.json"
EXPANDED: Dict[str, Any] = json.loads(SCENARIOS_FILE.read_text(encoding="utf-8"))
GENERATIONS = ("legacy", "v3")

ERROR_CLASSES = {
    "authentication": mikopbx.AuthenticationError,
    "api": mikopbx.ApiError,
    "http": mikopbx.HttpError,
    "transport": mikopbx.TransportError,
    "timeout": mikopbx.TimeoutError,
    "tls": mikopbx.TlsError,
    "decode": mikopbx.DecodeError,
    "invalid_input": mikopbx.InvalidInputError,
    "unsupported": mikopbx.UnsupportedError,
    "rate_limited": mikopbx.RateLimitedError,
}


def cases() -> List[Tuple[str, Dict[str, Any]]]:
    return [(generation, scenario) for generation in GENERATIONS for scenario in EXPANDED[generation]]


CASES = cases()
IDS = [f"{generation}-{scenario['name']}" for generation, scenario in CASES]


def start_simulator(generation: str, scenario: Dict[str, Any]) -> Simulator:
    setup = scenario.get("sim", {})
    options = {"login_limit": setup["login_limit"]} if "login_limit" in setup else {}
    sim = Simulator(api=generation, **options)
    if "state" in setup:
        sim.patch_state(setup["state"])
    for peer in setup.get("peers", []):
        sim.set_peer(peer["id"], peer["state"], peer.get("contacts", []))
    for fault in setup.get("faults", []):
        sim.add_fault(fault)
    return sim


def client_options(scenario: Dict[str, Any], sim: Simulator) -> Tuple[str, Dict[str, Any]]:
    spec = scenario.get("client", {})
    options: Dict[str, Any] = {"api_version": "auto"}
    if spec.get("credentials") == "api_key":
        options["api_key"] = sim.api_key
    elif "api_key" in spec:
        options["api_key"] = spec["api_key"]
    elif spec.get("credentials") != "none":
        options["login"] = sim.login
        options["password"] = spec.get("password", sim.password)
    if "timeout_ms" in spec:
        options["timeout"] = spec["timeout_ms"] / 1000
    if "retries" in spec:
        options["retries"] = spec["retries"]
    return sim.url, options


def contains(actual: Any, expected: Any) -> bool:
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            key in actual and contains(actual[key], item) for key, item in expected.items()
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(expected)
            and all(contains(a, e) for a, e in zip(actual, expected))
        )
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        return isinstance(actual, (int, float)) and not isinstance(actual, bool) and actual == expected
    return bool(actual == expected)


def check(scenario: Dict[str, Any], value: Any, error: Optional[BaseException]) -> None:
    expect = scenario["expect"]
    if "error" in expect:
        assert error is not None, f"expected a {expect['error']} error, got {value!r}"
        assert isinstance(error, ERROR_CLASSES[expect["error"]]), repr(error)
        assert isinstance(error, mikopbx.MikoPBXError)
        assert error.kind == expect["error"]
        if "status" in expect:
            assert error.status == expect["status"]
        if "message_contains" in expect:
            needle = expect["message_contains"]
            assert needle in str(error) or any(needle in m for m in error.messages), (str(error), error.messages)
        return
    if error is not None:
        raise error
    result = value
    if "result" in expect:
        assert contains(result, expect["result"]), f"{result!r} does not contain {expect['result']!r}"
    for key in expect.get("absent", []):
        assert key not in result


def call_arguments(call: Dict[str, Any]) -> Tuple[str, Dict[str, Any]]:
    """`call.op` and the rest of `call` as its arguments."""
    arguments = dict(call)
    return arguments.pop("op"), arguments


def test_both_generations_have_scenarios() -> None:
    assert all(len(EXPANDED[generation]) >= 20 for generation in GENERATIONS)


@pytest.mark.parametrize("generation,scenario", CASES, ids=IDS)
def test_sync(generation: str, scenario: Dict[str, Any]) -> None:
    with start_simulator(generation, scenario) as sim:
        url, options = client_options(scenario, sim)
        client = mikopbx.Client(url, **options)
        value: Any = None
        error: Optional[mikopbx.MikoPBXError] = None
        try:
            value = client.call(*call_arguments(scenario["call"]))
        except mikopbx.MikoPBXError as e:
            error = e
        check(scenario, value, error)


@pytest.mark.parametrize("generation,scenario", CASES, ids=IDS)
def test_async(generation: str, scenario: Dict[str, Any]) -> None:
    with start_simulator(generation, scenario) as sim:
        url, options = client_options(scenario, sim)

        async def run() -> Tuple[Any, Optional[mikopbx.MikoPBXError]]:
            client = mikopbx.AsyncClient(url, **options)
            try:
                return await client.call(*call_arguments(scenario["call"])), None
            except mikopbx.MikoPBXError as e:
                return None, e

        value, error = asyncio.run(run())
        check(scenario, value, error)
