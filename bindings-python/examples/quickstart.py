"""Quickstart: peers, one peer and providers, with the blocking and the asyncio client.

Against a PBX:  MIKOPBX_URL=https://pbx MIKOPBX_LOGIN=admin MIKOPBX_PASSWORD=... python quickstart.py
Without one, it starts the embedded simulator (mikopbx.testing.Simulator).
"""

import asyncio
import os
import sys
from typing import List, Optional

import mikopbx
from mikopbx.testing import Simulator


def report(client: mikopbx.Client) -> None:
    peers: List[mikopbx.PeerStatus] = client.peer_statuses()
    for peer in peers:
        marker = "registered" if peer.state is mikopbx.PeerState.OK else peer.state_raw
        print(f"peer {peer.id}: {marker}")
    detail = client.peer("201")
    contact: Optional[mikopbx.Contact] = detail.contact
    if contact is not None:
        print(f"201 at {contact.uri}, {contact.status_raw}, {contact.roundtrip_usec} µs")
    for provider in client.provider_registrations():
        print(f"provider {provider.id} ({provider.host}): {provider.state.name}")
    answer = client.request("GET", "/pbxcore/api/sip/getPeersStatuses")
    print("raw answer has", len(answer["data"]), "peers")


async def report_async(url: str, login: Optional[str], password: Optional[str]) -> None:
    async with mikopbx.AsyncClient(url, login=login, password=password) as client:
        details = await asyncio.gather(*(client.peer(peer.id) for peer in await client.peer_statuses()))
        registered = [d.id for d in details if d.is_registered]
        print("registered (async):", ", ".join(registered))


def main() -> int:
    url = os.environ.get("MIKOPBX_URL")
    login = os.environ.get("MIKOPBX_LOGIN")
    password = os.environ.get("MIKOPBX_PASSWORD")
    try:
        if url is None:
            with Simulator() as sim:
                with mikopbx.Client(sim.url, login=sim.login, password=sim.password) as client:
                    report(client)
                asyncio.run(report_async(sim.url, sim.login, sim.password))
        else:
            with mikopbx.Client(url, login=login, password=password) as client:
                report(client)
            asyncio.run(report_async(url, login, password))
    except mikopbx.AuthenticationError as e:
        print(f"login failed: {e} {e.messages}", file=sys.stderr)
        return 3
    except mikopbx.MikoPBXError as e:
        print(f"{type(e).__name__} ({e.kind}): {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
