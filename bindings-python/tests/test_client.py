"""Constructor options (TLS trust, timeouts, credentials), the raw request, ping."""

from pathlib import Path
from typing import Any, Dict, Iterator

import pytest

import mikopbx
from mikopbx.testing import Simulator


@pytest.fixture
def https_sim() -> Iterator[Simulator]:
    with Simulator(https=True) as simulator:
        yield simulator


def auth(sim: Simulator) -> Dict[str, Any]:
    return {"login": sim.login, "password": sim.password}


def test_https_with_a_pinned_certificate(https_sim: Simulator) -> None:
    assert https_sim.url.startswith("https://")
    pin = https_sim.certificate_sha256
    assert pin is not None and len(pin) == 64
    client = mikopbx.Client(https_sim.url, pin_sha256=pin, **auth(https_sim))
    assert len(client.peer_statuses()) == 3
    colons = ":".join(pin[i : i + 2] for i in range(0, 64, 2)).upper()
    assert len(mikopbx.Client(https_sim.url, pin_sha256=colons, **auth(https_sim)).peer_statuses()) == 3


def test_https_with_a_wrong_pin_is_a_tls_error(https_sim: Simulator) -> None:
    client = mikopbx.Client(https_sim.url, pin_sha256="00" * 32, **auth(https_sim))
    with pytest.raises(mikopbx.TlsError):
        client.peer_statuses()


def test_https_with_the_certificate_as_ca_file(https_sim: Simulator, tmp_path: Path) -> None:
    pem = https_sim.certificate_pem
    assert pem is not None and "BEGIN CERTIFICATE" in pem
    ca_file = tmp_path / "pbx.pem"
    ca_file.write_text(pem)
    assert len(mikopbx.Client(https_sim.url, verify=ca_file, **auth(https_sim)).peer_statuses()) == 3
    assert len(mikopbx.Client(https_sim.url, verify=str(ca_file), **auth(https_sim)).peer_statuses()) == 3


def test_https_without_verification(https_sim: Simulator) -> None:
    assert len(mikopbx.Client(https_sim.url, verify=False, **auth(https_sim)).peer_statuses()) == 3
    with pytest.raises(mikopbx.TlsError):
        mikopbx.Client(https_sim.url, verify=True, **auth(https_sim)).peer_statuses()


@pytest.mark.parametrize(
    "options",
    [
        {"url": "ftp://pbx"},
        {"url": "not a url"},
        {"timeout": 0},
        {"timeout": -1.0},
        {"timeout": float("nan")},
        {"connect_timeout": float("inf")},
        {"retries": -1},
        {"api_version": "v9"},
        {"login": "admin"},
        {"password": "x"},
        {"login": "admin", "password": "x", "api_key": "k"},
        {"login": "", "password": "x"},
        {"api_key": " "},
        {"verify": 42},
        {"verify": "/nonexistent/ca.pem"},
        {"verify": False, "pin_sha256": "00" * 32},
        {"pin_sha256": "abcd"},
    ],
)
def test_invalid_options_are_value_errors(options: Dict[str, Any]) -> None:
    url = options.pop("url", "http://127.0.0.1:1")
    for client_class in (mikopbx.Client, mikopbx.AsyncClient):
        with pytest.raises(mikopbx.InvalidInputError):
            client_class(url, **options)


def test_invalid_ca_file(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.pem"
    bogus.write_text("not a certificate")
    with pytest.raises(ValueError):
        mikopbx.Client("https://127.0.0.1:1", verify=bogus)


def test_url_and_api_generation(sim: Simulator) -> None:
    client = mikopbx.Client(sim.url + "/", **auth(sim))
    assert client.url == sim.url + "/"
    assert client.api_generation() == "legacy"
    assert mikopbx.Client(sim.url, api_version="v3").api_generation() == "v3"


def test_trusted_host_needs_no_credentials() -> None:
    with Simulator(trust_loopback=True) as sim:
        assert len(mikopbx.Client(sim.url).peer_statuses()) == 3
        assert sim.stats()["logins"] == 0


def test_request_with_params_and_json(sim: Simulator) -> None:
    client = mikopbx.Client(sim.url, **auth(sim))
    document = client.request("GET", "/pbxcore/api/sip/getPeersStatuses", params={"x": 1, "flag": True})
    assert document["result"] is True and len(document["data"]) == 3
    document = client.request("get", "sip/getPeersStatuses", params=[("a", "b"), ("a", 2.5)])
    assert document["function"] == "getPeersStatuses"
    detail = client.request("POST", "sip/getSipPeer", json={"peer": "201"})
    assert detail["data"]["AOR"] == "201"
    assert isinstance(client.ping(), float)


@pytest.mark.parametrize(
    "bad",
    [
        {"json": {1: "non-string key"}},
        {"json": float("nan")},
        {"json": object()},
        {"json": 2**70},
        {"params": {"a": object()}},
        {"params": ["not a pair"]},
        {"params": 5},
    ],
)
def test_unsendable_request_arguments(sim: Simulator, bad: Dict[str, Any]) -> None:
    client = mikopbx.Client(sim.url, **auth(sim))
    with pytest.raises(mikopbx.InvalidInputError):
        client.request("POST", "sip/getSipPeer", **bad)
    assert sim.stats()["api_requests"] == 0


def test_deeply_nested_json_is_refused(sim: Simulator) -> None:
    nested: Any = []
    for _ in range(500):
        nested = [nested]
    cyclic: Any = []
    cyclic.append(cyclic)
    client = mikopbx.Client(sim.url, **auth(sim))
    for document in (nested, cyclic):
        with pytest.raises(mikopbx.InvalidInputError):
            client.request("POST", "sip/getSipPeer", json=document)


def test_peer_id_must_be_text_or_number(sim: Simulator) -> None:
    client = mikopbx.Client(sim.url, **auth(sim))
    with pytest.raises(mikopbx.InvalidInputError):
        client.peer(True)  # type: ignore[arg-type]
    with pytest.raises(mikopbx.InvalidInputError):
        client.peer(None)  # type: ignore[arg-type]


def test_version() -> None:
    assert mikopbx.__version__.count(".") == 2


def test_after_fork_a_new_client_works_and_an_inherited_one_fails_clearly(sim: Simulator) -> None:
    import os

    inherited = mikopbx.Client(sim.url, **auth(sim))
    inherited.ping()  # the runtime exists in this process now
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report what happened through the pipe, never return to pytest
        outcome = ""
        try:
            inherited.ping()
            outcome += "inherited: no error; "
        except mikopbx.UnsupportedError as e:
            outcome += f"inherited: unsupported ({e}); "
        except BaseException as e:  # noqa: BLE001 - any other outcome fails the parent's check
            outcome += f"inherited: {type(e).__name__}: {e}; "
        try:
            peers = mikopbx.Client(sim.url, **auth(sim)).peer_statuses()
            outcome += f"new: {len(peers)} peers"
        except BaseException as e:  # noqa: BLE001
            outcome += f"new: {type(e).__name__}: {e}"
        os.write(write_end, outcome.encode())
        os._exit(0)
    os.close(write_end)
    _, status = os.waitpid(pid, 0)
    with os.fdopen(read_end) as pipe:
        outcome = pipe.read()
    assert status == 0
    assert outcome.startswith("inherited: unsupported (") and "fork" in outcome, outcome
    assert outcome.endswith("new: 3 peers"), outcome
