"""The `mikopbx` console script and `python -m mikopbx`: the CLI of cli/, same exit codes."""

import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

import pytest

from mikopbx.testing import Simulator

SCRIPT = Path(sys.executable).with_name("mikopbx")
LAUNCHERS = {"script": [str(SCRIPT)], "module": [sys.executable, "-m", "mikopbx"]}
SECRET = "cli-secret-password"


def run(launcher: str, args: List[str], env: Dict[str, str]) -> "subprocess.CompletedProcess[str]":
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MIKOPBX_")}
    return subprocess.run(
        LAUNCHERS[launcher] + args, env={**clean, **env}, capture_output=True, text=True, timeout=60
    )


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def test_console_script_is_installed() -> None:
    assert SCRIPT.exists()


@pytest.mark.parametrize("launcher", sorted(LAUNCHERS))
def test_exit_codes(launcher: str, sim: Simulator) -> None:
    creds = {"MIKOPBX_URL": sim.url, "MIKOPBX_LOGIN": sim.login, "MIKOPBX_PASSWORD": sim.password}

    # Before any session is kept: a kept session would be used for this URL and login.
    denied = run(launcher, ["peers"], {**creds, "MIKOPBX_PASSWORD": SECRET})
    assert denied.returncode == 3
    assert SECRET not in denied.stdout + denied.stderr
    assert denied.stderr.startswith("mikopbx: ")

    ok = run(launcher, ["peers"], creds)
    assert ok.returncode == 0, ok.stderr
    assert "201" in ok.stdout and "OK" in ok.stdout

    usage = run(launcher, ["--no-such-flag"], creds)
    assert usage.returncode == 2
    assert run(launcher, ["peers"], {}).returncode == 2

    unreachable = run(launcher, ["ping"], {"MIKOPBX_URL": closed_port_url()})
    assert unreachable.returncode == 4

    server_error = run(launcher, ["request", "GET", "/pbxcore/api/sip/noSuchAction"], creds)
    assert server_error.returncode == 5
    assert "Unknown action" in server_error.stderr


def test_json_output_and_version() -> None:
    version = run("module", ["--version"], {})
    assert version.returncode == 0 and version.stdout.startswith("mikopbx ")
    demo = run("script", ["demo", "--format", "json"], {})
    assert demo.returncode == 0, demo.stderr
    assert '"api_generation": "legacy"' in demo.stdout
