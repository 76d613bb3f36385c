"""Shared fixtures: a fresh simulator per test and clients logged in to it."""

from typing import Any, Iterator

import pytest

import mikopbx
from mikopbx.testing import Simulator


@pytest.fixture(autouse=True)
def private_session_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """The `mikopbx` tool keeps sessions in $XDG_CACHE_HOME: never the user's own cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture
def sim() -> Iterator[Simulator]:
    with Simulator() as simulator:
        yield simulator


def client_for(sim: Simulator, **options: Any) -> mikopbx.Client:
    return mikopbx.Client(sim.url, login=sim.login, password=sim.password, **options)


def async_client_for(sim: Simulator, **options: Any) -> mikopbx.AsyncClient:
    return mikopbx.AsyncClient(sim.url, login=sim.login, password=sim.password, **options)


@pytest.fixture
def client(sim: Simulator) -> Iterator[mikopbx.Client]:
    with client_for(sim) as c:
        yield c
