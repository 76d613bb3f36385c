"""Rough throughput of the Python binding against the embedded simulator (not a test: it
prints numbers and asserts nothing). Run: .venv/bin/python bindings-python/bench/bench_calls.py"""

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

import mikopbx
from mikopbx.testing import Simulator

CALLS = 500


def timed(label: str, calls: int, work: Callable[[], None]) -> None:
    started = time.perf_counter()
    work()
    elapsed = time.perf_counter() - started
    print(f"{label:<38} {calls / elapsed:9.0f} calls/s  ({elapsed * 1000 / calls:.3f} ms/call)")


def main() -> None:
    with Simulator() as sim:
        client = mikopbx.Client(sim.url, login=sim.login, password=sim.password)
        client.login()
        peers = client.peer_statuses()

        def sequential() -> None:
            for _ in range(CALLS):
                client.peer_statuses()

        def threaded() -> None:
            with ThreadPoolExecutor(max_workers=8) as pool:
                list(pool.map(lambda _: client.peer_statuses(), range(CALLS)))

        async def gathered() -> None:
            async_client = mikopbx.AsyncClient(sim.url, login=sim.login, password=sim.password)
            await async_client.login()
            await asyncio.gather(*(async_client.peer_statuses() for _ in range(CALLS)))

        def to_dicts() -> None:
            for _ in range(CALLS * 100):
                peers[0].to_dict()

        timed("sync, one thread", CALLS, sequential)
        timed("sync, 8 threads sharing one client", CALLS, threaded)
        timed("asyncio, all in flight", CALLS, lambda: asyncio.run(gathered()))
        timed("PeerStatus.to_dict()", CALLS * 100, to_dicts)


if __name__ == "__main__":
    main()
