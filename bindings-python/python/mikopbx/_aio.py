"""Drives one native async call on the running event loop (see the native ``Call``): the
call runs on the SDK's runtime and wakes the loop through a socket when it has finished, so
no runtime thread ever enters the interpreter. Cancelling the awaiting task aborts it."""

import asyncio
from typing import Any

from ._native import Call


def _wake(done: "asyncio.Future[None]") -> None:
    if not done.done():
        done.set_result(None)


async def run(call: Call) -> Any:
    loop = asyncio.get_running_loop()
    done: "asyncio.Future[None]" = loop.create_future()
    fd = call.fileno()
    loop.add_reader(fd, _wake, done)
    try:
        call.start()
        await done
    finally:
        loop.remove_reader(fd)
        call.cancel()
    return call.result()
