"""``watch()``: the sync iterator and the async iterator over the core's change stream, a change
made through the simulator's control seen as exactly one event, one login for the whole run,
and Ctrl-C ending a sync watch promptly."""

import _thread
import asyncio
import threading
import time

import pytest

import mikopbx
from mikopbx.testing import Simulator

LOGIN = {"login": "admin", "password": "adminpassword"}
INTERVAL = 0.2
CONTACT = [{"URI": "sip:240@10.0.0.40:5060", "Status": "Reachable"}]


@pytest.mark.parametrize("api", ["legacy", "v3"])
def test_a_sync_watch_starts_with_the_snapshot_and_reports_one_change(api: str) -> None:
    with Simulator(api=api) as sim, mikopbx.Client(sim.url, **LOGIN) as pbx:
        changes = pbx.watch(interval=INTERVAL)
        first = next(changes)
        assert first.kind == mikopbx.WatchEventKind.SNAPSHOT
        assert first.snapshot.reachable
        assert {e.id: e.state for e in first.snapshot.extensions}["240"] == mikopbx.ExtensionState.OFFLINE
        sim.set_peer("240", "OK", CONTACT)
        change = next(changes)
        assert (change.kind, change.id, change.old_state, change.new_state) == (
            mikopbx.WatchEventKind.EXTENSION_CHANGED, "240", "offline", "online")
        assert sim.stats()["logins"] == 1


def test_an_async_watch_reports_calls_and_nothing_invented() -> None:
    async def run(sim: Simulator):
        async with mikopbx.AsyncClient(sim.url, **LOGIN) as pbx:
            changes = pbx.watch(interval=INTERVAL, include="2*")
            first = await changes.__anext__()
            sim.set_peer("240", "OK", CONTACT)
            change = await changes.__anext__()
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(changes.__anext__(), INTERVAL * 4)
            return first, change

    with Simulator(api="v3") as sim:
        first, change = asyncio.run(run(sim))
        assert first.kind == mikopbx.WatchEventKind.SNAPSHOT
        assert all(e.id.startswith("2") for e in first.snapshot.extensions)
        assert (change.kind, change.id, change.new_state) == (mikopbx.WatchEventKind.EXTENSION_CHANGED, "240", "online")
        # The cancelled wait lost nothing: the watcher goes on with its one session.
        assert sim.stats()["logins"] == 1


def test_ctrl_c_ends_a_sync_watch_promptly() -> None:
    with Simulator(api="v3") as sim, mikopbx.Client(sim.url, **LOGIN) as pbx:
        changes = pbx.watch(interval=60)
        next(changes)
        threading.Timer(0.3, _thread.interrupt_main).start()
        started = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            for _ in changes:
                pass
        assert time.monotonic() - started < 1.3


def test_bad_options_are_refused_before_any_request() -> None:
    with Simulator(api="v3") as sim, mikopbx.Client(sim.url, **LOGIN) as pbx:
        with pytest.raises(mikopbx.InvalidInputError, match="at least"):
            pbx.watch(interval=0.001)
        with pytest.raises(mikopbx.InvalidInputError, match="id pattern"):
            pbx.watch(include=",")
        assert sim.stats()["api_requests"] == 0
