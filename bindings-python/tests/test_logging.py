"""The SDK's log in `logging`: the core's events reach the `mikopbx.*` loggers at their levels,
from every thread, never with a secret; nothing is printed unless the program configures
logging; an interpreter exits cleanly while the SDK's threads are logging."""

import asyncio
import logging
import subprocess
import sys
import textwrap
from typing import Iterator, List

import pytest

import mikopbx
from mikopbx.testing import Simulator

from conftest import async_client_for, client_for

PEERS = "/pbxcore/api/sip/getPeersStatuses"
V3_PEERS = "/pbxcore/api/v3/sip:getPeersStatuses"


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.NOTSET)
        self.records: List[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def seen(self, logger: str, level: int, start: str) -> List[logging.LogRecord]:
        return [
            r for r in self.records if r.name == logger and r.levelno == level and r.getMessage().startswith(start)
        ]

    def text(self) -> str:
        return "\n".join(f"{r.name} {r.levelname} {r.getMessage()} {r.args!r}" for r in self.records)


@pytest.fixture
def log() -> Iterator[Records]:
    """A handler on the `mikopbx` logger at DEBUG; the levels are put back afterwards."""
    logger = logging.getLogger("mikopbx")
    handler = Records()
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    mikopbx.configure_logging()
    yield handler
    logger.removeHandler(handler)
    for name in ("mikopbx", "mikopbx.transport"):
        logging.getLogger(name).setLevel(logging.NOTSET)
    mikopbx.configure_logging()


@pytest.mark.parametrize("fault", [{"kind": "status", "status": 503}, {"kind": "drop"}])
@pytest.mark.parametrize("api", ["legacy", "v3"])
def test_a_retried_call_is_logged_without_secrets(api: str, fault: dict, log: Records) -> None:
    with Simulator(api=api) as sim:
        pbx = client_for(sim)
        pbx.login()
        sim.add_fault(fault, path=V3_PEERS if api == "v3" else PEERS, count=1)
        assert len(pbx.peer_statuses()) == 3
        sim.expire_sessions()  # the session the server ended, renewed
        assert len(pbx.peer_statuses()) == 3
        pbx.close()
        secrets = [sim.password]
    assert log.seen("mikopbx.auth", logging.INFO, "logging in")
    assert log.seen("mikopbx.auth", logging.INFO, "logging out")
    requests = log.seen("mikopbx.transport", logging.DEBUG, "request method=GET")
    assert any(r.getMessage().endswith(PEERS if api == "legacy" else V3_PEERS) for r in requests)
    retrying = log.seen("mikopbx.transport", logging.DEBUG, "retrying")
    assert len(retrying) == 1 and "attempt=" in retrying[0].getMessage(), log.text()
    if fault["kind"] == "status":
        assert log.seen("mikopbx.transport", logging.DEBUG, "response")[0].getMessage()
        assert any("status=503" in r.getMessage() for r in log.seen("mikopbx.transport", logging.DEBUG, "response"))
    if api == "legacy":
        assert log.seen("mikopbx.client", logging.INFO, "the server ended the session (401)"), log.text()
    shown = log.text()
    for secret in secrets + ["Bearer", "PHPSESSID=", "eyJ"]:  # eyJ: how every JWT begins
        assert secret not in shown


def test_a_failed_login_is_a_warning_without_the_password(sim: Simulator, log: Records) -> None:
    with pytest.raises(mikopbx.AuthenticationError):
        mikopbx.Client(sim.url, login=sim.login, password="wrong-secret-password").login()
    failed = log.seen("mikopbx.auth", logging.WARNING, "login failed")
    assert failed and "wrong-secret-password" not in log.text()


def test_async_calls_log_from_the_runtime_threads(sim: Simulator, log: Records) -> None:
    async def run() -> None:
        async with async_client_for(sim) as pbx:
            await asyncio.gather(*(pbx.peer(p.id) for p in await pbx.peer_statuses()))

    asyncio.run(run())
    requests = log.seen("mikopbx.transport", logging.DEBUG, "request method=POST")
    assert len([r for r in requests if r.getMessage().endswith("/pbxcore/api/sip/getSipPeer")]) == 3
    assert all(r.threadName != "MainThread" for r in requests)


def test_levels_follow_the_loggers(sim: Simulator, log: Records) -> None:
    logging.getLogger("mikopbx").setLevel(logging.INFO)
    mikopbx.configure_logging()
    client_for(sim).peer_statuses()
    assert log.seen("mikopbx.auth", logging.INFO, "logging in")
    assert not [r for r in log.records if r.levelno < logging.INFO]

    # A child more detailed than its parent is heard.
    logging.getLogger("mikopbx.transport").setLevel(logging.DEBUG)
    mikopbx.configure_logging()
    log.records.clear()
    client_for(sim).peer_statuses()
    assert log.seen("mikopbx.transport", logging.DEBUG, "request")

    # `configure_logging(level)` sets the `mikopbx` logger first.
    logging.getLogger("mikopbx.transport").setLevel(logging.NOTSET)
    mikopbx.configure_logging(logging.WARNING)
    log.records.clear()
    client_for(sim).peer_statuses()
    assert logging.getLogger("mikopbx").level == logging.WARNING and log.records == []


def test_a_client_reads_the_levels_when_made(sim: Simulator, log: Records) -> None:
    logging.getLogger("mikopbx").setLevel(logging.ERROR)
    old = client_for(sim)
    logging.getLogger("mikopbx").setLevel(logging.DEBUG)  # not yet told to the core ...
    log.records.clear()
    old.ping()
    assert log.records == []
    client_for(sim).ping()  # ... until a client is made
    assert log.seen("mikopbx.transport", logging.DEBUG, "request method=GET")


SCRIPT = """
import logging, sys
import mikopbx
from mikopbx.testing import Simulator
if sys.argv[1] == "configured":
    logging.basicConfig(level=logging.INFO)
with Simulator() as sim:
    client = mikopbx.Client(sim.url, login=sim.login, password="wrong-secret-password")
    try:
        client.login()
    except mikopbx.AuthenticationError:
        pass
    client.close()
print("done")
"""


def test_nothing_is_printed_unless_logging_is_configured() -> None:
    def run(mode: str) -> "subprocess.CompletedProcess[str]":
        done = subprocess.run([sys.executable, "-c", SCRIPT, mode], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0 and done.stdout == "done\n", done.stderr
        return done

    assert run("quiet").stderr == ""
    configured = run("configured").stderr
    assert "WARNING:mikopbx.auth:login failed" in configured and "INFO:mikopbx.auth:logging in" in configured
    assert "wrong-secret-password" not in configured


EXIT_WHILE_LOGGING = """
import logging, os, threading, time
import mikopbx
from mikopbx.testing import Simulator

logging.basicConfig(level=logging.DEBUG, stream=open(os.devnull, "w"))
sim = Simulator()
client = mikopbx.Client(sim.url, login=sim.login, password=sim.password)

def calls() -> None:
    while True:
        try:
            client.peer_statuses()
        except mikopbx.MikoPBXError:
            pass

for _ in range(6):
    threading.Thread(target=calls, daemon=True).start()
time.sleep(0.5)
print("exiting", flush=True)
"""


def test_the_interpreter_exits_cleanly_while_the_sdk_logs() -> None:
    # The runtime's threads log all the time here; without the shutdown gate about one
    # exit in ten crashed (SIGSEGV) attaching to a finalizing interpreter.
    command = [sys.executable, "-c", EXIT_WHILE_LOGGING]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(6)]
    for run in runs:
        out, err = run.communicate(timeout=60)
        assert run.returncode == 0 and out == "exiting\n", textwrap.shorten(err, 2000)
