"""Every exception class, each raised by a real fault of the simulator (sync and async), and
no secret in any repr() or exception text."""

import asyncio
import builtins
import socket
from typing import Any, Callable, Dict, Iterator, Tuple, Type

import pytest

import mikopbx
from mikopbx.testing import Simulator

from conftest import client_for

SECRET_PASSWORD = "s3cret-Passw0rd-do-not-print"
SECRET_KEY = "k3y-0f-the-api-do-not-print"


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def https_sim() -> Iterator[Simulator]:
    with Simulator(https=True) as simulator:
        yield simulator


def auth(sim: Simulator) -> Dict[str, Any]:
    return {"login": sim.login, "password": sim.password}


# Each case: (expected class, setup on the simulator returning client arguments, call).
Case = Tuple[Type[mikopbx.MikoPBXError], Callable[[Simulator, Simulator], Tuple[str, Dict[str, Any]]], str]

CASES: Dict[str, Case] = {
    "authentication": (
        mikopbx.AuthenticationError,
        lambda sim, _: (sim.url, {"login": sim.login, "password": SECRET_PASSWORD}),
        "peer_statuses",
    ),
    "api": (mikopbx.ApiError, lambda sim, _: (sim.url, auth(sim)), "request:sip/noSuchAction"),
    "http": (
        mikopbx.HttpError,
        lambda sim, _: (
            sim.add_fault(kind="status", status=500, path="/pbxcore/api/sip/getRegistry"),
            (sim.url, auth(sim)),
        )[1],
        "provider_registrations",
    ),
    "transport": (mikopbx.TransportError, lambda sim, _: (closed_port_url(), {"retries": 0}), "ping"),
    "timeout": (
        mikopbx.TimeoutError,
        lambda sim, _: (
            sim.add_fault(kind="delay", delay_ms=2000, path="/pbxcore/api/sip/getPeersStatuses", count=1),
            (sim.url, {**auth(sim), "timeout": 0.3}),
        )[1],
        "peer_statuses",
    ),
    "tls": (mikopbx.TlsError, lambda _, https: (https.url, auth(https)), "peer_statuses"),
    "decode": (
        mikopbx.DecodeError,
        lambda sim, _: (sim.add_fault(kind="truncated", path="/pbxcore/api/sip/getPeersStatuses"), (sim.url, auth(sim)))[1],
        "peer_statuses",
    ),
    "unsupported": (mikopbx.UnsupportedError, lambda sim, _: (sim.url, {"api_key": SECRET_KEY}), "peer_statuses"),
}


def sync_call(client: mikopbx.Client, call: str) -> Any:
    if call.startswith("request:"):
        return client.request("GET", call.split(":", 1)[1])
    return getattr(client, call)()


async def async_call(client: mikopbx.AsyncClient, call: str) -> Any:
    if call.startswith("request:"):
        return await client.request("GET", call.split(":", 1)[1])
    return await getattr(client, call)()


def assert_no_secret(error: BaseException) -> None:
    for text in (str(error), repr(error), *getattr(error, "messages", [])):
        assert SECRET_PASSWORD not in text and SECRET_KEY not in text


@pytest.mark.parametrize("kind", sorted(CASES))
def test_sync_fault_raises_its_class(kind: str, sim: Simulator, https_sim: Simulator) -> None:
    expected, setup, call = CASES[kind]
    url, options = setup(sim, https_sim)
    client = mikopbx.Client(url, **options)
    with pytest.raises(expected) as caught:
        sync_call(client, call)
    assert caught.value.kind == kind
    assert isinstance(caught.value, mikopbx.MikoPBXError)
    assert_no_secret(caught.value)


@pytest.mark.parametrize("kind", sorted(CASES))
def test_async_fault_raises_its_class(kind: str, sim: Simulator, https_sim: Simulator) -> None:
    expected, setup, call = CASES[kind]
    url, options = setup(sim, https_sim)

    async def run() -> None:
        await async_call(mikopbx.AsyncClient(url, **options), call)

    with pytest.raises(expected) as caught:
        asyncio.run(run())
    assert caught.value.kind == kind
    assert_no_secret(caught.value)


def test_error_attributes(sim: Simulator) -> None:
    client = client_for(sim)
    with pytest.raises(mikopbx.ApiError) as api:
        client.request("GET", "/pbxcore/api/sip/noSuchAction")
    assert api.value.status == 200
    assert any("Unknown action - noSuchAction" in m for m in api.value.messages)
    sim.add_fault(kind="status", status=500, count=1)
    with pytest.raises(mikopbx.HttpError) as http:
        client.provider_registrations()
    assert http.value.status == 500
    assert http.value.messages == []
    with pytest.raises(mikopbx.AuthenticationError) as denied:
        mikopbx.Client(sim.url, login="admin", password=SECRET_PASSWORD).login()
    assert denied.value.status == 200  # the legacy login form answers 200 with success:false
    assert any("Authorization failed" in m for m in denied.value.messages)


def test_hierarchy() -> None:
    for name in (
        "AuthenticationError",
        "ApiError",
        "HttpError",
        "TransportError",
        "TimeoutError",
        "TlsError",
        "DecodeError",
        "UnsupportedError",
        "InvalidInputError",
        "RateLimitedError",
    ):
        assert issubclass(getattr(mikopbx, name), mikopbx.MikoPBXError)
    assert issubclass(mikopbx.TimeoutError, builtins.TimeoutError)
    assert issubclass(mikopbx.InvalidInputError, ValueError)
    assert issubclass(mikopbx.MikoPBXError, Exception)


def test_timeout_is_caught_as_the_builtin_timeout(sim: Simulator) -> None:
    sim.add_fault(kind="delay", delay_ms=2000, count=1, path="/pbxcore/api/sip/getPeersStatuses")
    client = client_for(sim, timeout=0.3)
    client.login()
    with pytest.raises(builtins.TimeoutError):
        client.peer_statuses()


def test_invalid_input_is_a_value_error(sim: Simulator) -> None:
    client = client_for(sim)
    with pytest.raises(ValueError):
        client.peer("")
    with pytest.raises(mikopbx.InvalidInputError) as caught:
        client.request("GET", "http://elsewhere.example/x")
    assert caught.value.kind == "invalid_input"


def test_no_secret_in_any_repr(sim: Simulator) -> None:
    clients = [
        mikopbx.Client(sim.url, login="admin", password=SECRET_PASSWORD),
        mikopbx.AsyncClient(sim.url, login="admin", password=SECRET_PASSWORD),
        mikopbx.Client(sim.url, api_key=SECRET_KEY),
        mikopbx.AsyncClient(sim.url, api_key=SECRET_KEY),
    ]
    for client in clients:
        text = repr(client) + str(client)
        assert SECRET_PASSWORD not in text and SECRET_KEY not in text
    assert repr(clients[0]) == f"Client(url='{sim.url}/', login='admin', api_version='auto')"
    assert "api_key=<hidden>" in repr(clients[2])
    assert sim.password not in repr(sim)


def test_no_secret_in_errors_about_credentials(sim: Simulator) -> None:
    attempts: Dict[str, Callable[[], Any]] = {
        "url with credentials": lambda: mikopbx.Client(f"http://admin:{SECRET_PASSWORD}@127.0.0.1:1"),
        "login without password": lambda: mikopbx.Client(sim.url, login=SECRET_PASSWORD),
        "password without login": lambda: mikopbx.Client(sim.url, password=SECRET_PASSWORD),
        "key and password": lambda: mikopbx.Client(sim.url, login="a", password=SECRET_PASSWORD, api_key=SECRET_KEY),
        "key in a header": lambda: mikopbx.Client(sim.url, api_key=SECRET_KEY + "\n", api_version="v3").peer("1"),
    }
    for attempt in attempts.values():
        with pytest.raises(mikopbx.MikoPBXError) as caught:
            attempt()
        assert_no_secret(caught.value)
