"""mikopbx.testing.Simulator: options, state and controls, as a user testing a script uses them."""

import json
import time

import pytest

import mikopbx
from mikopbx.testing import Simulator

from conftest import client_for

STATE = {
    "credentials": {"login": "operator", "password": "op-pass"},
    "peers": [{"id": "301", "state": "OK", "contacts": [{"URI": "sip:301@10.0.0.9", "Status": "Reachable"}]}],
    "providers": [{"id": "SIP-9", "state": "REGISTERED", "username": "u", "host": "h"}],
}


def test_defaults(sim: Simulator) -> None:
    assert sim.url.startswith("http://127.0.0.1:")
    assert (sim.login, sim.password) == ("admin", "adminpassword")
    assert sim.api == "legacy"
    assert sim.certificate_sha256 is None and sim.certificate_pem is None
    stats = sim.stats()
    for counter in ("login_attempts", "logins", "api_requests", "unauthorized", "active_sessions"):
        assert stats[counter] == 0
    assert [p["id"] for p in sim.state()["peers"]] == ["201", "241", "240"]


@pytest.mark.parametrize("as_text", [False, True])
def test_state_from_dict_or_json(as_text: bool) -> None:
    with Simulator(state=json.dumps(STATE) if as_text else STATE) as sim:
        assert (sim.login, sim.password) == ("operator", "op-pass")
        client = client_for(sim)
        assert [p.id for p in client.peer_statuses()] == ["301"]
        assert client.peer("301").is_registered
        assert client.provider_registrations()[0].state is mikopbx.ProviderState.REGISTERED


def test_invalid_state_and_fault() -> None:
    with pytest.raises(mikopbx.InvalidInputError):
        Simulator(state={"peers": []})
    with pytest.raises(mikopbx.InvalidInputError):
        Simulator(state="{not json")
    with pytest.raises(mikopbx.InvalidInputError):
        Simulator(session_idle=0)
    with Simulator() as sim:
        with pytest.raises(mikopbx.InvalidInputError):
            sim.add_fault(kind="earthquake")
        with pytest.raises(mikopbx.InvalidInputError):
            sim.set_peer("1", "OK", ["not a dict"])  # type: ignore[list-item]


def test_set_state_and_peers(sim: Simulator) -> None:
    client = client_for(sim)
    sim.set_peer("202", contacts=[{"URI": "sip:202@h", "Status": "Unreachable"}])
    sim.remove_peer("240")
    assert [p.id for p in client.peer_statuses()] == ["201", "241", "202"]
    contact = client.peer("202").contact
    assert contact is not None and contact.status is mikopbx.ContactStatus.UNREACHABLE
    sim.set_state({**STATE, "credentials": {"login": sim.login, "password": sim.password}})
    assert [p.id for p in client.peer_statuses()] == ["301"]


def test_faults_by_dict_and_keywords(sim: Simulator) -> None:
    client = client_for(sim, retries=0)
    sim.add_fault({"kind": "status", "status": 503, "retry_after": 1}, count=2)
    for _ in range(2):
        with pytest.raises(mikopbx.HttpError):
            client.ping()
    assert isinstance(client.ping(), float)
    sim.add_fault(kind="html", path="/pbxcore/api/sip/getRegistry")
    for _ in range(2):
        with pytest.raises(mikopbx.DecodeError):
            client.provider_registrations()
    sim.clear_faults()
    assert len(client.provider_registrations()) == 2


def test_expire_sessions_and_stats(sim: Simulator) -> None:
    client = client_for(sim)
    client.peer_statuses()
    sim.expire_sessions()
    assert sim.stats()["active_sessions"] == 0
    client.peer_statuses()
    stats = sim.stats()
    assert (stats["logins"], stats["unauthorized"], stats["active_sessions"]) == (2, 1, 1)


def test_login_throttle() -> None:
    # Like 2024.1: every attempt counts, and the `login_limit`-th in the window is refused.
    with Simulator(login_limit=2) as sim:
        client_for(sim).login()
        with pytest.raises(mikopbx.AuthenticationError):
            client_for(sim).login()
        sim.reset_login_throttle()
        client_for(sim).login()


def test_short_idle_sessions_expire() -> None:
    with Simulator(session_idle=0.2) as sim:
        client = client_for(sim)
        client.peer_statuses()
        time.sleep(0.4)
        client.peer_statuses()
        assert sim.stats()["logins"] == 2


def test_stop() -> None:
    sim = Simulator()
    client = client_for(sim, retries=0)
    client.ping()
    sim.stop()
    with pytest.raises(mikopbx.TransportError):
        client.ping()


def test_v3_simulator() -> None:
    with Simulator(api="v3", access_token_ttl=60) as sim:
        assert sim.api == "v3" and repr(sim).endswith("api='v3')")
        key = sim.api_key
        assert key is not None
        by_key = mikopbx.Client(sim.url, api_key=key)
        assert by_key.api_generation() == "v3"
        assert [p.id for p in by_key.peer_statuses()] == ["201", "241", "240"]
        client = client_for(sim)
        assert client.peer("201").is_registered
        sim.expire_sessions()
        sim.expire_refresh_tokens()
        assert len(client.provider_registrations()) == 2
        assert sim.stats()["logins"] == 2


def test_unknown_api_generation() -> None:
    with pytest.raises(mikopbx.InvalidInputError):
        Simulator(api="v2")
