"""Shared fixtures: a fresh simulator per test and clients logged in to it."""

from typing import Any, Iterator

import pytest

import mikopbx
from mikopbx.testing import Simulator


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
