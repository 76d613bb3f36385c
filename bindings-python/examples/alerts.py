"""Alerts from a PBX's change stream: a phone going offline, a trunk losing its registration,
the PBX unreachable, without a line of polling code.

Against a PBX:  MIKOPBX_URL=https://pbx MIKOPBX_LOGIN=admin MIKOPBX_PASSWORD=... python alerts.py
Without one, it starts the embedded simulator, takes phone 201 offline, has a trunk's
registration rejected, prints the alerts and stops.
"""

import os
import sys
import threading
from typing import Optional

import mikopbx
from mikopbx.testing import Simulator


def alert(change: mikopbx.WatchEvent) -> Optional[str]:
    """The line to send (to a chat, a pager…) for a change, or None for news that needs none."""
    kind = mikopbx.WatchEventKind
    if change.kind is kind.SNAPSHOT and change.snapshot is not None:
        health = change.snapshot
        return f"watching: {health.extensions_online} phones online, {len(health.problems)} problems"
    if change.kind is kind.EXTENSION_CHANGED and change.new_state != "online":
        return f"phone {change.id} is {change.new_state} (was {change.old_state})"
    if change.kind is kind.PROVIDER_CHANGED and change.new_state in ("unregistered", "rejected"):
        return f"trunk {change.id} is {change.new_state} ({change.server_state})"
    if change.kind is kind.UNREACHABLE:
        return f"PBX unreachable: {change.error}"
    if change.kind is kind.GAP:
        return f"could not see the PBX since {change.since}: some changes may be missing"
    return None


def watch(client: mikopbx.Client, interval: float, limit: Optional[int]) -> None:
    for seen, change in enumerate(client.watch(interval=interval), start=1):
        line = alert(change)
        if line is not None:
            print(line)
        if limit is not None and seen >= limit:
            return


def main() -> int:
    url = os.environ.get("MIKOPBX_URL")
    try:
        if url is None:
            with Simulator(api="v3") as sim, mikopbx.Client(sim.url, login=sim.login, password=sim.password) as pbx:

                def trouble() -> None:
                    sim.set_peer("201", "UNKNOWN", [])
                    sim.set_provider("SIP-1601534845", state="REJECTED")

                threading.Timer(0.5, trouble).start()
                watch(pbx, interval=0.3, limit=3)
        else:
            login, password = os.environ.get("MIKOPBX_LOGIN"), os.environ.get("MIKOPBX_PASSWORD")
            with mikopbx.Client(url, login=login, password=password) as pbx:
                watch(pbx, interval=30, limit=None)
    except KeyboardInterrupt:
        return 0
    except mikopbx.MikoPBXError as e:
        print(f"{type(e).__name__} ({e.kind}): {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
