"""Hostile servers and careless callers, seen from Python: bounded time and memory, typed
exceptions (never a PanicException), no secret in any error text."""

import json
import threading
import time
from typing import List

import pytest

import mikopbx
from mikopbx.testing import Simulator

from conftest import client_for

PEERS = "/pbxcore/api/sip/getPeersStatuses"


def test_an_endless_body_is_a_decode_error(sim: Simulator) -> None:
    sim.add_fault(kind="endless", path=PEERS)
    with client_for(sim, max_response_bytes=64 * 1024) as pbx:
        with pytest.raises(mikopbx.DecodeError, match="larger than 65536 bytes"):
            pbx.peer_statuses()


def test_absurd_token_lifetimes_raise_no_panic() -> None:
    with Simulator(api="v3") as sim:
        for expires in ["18446744073709551615", "1e300", "-1"]:
            body = '{"result":true,"data":{"accessToken":"a.b.c","expiresIn":%s}}' % expires
            sim.add_fault(kind="answer", status=200, body=body, path="/pbxcore/api/v3/auth:login", count=1)
            pbx = client_for(sim)
            pbx.login()
            assert len(pbx.peer_statuses()) == 3


def test_echoed_requests_leak_no_secret() -> None:
    for api in ["legacy", "v3"]:
        with Simulator(api=api) as sim:
            pbx = client_for(sim)
            pbx.login()
            sim.add_fault(kind="echo", status=500)
            # A server that quotes the password in its own messages, with control characters.
            quoted = {"result": False, "messages": {"error": [f"bad\r\n\x1b[2J password {sim.password}"]}}
            sim.add_fault(kind="answer", status=200, body=json.dumps(quoted), path="/pbxcore/api/")
            for _ in range(2):
                with pytest.raises(mikopbx.MikoPBXError) as caught:
                    pbx.peer_statuses()
                shown = f"{caught.value} {caught.value!r} {caught.value.messages}"
                assert sim.password not in shown
                assert not any(c in shown for c in "\r\n\x1b\x00"), shown


def test_the_timeout_covers_the_whole_call(sim: Simulator) -> None:
    sim.add_fault(kind="delay", delay_ms=400)
    started = time.monotonic()
    with pytest.raises(mikopbx.TimeoutError):
        client_for(sim, timeout=1.0).peer_statuses()
    assert time.monotonic() - started < 1.5


def test_a_wrong_password_is_sent_once_for_many_threads(sim: Simulator) -> None:
    pbx = mikopbx.Client(sim.url, login=sim.login, password="wrong")
    errors: List[BaseException] = []

    def call() -> None:
        try:
            pbx.peer_statuses()
        except BaseException as e:  # noqa: BLE001 - collected and checked below
            errors.append(e)

    threads = [threading.Thread(target=call) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(errors) == 50 and all(isinstance(e, mikopbx.AuthenticationError) for e in errors)
    assert sim.stats()["login_attempts"] == 1


def test_odd_data_is_a_decode_error(sim: Simulator) -> None:
    pbx = client_for(sim)
    for body in ['{"result":true}', '{"result":true,"data":null}']:
        sim.add_fault(kind="answer", status=200, body=body, path=PEERS)
        with pytest.raises(mikopbx.DecodeError):
            pbx.peer_statuses()
    sim.add_fault(kind="answer", status=200, body='{"result":true,"data":"OK"}', path="/pbxcore/api/sip/getSipPeer")
    with pytest.raises(mikopbx.DecodeError):
        pbx.peer("201")


def test_paths_cannot_climb_out_of_the_base_url(sim: Simulator) -> None:
    pbx = client_for(sim)
    for path in ["../x/pbxcore/api/sip/getRegistry", "pbxcore/%2e%2e/x", "sip/..%2fx"]:
        with pytest.raises(mikopbx.InvalidInputError):
            pbx.request("GET", path)
    assert sim.stats()["api_requests"] == 0


def test_absurd_options_are_invalid_input(sim: Simulator) -> None:
    for options in [{"timeout": 1e20}, {"timeout": float("nan")}, {"retries": 1000}, {"max_response_bytes": 1}]:
        with pytest.raises(mikopbx.InvalidInputError):
            client_for(sim, **options)
    with pytest.raises(mikopbx.InvalidInputError, match="larger than"):
        client_for(sim, verify="/dev/zero")


def test_a_flood_of_server_messages_is_a_short_error(sim: Simulator) -> None:
    body = json.dumps({"result": False, "data": [], "messages": {"error": [f"m{i}" for i in range(100_000)]}})
    sim.add_fault(kind="answer", status=200, body=body, path=PEERS)
    with pytest.raises(mikopbx.ApiError) as caught:
        client_for(sim).peer_statuses()
    assert len(str(caught.value)) < 20_000 and len(caught.value.messages) <= 21
