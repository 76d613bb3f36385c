"""The shared scenarios of tests/scenarios/scenarios.json, through the sync and the async
client, once per API generation. The rules are in tests/scenarios/README.md."""

import asyncio
import json
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest

import mikopbx
from mikopbx.testing import Simulator

SCENARIOS_FILE = Path(__file__).resolve().parents[2] / "tests" / "scenarios" / "scenarios.json"
SCENARIOS: List[Dict[str, Any]] = json.loads(SCENARIOS_FILE.read_text(encoding="utf-8"))["scenarios"]
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
}


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386: objects merge key by key, null deletes a key, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    merged = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge_patch(merged.get(key), value)
    return merged


def cases() -> List[Tuple[str, Dict[str, Any]]]:
    """Each scenario for each generation it applies to, with its v3 patch applied."""
    selected = []
    for generation in GENERATIONS:
        for scenario in SCENARIOS:
            if scenario.get("only", generation) != generation:
                continue
            if generation == "v3" and "v3" in scenario:
                scenario = merge_patch(scenario, scenario["v3"])
            selected.append((generation, scenario))
    return selected


CASES = cases()
IDS = [f"{generation}-{scenario['name']}" for generation, scenario in CASES]


def start_simulator(generation: str, scenario: Dict[str, Any]) -> Simulator:
    setup = scenario.get("sim", {})
    options = {"login_limit": setup["login_limit"]} if "login_limit" in setup else {}
    sim = Simulator(api=generation, **options)
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


def json_form(value: Any) -> Any:
    """What `mikopbx --format json` prints: models as their dicts."""
    if isinstance(value, list):
        return [json_form(item) for item in value]
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return value


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
    result = json_form(value)
    if "result" in expect:
        assert contains(result, expect["result"]), f"{result!r} does not contain {expect['result']!r}"
    for key in expect.get("absent", []):
        assert key not in result


def call_sync(client: mikopbx.Client, call: Dict[str, Any]) -> Any:
    op = call["op"]
    if op == "peer":
        return client.peer(call["id"])
    if op == "request":
        return client.request(call["method"], call["path"], json=call.get("body"))
    return getattr(client, op)()


async def call_async(client: mikopbx.AsyncClient, call: Dict[str, Any]) -> Any:
    op = call["op"]
    if op == "peer":
        return await client.peer(call["id"])
    if op == "request":
        return await client.request(call["method"], call["path"], json=call.get("body"))
    return await getattr(client, op)()


def test_every_scenario_runs_on_some_generation() -> None:
    assert len(SCENARIOS) >= 20
    assert {scenario["name"] for _, scenario in CASES} == {scenario["name"] for scenario in SCENARIOS}
    assert {generation for generation, _ in CASES} == set(GENERATIONS)


@pytest.mark.parametrize("generation,scenario", CASES, ids=IDS)
def test_sync(generation: str, scenario: Dict[str, Any]) -> None:
    with start_simulator(generation, scenario) as sim:
        url, options = client_options(scenario, sim)
        client = mikopbx.Client(url, **options)
        value: Any = None
        error: Optional[mikopbx.MikoPBXError] = None
        try:
            value = call_sync(client, scenario["call"])
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
                return await call_async(client, scenario["call"]), None
            except mikopbx.MikoPBXError as e:
                return None, e

        value, error = asyncio.run(run())
        check(scenario, value, error)
