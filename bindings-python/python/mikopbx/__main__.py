"""``python -m mikopbx`` and the ``mikopbx`` console script: the SDK's one command-line tool."""

import sys

from ._native import run_cli


def main() -> int:
    """Runs the tool with this process's arguments and returns its exit code."""
    sys.stdout.flush()
    sys.stderr.flush()
    return run_cli(["mikopbx", *sys.argv[1:]])


if __name__ == "__main__":
    sys.exit(main())
