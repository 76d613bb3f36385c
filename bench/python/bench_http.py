"""The Python rows of `make bench`: this SDK against the HTTP clients a Python user would pick,
each call decoding the answer into (id, state) pairs, in interleaved rounds. Prints one JSON
line per contender and round (bench/report.py makes the table).

    bench_http.py rounds SMALL_URL BIG_URL ROUNDS
    bench_http.py fanout URL_FILE CALLS ROUNDS    (asyncio: CALLS calls spread over the URLs)
"""

import asyncio
import http.client
import json
import sys
import time
import urllib.parse
from typing import Any, Awaitable, Callable, List, Tuple

import aiohttp
import httpx
import requests

import mikopbx

PATH = "/pbxcore/api/sip/getPeersStatuses"
Pairs = List[Tuple[str, str]]


def base(url: str) -> str:
    return url.split("/pbxcore/")[0]


def pairs(document: Any) -> Pairs:
    assert document["result"] is True
    return [(row["id"], row["state"]) for row in document["data"]]


class Ours:
    name = "mikopbx"

    def __init__(self, url: str) -> None:
        self.client = mikopbx.Client(base(url), api_version="legacy", requests_per_minute=0)

    def call(self) -> Pairs:
        # `state_raw`: the server's string, what `row["state"]` is to the others (`str()` of
        # the enum member would be "PeerState.OK", through Python's own `Enum.__str__`).
        return [(p.id, p.state_raw) for p in self.client.peer_statuses()]


class HttpClient:
    name = "http.client+json"

    def __init__(self, url: str) -> None:
        parts = urllib.parse.urlsplit(url)
        self.connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port)
        self.path = parts.path

    def call(self) -> Pairs:
        self.connection.request("GET", self.path)
        response = self.connection.getresponse()
        return pairs(json.loads(response.read()))


class Requests:
    name = "requests"

    def __init__(self, url: str) -> None:
        self.session = requests.Session()
        self.url = url

    def call(self) -> Pairs:
        return pairs(self.session.get(self.url).json())


class Httpx:
    name = "httpx"

    def __init__(self, url: str) -> None:
        self.client = httpx.Client()
        self.url = url

    def call(self) -> Pairs:
        return pairs(self.client.get(self.url).json())


class Aiohttp:
    """Sequential awaits on one session, each driven from synchronous code by one loop."""

    name = "aiohttp"

    def __init__(self, url: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.url = url
        self.session = self.loop.run_until_complete(self._session())

    async def _session(self) -> aiohttp.ClientSession:
        return aiohttp.ClientSession()

    async def _get(self) -> Pairs:
        async with self.session.get(self.url) as response:
            return pairs(await response.json(content_type=None))

    def call(self) -> Pairs:
        return self.loop.run_until_complete(self._get())

    def close(self) -> None:
        self.loop.run_until_complete(self.session.close())
        self.loop.close()


def timed(call: Callable[[], Pairs], calls: int, expected: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        got = call()
        assert len(got) == expected
    return (time.perf_counter() - started) * 1e6 / calls


def emit(**fields: Any) -> None:
    print(json.dumps(fields), flush=True)


def rounds(small: str, big: str, count: int) -> None:
    for size, url, calls in (("small", small, 300), ("big", big, 5)):
        contenders = [Ours(url), HttpClient(url), Requests(url), Httpx(url), Aiohttp(url)]
        expected = len(contenders[1].call())
        for contender in contenders:
            timed(contender.call, min(calls, 20), expected)
        for round_ in range(count):
            offset = round_ % len(contenders)
            for index in range(len(contenders)):
                contender = contenders[(index + offset) % len(contenders)]
                us = timed(contender.call, calls, expected)
                emit(surface="python", size=size, contender=contender.name, round=round_, us_per_call=us)
        aiohttp_contender = contenders[-1]
        assert isinstance(aiohttp_contender, Aiohttp)
        aiohttp_contender.close()


async def fanout_ours(urls: List[str], calls: int) -> float:
    clients = [mikopbx.AsyncClient(base(u), api_version="legacy", requests_per_minute=0) for u in urls]
    await asyncio.gather(*(c.peer_statuses() for c in clients))
    started = time.perf_counter()
    results = await asyncio.gather(*(clients[i % len(clients)].peer_statuses() for i in range(calls)))
    elapsed = time.perf_counter() - started
    assert all(len(r) == 3 for r in results)
    return calls / elapsed


async def fanout_aiohttp(urls: List[str], calls: int) -> float:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:

        async def get(url: str) -> Pairs:
            async with session.get(url) as response:
                return pairs(await response.json(content_type=None))

        await asyncio.gather(*(get(u) for u in urls))
        started = time.perf_counter()
        results = await asyncio.gather(*(get(urls[i % len(urls)]) for i in range(calls)))
        elapsed = time.perf_counter() - started
        assert all(len(r) == 3 for r in results)
        return calls / elapsed


def fanout(url_file: str, calls: int, count: int) -> None:
    with open(url_file) as f:
        urls = [line.strip() for line in f if line.strip()]
    runs: List[Tuple[str, Callable[[List[str], int], Awaitable[float]]]] = [
        ("mikopbx async", fanout_ours),
        ("aiohttp", fanout_aiohttp),
    ]
    for round_ in range(count):
        for name, run in runs if round_ % 2 == 0 else runs[::-1]:
            per_second = asyncio.run(run(urls, calls))
            emit(surface="python asyncio fan-out", size="small", contender=name, round=round_, calls_per_s=per_second)


def main() -> None:
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode == "rounds" and len(sys.argv) == 5:
        rounds(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif mode == "fanout" and len(sys.argv) == 5:
        fanout(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
