"""Checks built wheels as a user without Rust gets them from ``pip install mikopbx``:

    python bindings-python/wheel_check.py DIR_OR_WHEEL... [--venv DIR]

Every wheel must be a manylinux wheel that ``auditwheel show`` finds consistent with the tag
it claims. A wheel for this machine's architecture is then installed into a fresh virtualenv
(no index, nothing else) and run from ``/`` with a ``PATH`` that has no ``rustc`` or
``cargo``: it imports, drives a client against the simulator, and runs the ``mikopbx``
command. Wheels of other architectures are checked but cannot run here; the script says so.
"""

import argparse
import os
import pathlib
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from typing import Dict, List

SMOKE = """
import shutil, sys
import mikopbx
from mikopbx.testing import Simulator

assert shutil.which("rustc") is None and shutil.which("cargo") is None, "Rust is on PATH"
assert mikopbx.__file__.startswith(sys.prefix), mikopbx.__file__
with Simulator() as sim:
    with mikopbx.Client(sim.url, login=sim.login, password=sim.password) as pbx:
        assert [p.id for p in pbx.peer_statuses()] == ["201", "241", "240"]
        assert pbx.peer("201").contact is not None and pbx.ping() > 0
print("mikopbx", mikopbx.__version__, "runs without Rust")
"""


def without_rust() -> Dict[str, str]:
    """This environment with no Rust toolchain on PATH and no trace of the build's venv."""
    dropped = ("VIRTUAL_ENV", "PYTHONPATH", "CARGO_HOME", "RUSTUP_HOME")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    rust = ("rustc", "cargo")
    kept = [
        d for d in env.get("PATH", "").split(os.pathsep) if d and not any(os.path.exists(os.path.join(d, t)) for t in rust)
    ]
    env["PATH"] = os.pathsep.join(kept)
    return env


def audit(wheel: pathlib.Path) -> str:
    """The wheel's architecture, after `auditwheel show` agreed with its manylinux tag."""
    match = re.search(r"manylinux_(\d+)_(\d+)_(\w+)\.whl$", wheel.name)
    if match is None:
        raise SystemExit(f"{wheel.name}: not a manylinux wheel")
    claimed = f"manylinux_{match[1]}_{match[2]}_{match[3]}"
    shown = subprocess.run([sys.executable, "-m", "auditwheel", "show", str(wheel)], capture_output=True, text=True)
    found = re.search(r'consistent with the following platform tag:\s*"(manylinux_(\d+)_(\d+)_\w+)"', shown.stdout)
    if shown.returncode != 0 or found is None:
        raise SystemExit(f"{wheel.name}: auditwheel show failed:\n{shown.stdout}{shown.stderr}")
    if (int(found[2]), int(found[3])) > (int(match[1]), int(match[2])):
        raise SystemExit(f"{wheel.name}: claims {claimed}, but auditwheel finds it needs {found[1]}")
    print(f"{wheel.name}: auditwheel: consistent with {found[1]}")
    return match[3]


def run_without_rust(wheel: pathlib.Path, venv: pathlib.Path) -> None:
    env = without_rust()
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], env=env, check=True)
    python = venv / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-index", "--no-deps"]
    subprocess.run(pip + [str(wheel)], env=env, check=True, cwd="/")
    subprocess.run([str(python), "-c", SMOKE], env=env, check=True, cwd="/")
    command = [str(venv / "bin" / "mikopbx"), "--version"]
    version = subprocess.run(command, env=env, check=True, cwd="/", capture_output=True, text=True)
    print(f"{wheel.name}: installed into a clean venv without Rust: {version.stdout.strip()}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=pathlib.Path, help="wheels, or directories of wheels")
    parser.add_argument("--venv", type=pathlib.Path, help="where to make the clean virtualenv")
    args = parser.parse_args()
    wheels: List[pathlib.Path] = []
    for path in args.paths:
        wheels += sorted(path.glob("*.whl")) if path.is_dir() else [path]
    if not wheels:
        raise SystemExit("no wheel to check")
    here = platform.machine()
    ran = 0
    with tempfile.TemporaryDirectory() as scratch:
        for wheel in wheels:
            architecture = audit(wheel.resolve())
            if architecture != here:
                print(f"{wheel.name}: built for {architecture}; this machine ({here}) cannot run it")
                continue
            run_without_rust(wheel.resolve(), args.venv or pathlib.Path(scratch) / "venv")
            ran += 1
    if ran == 0:
        raise SystemExit(f"no wheel for this machine ({here}) among {[w.name for w in wheels]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
