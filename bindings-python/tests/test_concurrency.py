"""One client shared between threads (the interpreter is released while waiting) and between
the tasks of an event loop; cancelling a task cancels its request; sessions that expire in
the middle of a threaded run are renewed without failing a call."""

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import List

import pytest

import mikopbx
from mikopbx.testing import Simulator

from conftest import async_client_for, client_for

PEERS_PATH = "/pbxcore/api/sip/getPeersStatuses"


@pytest.mark.parametrize("api", ["legacy", "v3"])
def test_threads_share_one_client_and_wait_in_parallel(api: str) -> None:
    with Simulator(api=api) as sim:
        threads_share_one_client(sim)


def threads_share_one_client(sim: Simulator) -> None:
    client = client_for(sim)
    client.login()
    # Every API call is slow; the v3 path is /pbxcore/api/v3/..., the legacy one below it too.
    sim.add_fault(kind="delay", delay_ms=200, path="/pbxcore/api/")
    start = threading.Barrier(8)

    def call() -> int:
        start.wait()
        return len(client.peer_statuses())

    with ThreadPoolExecutor(max_workers=8) as pool:
        started = time.monotonic()
        counts = list(pool.map(lambda _: call(), range(8)))
        elapsed = time.monotonic() - started
    assert counts == [3] * 8
    # 8 answers of 200 ms each: together in about 200 ms, far below 8 x 200 ms.
    assert elapsed < 1.0, f"8 threads took {elapsed:.2f} s: the interpreter was not released"


def test_other_python_threads_run_while_a_call_waits(sim: Simulator) -> None:
    client = client_for(sim)
    client.login()
    sim.add_fault(kind="delay", delay_ms=300, path=PEERS_PATH, count=1)
    ticks: List[int] = []
    done = threading.Event()

    def ticker() -> None:
        while not done.is_set():
            ticks.append(1)
            time.sleep(0.01)

    thread = threading.Thread(target=ticker)
    thread.start()
    try:
        client.peer_statuses()
    finally:
        done.set()
        thread.join()
    assert len(ticks) >= 10


def test_many_calls_in_flight_on_one_async_client(sim: Simulator) -> None:
    sim.add_fault(kind="delay", delay_ms=200, path=PEERS_PATH)

    async def run() -> float:
        # Above the default cap of 4 requests in flight to one server.
        client = async_client_for(sim, max_in_flight=32)
        await client.login()
        started = time.monotonic()
        results = await asyncio.gather(*(client.peer_statuses() for _ in range(32)))
        elapsed = time.monotonic() - started
        assert all(len(peers) == 3 for peers in results)
        return elapsed

    elapsed = asyncio.run(run())
    assert elapsed < 1.0, f"32 concurrent calls took {elapsed:.2f} s"


def test_async_calls_do_not_block_the_event_loop(sim: Simulator) -> None:
    sim.add_fault(kind="delay", delay_ms=300, path=PEERS_PATH, count=1)

    async def run() -> int:
        client = async_client_for(sim)
        await client.login()
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0.01)

        tick_task = asyncio.ensure_future(ticker())
        await client.peer_statuses()
        tick_task.cancel()
        return ticks

    assert asyncio.run(run()) >= 10


def test_cancelling_a_task_cancels_its_request(sim: Simulator) -> None:
    async def run() -> None:
        client = async_client_for(sim)
        await client.login()
        requests_before = sim.stats()["api_requests"]
        sim.add_fault(kind="delay", delay_ms=600, path=PEERS_PATH)
        task = asyncio.ensure_future(client.peer_statuses())
        await asyncio.sleep(0.1)
        task.cancel()
        started = time.monotonic()
        try:
            await task
            raise AssertionError("the task was not cancelled")
        except asyncio.CancelledError:
            pass
        assert time.monotonic() - started < 0.3
        # Past the server's delay: had the request gone on, the server would have served it.
        await asyncio.sleep(0.9)
        assert sim.stats()["api_requests"] == requests_before
        sim.clear_faults()
        assert len(await client.peer_statuses()) == 3

    asyncio.run(run())


def test_wait_for_timeout_cancels_the_call(sim: Simulator) -> None:
    sim.add_fault(kind="delay", delay_ms=2000, path="/pbxcore/api/sip/getRegistry", count=1)

    async def run() -> None:
        client = async_client_for(sim)
        started = time.monotonic()
        try:
            await asyncio.wait_for(client.provider_registrations(), 0.2)
            raise AssertionError("wait_for did not time out")
        except asyncio.TimeoutError:
            pass
        assert time.monotonic() - started < 1.0
        assert len(await client.provider_registrations()) == 2

    asyncio.run(run())


def test_one_async_client_serves_several_event_loops(sim: Simulator) -> None:
    client = async_client_for(sim)
    assert len(asyncio.run(client.peer_statuses())) == 3
    assert asyncio.run(client.peer("201")).is_registered
    with ThreadPoolExecutor(max_workers=2) as pool:
        counts = list(pool.map(lambda _: len(asyncio.run(client.peer_statuses())), range(4)))
    assert counts == [3] * 4


@pytest.mark.parametrize("api", ["legacy", "v3"])
def test_session_expiry_during_a_threaded_run(api: str) -> None:
    with Simulator(api=api) as sim:
        session_expiry_during_a_threaded_run(sim)


def session_expiry_during_a_threaded_run(sim: Simulator) -> None:
    client = client_for(sim)
    client.login()
    failures: List[BaseException] = []
    calls = [0]
    lock = threading.Lock()
    stop = threading.Event()

    def worker() -> None:
        while not stop.is_set():
            try:
                assert len(client.peer_statuses()) == 3
                with lock:
                    calls[0] += 1
            except BaseException as e:  # noqa: BLE001 - every failure is reported below
                failures.append(e)
                return

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for _ in range(3):
        time.sleep(0.1)
        sim.expire_sessions()
    time.sleep(0.1)
    stop.set()
    for thread in threads:
        thread.join()

    assert failures == []
    assert calls[0] > 20
    stats = sim.stats()
    assert stats["unauthorized"] >= 1, stats
    # One login at the start, then a renewal per expiry (a new legacy session, or a v3 token
    # refresh) at most: concurrent callers share one renewal.
    renewals = stats["logins"] - 1 + stats.get("refreshes", 0)
    assert 1 <= renewals <= 3, stats


def test_session_expiry_between_async_calls(sim: Simulator) -> None:
    async def run() -> None:
        client = async_client_for(sim)
        await client.login()
        sim.expire_sessions()
        results = await asyncio.gather(*(client.peer("201") for _ in range(8)))
        assert all(detail.is_registered for detail in results)

    asyncio.run(run())
    assert sim.stats()["logins"] == 2


def test_a_closed_client_logs_in_again_on_the_next_call(sim: Simulator) -> None:
    with client_for(sim) as client:
        client.peer_statuses()
    assert sim.stats()["active_sessions"] == 0
    assert len(client.peer_statuses()) == 3
    assert sim.stats()["logins"] == 2


def test_async_context_manager_logs_out(sim: Simulator) -> None:
    async def run() -> mikopbx.AsyncClient:
        async with async_client_for(sim) as client:
            assert len(await client.peer_statuses()) == 3
            assert sim.stats()["active_sessions"] == 1
        return client

    client = asyncio.run(run())
    assert isinstance(client, mikopbx.AsyncClient)
    assert sim.stats()["active_sessions"] == 0


EXIT_SCRIPT = """
import asyncio, mikopbx
from mikopbx.testing import Simulator
with Simulator() as sim:
    async def main() -> None:
        client = mikopbx.AsyncClient(sim.url, login=sim.login, password=sim.password)
        await asyncio.gather(*(client.peer_statuses() for _ in range(4)))
    asyncio.run(main())
"""


def test_a_process_exits_cleanly_right_after_async_calls() -> None:
    # No runtime thread may enter the interpreter while it shuts down (that aborts the process).
    import subprocess
    import sys

    for _ in range(10):
        done = subprocess.run([sys.executable, "-c", EXIT_SCRIPT], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
