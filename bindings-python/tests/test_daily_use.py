"""What httpx users expect: `close()`/`__exit__` that never replace the program's exception,
`aclose()`, Ctrl-C, `from_env()`, `user_agent=`, `url` and `status` on every error, and
docstrings that `help()` and editors show."""

import ast
import asyncio
import http.server
import inspect
import logging
import os
import signal
import socket
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

import mikopbx
from mikopbx.testing import Simulator

from conftest import async_client_for, client_for

PEERS = "/pbxcore/api/sip/getPeersStatuses"
ENV = ("MIKOPBX_URL", "MIKOPBX_LOGIN", "MIKOPBX_PASSWORD", "MIKOPBX_API_KEY")


@pytest.fixture
def warnings() -> Iterator[List[logging.LogRecord]]:
    """The warnings of the `mikopbx` logger."""
    seen: List[logging.LogRecord] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = seen.append  # type: ignore[method-assign]
    logger = logging.getLogger("mikopbx")
    logger.addHandler(handler)
    yield seen
    logger.removeHandler(handler)


def stop(sim: Simulator) -> None:
    """Stops the simulator and waits until its port refuses connections (the stop is
    asynchronous, and a kept-alive connection may still be served: it drops requests)."""
    address = urllib.parse.urlsplit(sim.url)
    sim.add_fault(kind="drop")
    sim.stop()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            socket.create_connection((address.hostname, address.port), timeout=1).close()
        except OSError:
            return
        time.sleep(0.01)
    raise AssertionError("the simulator still accepts connections")


def unreachable_client(sim: Simulator) -> mikopbx.Client:
    """A client with a session on a PBX that has gone away."""
    pbx = client_for(sim, retries=0)
    pbx.login()
    stop(sim)
    return pbx


def test_exit_keeps_the_programs_exception_when_the_pbx_is_gone(
    sim: Simulator, warnings: List[logging.LogRecord]
) -> None:
    pbx = unreachable_client(sim)
    with pytest.raises(ValueError, match="the program's own error") as caught:
        with pbx:
            raise ValueError("the program's own error")
    assert caught.value.__context__ is None, "no error of the logout was chained"
    assert [r.getMessage() for r in warnings if r.name == "mikopbx"][0].startswith("close: could not log out: ")
    assert sim.password not in " ".join(r.getMessage() for r in warnings)


def test_close_never_raises_and_logout_does(warnings: List[logging.LogRecord]) -> None:
    with Simulator() as first, Simulator() as second:
        unreachable_client(first).close()
        assert any("could not log out" in r.getMessage() for r in warnings)
        with pytest.raises(mikopbx.TransportError):
            unreachable_client(second).logout()


def test_async_exit_and_aclose(warnings: List[logging.LogRecord]) -> None:
    async def run(sim: Simulator) -> None:
        pbx = async_client_for(sim, retries=0)
        await pbx.login()
        stop(sim)
        with pytest.raises(KeyError):
            async with pbx:
                raise KeyError("mine")
        assert await pbx.aclose() is None

    with Simulator() as sim:
        asyncio.run(run(sim))
    assert any("could not log out" in r.getMessage() for r in warnings)


def test_aclose_ends_the_session(sim: Simulator) -> None:
    async def run() -> None:
        pbx = async_client_for(sim)
        await pbx.peer_statuses()
        assert sim.stats()["active_sessions"] == 1
        await pbx.aclose()
        assert sim.stats()["active_sessions"] == 0

    asyncio.run(run())


def test_a_sigint_interrupts_a_slow_sync_call_within_a_second(sim: Simulator) -> None:
    sim.add_fault(kind="delay", delay_ms=10_000, path=PEERS)
    pbx = client_for(sim)
    pbx.login()
    sent: List[float] = []

    def interrupt() -> None:
        sent.append(time.monotonic())
        os.kill(os.getpid(), signal.SIGINT)  # a real signal to the process, as Ctrl-C sends

    threading.Timer(0.3, interrupt).start()
    with pytest.raises(KeyboardInterrupt):
        pbx.peer_statuses()
    assert sent and time.monotonic() - sent[0] < 1.0
    sim.clear_faults()
    assert len(pbx.peer_statuses()) == 3, "the client still works"


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_from_env_takes_the_url_and_credentials(sim: Simulator, environment: pytest.MonkeyPatch) -> None:
    for name, value in zip(ENV, (sim.url, sim.login, sim.password)):
        environment.setenv(name, value)
    pbx = mikopbx.Client.from_env(timeout=5)
    assert pbx.url == sim.url + "/" and repr(pbx).endswith("login='admin', api_version='auto')")
    assert len(pbx.peer_statuses()) == 3

    async def run() -> int:
        async with mikopbx.AsyncClient.from_env() as pbx:
            return len(await pbx.peer_statuses())

    assert asyncio.run(run()) == 3
    # An explicit URL beats the environment's.
    environment.setenv("MIKOPBX_URL", "http://127.0.0.1:1")
    assert len(mikopbx.Client.from_env(sim.url).peer_statuses()) == 3


def test_explicit_credentials_keep_the_environments_out(environment: pytest.MonkeyPatch) -> None:
    with Simulator(api="v3") as sim:
        assert sim.api_key is not None
        environment.setenv("MIKOPBX_URL", sim.url)
        environment.setenv("MIKOPBX_LOGIN", sim.login)
        environment.setenv("MIKOPBX_PASSWORD", "wrong-password")
        # An explicit API key: the environment's login and password are not used at all.
        assert len(mikopbx.Client.from_env(api_key=sim.api_key).peer_statuses()) == 3
        assert sim.stats()["login_attempts"] == 0
        # Explicit login and password beat the environment's API key.
        environment.setenv("MIKOPBX_API_KEY", "wrong-key")
        assert len(mikopbx.Client.from_env(login=sim.login, password=sim.password).peer_statuses()) == 3


def test_the_environments_login_beats_its_api_key(environment: pytest.MonkeyPatch) -> None:
    with Simulator(api="v3") as sim:
        assert sim.api_key is not None
        environment.setenv("MIKOPBX_URL", sim.url)
        environment.setenv("MIKOPBX_API_KEY", "wrong-key")
        environment.setenv("MIKOPBX_LOGIN", sim.login)
        environment.setenv("MIKOPBX_PASSWORD", sim.password)
        assert len(mikopbx.Client.from_env().peer_statuses()) == 3
        assert sim.stats()["logins"] == 1
        # An explicit login takes its password from the environment, never the key.
        environment.setenv("MIKOPBX_LOGIN", "someone-else")
        assert len(mikopbx.Client.from_env(login=sim.login).peer_statuses()) == 3
        assert sim.stats()["logins"] == 2
        # Without a login or password, the API key; empty variables are unset.
        environment.setenv("MIKOPBX_API_KEY", sim.api_key)
        environment.setenv("MIKOPBX_LOGIN", "")
        environment.setenv("MIKOPBX_PASSWORD", "")
        pbx = mikopbx.Client.from_env()
        assert "api_key=<hidden>" in repr(pbx) and len(pbx.peer_statuses()) == 3
        assert sim.stats()["logins"] == 2


def test_from_env_without_what_it_needs(environment: pytest.MonkeyPatch) -> None:
    with pytest.raises(mikopbx.InvalidInputError, match="MIKOPBX_URL"):
        mikopbx.Client.from_env()
    environment.setenv("MIKOPBX_URL", "http://127.0.0.1:1")
    environment.setenv("MIKOPBX_LOGIN", "admin")
    environment.setenv("MIKOPBX_API_KEY", "a-key")
    # Half a login is a login without its password, not a reason to use the key.
    with pytest.raises(mikopbx.InvalidInputError, match="password"):
        mikopbx.AsyncClient.from_env()
    with pytest.raises(mikopbx.InvalidInputError):
        mikopbx.Client.from_env(login="admin", api_key="a-key")
    environment.delenv("MIKOPBX_LOGIN")
    environment.delenv("MIKOPBX_API_KEY")
    assert repr(mikopbx.Client.from_env()) == "Client(url='http://127.0.0.1:1/', api_version='auto')"


class UserAgents(http.server.BaseHTTPRequestHandler):
    """Answers `PONG` to every GET and keeps the `User-Agent` of each."""

    seen: List[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        UserAgents.seen.append(self.headers.get("User-Agent", ""))
        body = b"PONG"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: Any) -> None:
        pass


def test_user_agent() -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), UserAgents)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        mikopbx.Client(url, api_version="legacy", user_agent="acme-monitor/2.1").ping()
        mikopbx.Client(url, api_version="legacy").ping()
        asyncio.run(mikopbx.AsyncClient(url, api_version="legacy", user_agent="acme-async/1").ping())
    finally:
        server.shutdown()
        server.server_close()
    assert UserAgents.seen == ["acme-monitor/2.1", f"mikopbx-sdk/{mikopbx.__version__}", "acme-async/1"]
    with pytest.raises(mikopbx.InvalidInputError):
        mikopbx.Client(url, user_agent="bad\nagent")


def test_refusals_carry_url_and_status() -> None:
    with Simulator(api="v3") as sim:
        with pytest.raises(mikopbx.AuthenticationError) as refused:
            mikopbx.Client(sim.url, api_key="not-the-key").peer_statuses()
        assert refused.value.status == 401
        assert refused.value.url == f"{sim.url}/pbxcore/api/v3/sip:getPeersStatuses"
    with Simulator() as sim:
        pbx = client_for(sim)
        pbx.login()
        sim.add_fault(kind="status", status=403, path=PEERS)
        with pytest.raises(mikopbx.AuthenticationError) as denied:
            pbx.peer_statuses()
        assert denied.value.status == 403 and denied.value.url == sim.url + PEERS


STUBS = Path(mikopbx.__file__).with_name("_native.pyi")


def public_members(cls: type) -> Dict[str, Any]:
    return {name: value for name, value in vars(cls).items() if not name.startswith("_")}


def test_every_public_class_and_method_has_a_docstring() -> None:
    classes = [getattr(mikopbx, name) for name in mikopbx.__all__ if inspect.isclass(getattr(mikopbx, name))]
    classes += [Simulator, type(mikopbx.Client("http://127.0.0.1:1").watch())]
    functions = [getattr(mikopbx, name) for name in mikopbx.__all__ if callable(getattr(mikopbx, name))]
    for cls in classes:
        assert inspect.getdoc(cls), cls
        for name, member in public_members(cls).items():
            if callable(member) or isinstance(member, (classmethod, staticmethod)):
                assert inspect.getdoc(getattr(cls, name)), f"{cls.__name__}.{name}"
    for function in functions:
        assert inspect.getdoc(function), function
    # Generated methods explain each argument.
    for operation in mikopbx.operations():
        for cls in (mikopbx.Client, mikopbx.AsyncClient):
            doc = inspect.getdoc(getattr(cls, operation["name"])) or ""
            for argument in operation["arguments"]:
                assert f"\n    {argument['name']}: " in doc, (cls, operation["name"], argument["name"])
    text = inspect.getdoc(mikopbx.Client) or ""
    parameters = inspect.signature(mikopbx.Client).parameters
    assert all(f"    {name}: " in text for name in parameters), "the class explains every constructor argument"


def test_the_stubs_carry_the_docstrings() -> None:
    """Editors read the stubs of a compiled module: they say what `help()` says."""
    tree = ast.parse(STUBS.read_text())
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    checked = 0
    for name, node in classes.items():
        cls = getattr(mikopbx._native, name)
        assert ast.get_docstring(node) == inspect.getdoc(cls), name
        for child in node.body:
            if isinstance(child, ast.FunctionDef) and not child.name.startswith("_"):
                assert ast.get_docstring(child) == inspect.getdoc(getattr(cls, child.name)), f"{name}.{child.name}"
                checked += 1
    assert checked > 100
