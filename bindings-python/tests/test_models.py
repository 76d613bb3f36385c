"""Models: immutable, comparable, `to_dict()` in the core's JSON shape, states as enums that
keep the server's string."""

import asyncio
import copy
import gc
import json
import pickle
import subprocess
import sys
import types
from typing import Any, Iterator, List

import pytest

import mikopbx
from mikopbx import ContactStatus, PeerState, ProviderState
from mikopbx.testing import Simulator

from conftest import async_client_for, client_for
from test_operations import STATE


def test_peer_statuses(client: mikopbx.Client) -> None:
    peers = client.peer_statuses()
    assert [p.id for p in peers] == ["201", "241", "240"]
    first = peers[0]
    assert first.state is PeerState.OK and first.state_raw == "OK"
    assert peers[1].state is PeerState.UNKNOWN
    assert first.to_dict() == {"id": "201", "state": "OK"}
    assert first.raw == {"id": "201", "state": "OK"}
    assert repr(first) == "PeerStatus(id='201', state='OK')"


def test_peer_detail_and_contact(client: mikopbx.Client) -> None:
    detail = client.peer("201")
    assert detail == client.peer(201)
    assert detail.is_registered and detail.state is PeerState.OK
    contact = detail.contact
    assert contact is not None
    assert contact.status is ContactStatus.REACHABLE and contact.status_raw == "Reachable"
    assert contact.is_reachable
    assert (contact.roundtrip_usec, contact.reg_expire, contact.qualify_timeout) == (5871, 1643110170, 5.0)
    assert contact.authenticate_qualify is False
    assert contact.fields["RoundtripUsec"] == "5871"
    assert detail.contacts == [contact] and detail.other_contacts == []
    assert detail.raw["state"] == "OK"
    as_dict = detail.to_dict()
    assert as_dict["uri"] == contact.uri and as_dict["roundtrip_usec"] == 5871
    assert {k: v for k, v in as_dict.items() if k not in ("id", "state", "other_contacts")} == contact.to_dict()
    assert repr(contact).startswith("Contact(aor='201', uri='sip:201@172.16.156.1:60939;ob', ")
    assert "status='Reachable', roundtrip_usec=5871," in repr(contact)
    assert repr(detail).startswith("PeerDetail(id='201', state='OK', contact=Contact(")


def test_to_dict_is_the_shape_the_cli_prints(sim: Simulator, client: mikopbx.Client) -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "mikopbx", "--url", sim.url, "--format", "json", "peer", "201"],
        env={"MIKOPBX_LOGIN": sim.login, "MIKOPBX_PASSWORD": sim.password},
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(printed.stdout) == client.peer("201").to_dict()


def test_unregistered_peer(client: mikopbx.Client) -> None:
    detail = client.peer("999")
    assert detail.state is PeerState.UNKNOWN and not detail.is_registered
    assert detail.contact is None and detail.contacts == []
    assert detail.to_dict() == {"id": "999", "state": "UNKNOWN", "other_contacts": []}


def test_unknown_strings_are_kept(sim: Simulator, client: mikopbx.Client) -> None:
    sim.set_peer("250", "LAGGED")
    sim.set_peer("260", "OK", [{"URI": "sip:260@h", "Status": "Sleeping"}])
    sim.set_provider("SIP-1601534775", state="Request Sent")
    lagged = next(p for p in client.peer_statuses() if p.id == "250")
    assert lagged.state is PeerState.OTHER and lagged.state_raw == "LAGGED"
    assert lagged.to_dict() == {"id": "250", "state": "LAGGED"}
    contact = client.peer("260").contact
    assert contact is not None and contact.status is ContactStatus.OTHER and contact.status_raw == "Sleeping"
    provider = client.provider_registrations()[0]
    assert provider.state is ProviderState.OTHER and provider.state_raw == "Request Sent"


def test_provider_registrations(sim: Simulator, client: mikopbx.Client) -> None:
    sim.set_provider("SIP-1601534845", state="REJECTED")
    off, rejected = client.provider_registrations()
    assert off.state is ProviderState.OFF and rejected.state is ProviderState.REJECTED
    assert (off.id, off.username, off.host) == ("SIP-1601534775", "316811", "sip.zadarma.com")
    assert off.to_dict() == {
        "id": "SIP-1601534775", "technology": "sip", "state": "OFF", "username": "316811", "host": "sip.zadarma.com"
    }
    assert off.technology is mikopbx.ProviderTechnology.SIP
    assert repr(off) == (
        "ProviderRegistration(id='SIP-1601534775', technology='sip', state='OFF', username='316811', host='sip.zadarma.com')"
    )


def test_models_are_immutable_and_compare_by_value(client: mikopbx.Client) -> None:
    first, second = client.peer_statuses(), client.peer_statuses()
    assert first == second and first[0] != first[1]
    assert first[0] != "201"
    with pytest.raises(AttributeError):
        first[0].id = "999"  # type: ignore[misc]
    with pytest.raises(TypeError):
        mikopbx.PeerStatus()  # type: ignore[call-arg]


def every_model(value: Any) -> Iterator[Any]:
    """`value` and the models inside it (lists, optional fields), depth first."""
    if isinstance(value, list):
        for item in value:
            yield from every_model(item)
    elif type(value).__module__ == "mikopbx" and hasattr(value, "to_dict"):
        yield value
        for name in dir(type(value)):
            if not name.startswith("_") and isinstance(getattr(type(value), name), types.GetSetDescriptorType):
                yield from every_model(getattr(value, name))


def models_of_every_operation(client: mikopbx.Client) -> List[Any]:
    found = []
    for operation in mikopbx.operations():
        if operation["name"] not in ("logout", "login", "request", "unban_ip"):
            try:
                found += every_model(getattr(client, operation["name"])(**operation["example"]))
            except mikopbx.UnsupportedError:  # the call history, on legacy servers
                pass
    found += every_model(next(iter(client.watch(interval=0.1))))
    return found


# Models with times of the snapshot, the server's clock or its status cache.
CLOCKED = {"Health", "WatchEvent", "SystemInfo", "ProviderStatus"}


@pytest.mark.parametrize("api", ["legacy", "v3"])
def test_models_pickle_and_hash_as_values(api: str) -> None:
    with Simulator(api=api) as sim:
        sim.patch_state(STATE)
        sim.set_peer("250", "LAGGED", [{"URI": "sip:250@h", "Status": "Sleeping"}])
        client = mikopbx.Client(sim.url, login=sim.login, password=sim.password)
        models, again = models_of_every_operation(client), models_of_every_operation(client)
    kinds = {type(m).__name__ for m in models}
    expected = {"PeerStatus", "PeerDetail", "Contact", "ProviderRegistration", "ProviderStatus", "Health",
                "ExtensionHealth", "ProviderHealth", "ExtensionStatus", "SystemInfo", "WatchEvent"}
    assert expected <= kinds, expected - kinds
    if api == "v3":
        assert {"CdrPage", "CdrRecord", "ExtensionDevice", "BannedIp", "ActiveCall", "ActiveChannel"} <= kinds
    for model in models:
        loaded = pickle.loads(pickle.dumps(model))
        assert type(loaded) is type(model) and loaded == model and hash(loaded) == hash(model)
        assert loaded.to_dict() == model.to_dict() and repr(loaded) == repr(model)
        assert copy.deepcopy(model) == model
    # Equal values from two calls hash alike, so sets and dict keys work (models that follow
    # the clock aside).
    timeless = [m for m in models if type(m).__name__ not in CLOCKED]
    timeless_again = [m for m in again if type(m).__name__ not in CLOCKED]
    assert timeless == timeless_again
    assert [hash(m) for m in timeless] == [hash(m) for m in timeless_again]
    assert len(set(timeless) | set(timeless_again)) == len(set(timeless))


def test_models_are_not_tracked_by_the_cyclic_collector(sim: Simulator, client: mikopbx.Client) -> None:
    # A model holds no Python objects, so it cannot be part of a cycle; tracked, every model of
    # a big list made each garbage collection walk it (docs/performance.md).
    sim.patch_state(STATE)
    models = models_of_every_operation(client)
    assert {"PeerStatus", "PeerDetail", "Contact", "WatchEvent"} <= {type(m).__name__ for m in models}
    assert [m for m in models if gc.is_tracked(m)] == []
    assert not gc.is_tracked(pickle.loads(pickle.dumps(models[0])))
    peers = asyncio.run(async_client_for(sim).peer_statuses())
    assert peers and not any(gc.is_tracked(p) for p in peers)
    # Untracked is sound only while no model can hold Python objects: no subclass can add any.
    with pytest.raises(TypeError):
        types.new_class("Custom", (mikopbx.PeerStatus,))


def test_what_a_model_returns_is_a_copy(client: mikopbx.Client) -> None:
    detail = client.peer("201")
    before = hash(detail)
    detail.contacts.clear()
    detail.raw["state"] = "changed"
    assert detail.contacts and detail.raw["state"] == "OK" and hash(detail) == before


def test_a_damaged_pickle_is_invalid_input(client: mikopbx.Client) -> None:
    restore, (name, state) = client.peer("201").__reduce__()
    with pytest.raises(mikopbx.InvalidInputError, match="cannot unpickle PeerDetail"):
        restore(name, state.replace('"id"', '"identifier"'))


def test_enum_values_are_the_server_strings() -> None:
    assert PeerState("OK") is PeerState.OK
    assert ContactStatus("NonQualified") is ContactStatus.NON_QUALIFIED
    assert ProviderState("UNREGISTERED") is ProviderState.UNREGISTERED
    assert PeerState.OTHER.value is None


def test_raw_is_the_servers_entry_as_json_loads_reads_it(sim: Simulator) -> None:
    entry = (
        '{"id": "201", "state": "OK", "n": -5, "min": -9223372036854775808, "max": 18446744073709551615,'
        ' "f": 1.5, "e": 1e3, "s": "\\u00e9\\ud83d\\ude00 \\"q\\"", "l": [1, [2, {}]],'
        ' "o": {"z": null, "a": true, "b": false}, "d": 1, "d": 2}'
    )
    sim.add_fault(kind="answer", status=200, body='{"result": true, "data": [%s]}' % entry,
                  path="/pbxcore/api/sip/getPeersStatuses")
    with client_for(sim) as pbx:
        raw = pbx.peer_statuses()[0].raw
    expected = json.loads(entry)
    assert raw == expected and list(raw) == list(expected) and list(raw["o"]) == ["z", "a", "b"]
    assert type(raw["e"]) is float and type(raw["max"]) is int and raw["d"] == 2
