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
