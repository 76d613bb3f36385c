"""The example script runs as documented (it is also checked by `mypy --strict`)."""

import os
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_quickstart_runs_against_the_embedded_simulator() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIKOPBX_")}
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "quickstart.py")], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "peer 201: registered" in done.stdout
    assert "registered (async): 201" in done.stdout


def test_alerts_prints_the_changes_it_makes_on_the_simulator() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIKOPBX_")}
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "alerts.py")], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "watching: 1 phones online, 0 problems",
        "phone 201 is offline (was online)",
        "trunk SIP-1601534845 is rejected (rejected)",
    ]
