"""The monitoring calls beyond the shared scenarios: walking the whole call history with the
sync and async iterators, their filters and errors, and the pacing options."""

import asyncio

import pytest

import mikopbx
from mikopbx.testing import Simulator

LOGIN = {"login": "admin", "password": "adminpassword"}
GENERATED_ROWS = 300  # the simulator's default call history


def test_the_sync_iterator_walks_every_row_exactly_once():
    with Simulator(api="v3") as sim, mikopbx.Client(sim.url, **LOGIN) as pbx:
        ids = [record.id for record in pbx.cdr_records(limit=37)]
        assert ids == list(range(1, GENERATED_ROWS + 1))
        answered = list(pbx.cdr_records(disposition="ANSWERED", limit=1000))
        assert answered and all(r.disposition == mikopbx.CdrDisposition.ANSWERED for r in answered)
        assert len(answered) < GENERATED_ROWS


def test_the_async_iterator_walks_every_row_exactly_once():
    async def walk(url):
        async with mikopbx.AsyncClient(url, **LOGIN) as pbx:
            return [record.id async for record in pbx.cdr_records(limit=64, src_num="20")]

    with Simulator(api="v3") as sim:
        ids = asyncio.run(walk(sim.url))
        assert ids == sorted(set(ids)) and 0 < len(ids) < GENERATED_ROWS


def test_pages_and_cursors_by_hand():
    with Simulator(api="v3") as sim, mikopbx.Client(sim.url, **LOGIN) as pbx:
        first = pbx.cdr(limit=100)
        assert (len(first.records), first.total, first.has_more) == (100, GENERATED_ROWS, True)
        second = pbx.cdr(limit=100, cursor=first.next_cursor)
        assert second.records[0].id == first.records[-1].id + 1
        assert second.total == GENERATED_ROWS - 100


def test_iterator_errors_are_the_sdks():
    with Simulator(api="legacy") as sim, mikopbx.Client(sim.url, **LOGIN) as pbx:
        with pytest.raises(mikopbx.UnsupportedError, match="2024.1"):
            next(pbx.cdr_records())
        with pytest.raises(mikopbx.InvalidInputError, match='unknown argument "src"'):
            pbx.cdr_records(src="201")


def test_pacing_options_are_validated_and_a_lockout_is_its_own_error():
    with pytest.raises(mikopbx.InvalidInputError, match="max_in_flight"):
        mikopbx.Client("http://127.0.0.1:1", max_in_flight=0)
    with Simulator(api="v3") as sim:
        sim.add_fault(kind="answer", status=429, body="Too many requests\n", content_type="text/plain",
                      count=1, path="/pbxcore/api/v3/sip:getPeersStatuses")
        # No `with`: logging out is refused too while the address is blocked.
        pbx = mikopbx.Client(sim.url, requests_per_minute=600, max_in_flight=2, **LOGIN)
        with pytest.raises(mikopbx.RateLimitedError) as locked:
            pbx.peer_statuses()
        assert locked.value.retry_after is not None and locked.value.retry_after >= 299
        # The client remembers the block and sends nothing more.
        with pytest.raises(mikopbx.RateLimitedError):
            pbx.peer_statuses()


def test_times_are_datetimes_unix_ones_in_utc_pbx_ones_naive():
    import datetime

    ban = {"jail": "asterisk_public_v2", "timeofban": 1700000000, "timeunban": 4102444800, "v": "2"}
    call = {"start": "2026-01-15 10:30:45.123", "answer": "", "endtime": "", "src_num": "201", "dst_num": "202",
            "linkedid": "1768462245.42"}
    with Simulator(api="v3") as sim, mikopbx.Client(sim.url, **LOGIN) as pbx:
        sim.patch_state({"banned_ips": {"10.0.0.9": {"country": "", "countryName": "", "bans": [ban]}}, "calls": [call]})
        banned = pbx.banned_ips()[0]
        assert banned.banned_at == datetime.datetime(2023, 11, 14, 22, 13, 20, tzinfo=datetime.timezone.utc)
        assert banned.unban_at.year == 2100
        assert banned.to_dict()["banned_at"] == "2023-11-14T22:13:20Z"
        leg = pbx.active_calls()[0]
        assert leg.start == datetime.datetime(2026, 1, 15, 10, 30, 45, 123000) and leg.start.tzinfo is None
        assert leg.answer is None and leg.raw["start"] == "2026-01-15 10:30:45.123"


def test_paced_calls_stay_under_the_simulators_rate_limit():
    # 30 requests a minute allowed; the client paces itself to 20 (bursts of 20).
    with Simulator(api="v3", rate_limit="30/60/300") as sim, mikopbx.Client(sim.url, requests_per_minute=20, **LOGIN) as pbx:
        for _ in range(18):
            pbx.ping()
        assert sim.stats()["rate_limited"] == 0
    with Simulator(api="v3", rate_limit="5/60/300") as sim:
        pbx = mikopbx.Client(sim.url, requests_per_minute=0, **LOGIN)
        with pytest.raises(mikopbx.RateLimitedError):
            for _ in range(10):
                pbx.peer_statuses()
        assert sim.stats()["rate_limited"] >= 1
    with pytest.raises(mikopbx.InvalidInputError):
        Simulator(rate_limit="lots")
