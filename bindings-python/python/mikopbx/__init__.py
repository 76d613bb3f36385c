"""Client for the MikoPBX REST API: a blocking ``Client``, an asyncio ``AsyncClient``, typed
models and one exception hierarchy, on the SDK's Rust core.

>>> import mikopbx
>>> with mikopbx.Client("https://pbx.example.com", login="admin", password="...") as pbx:
...     for peer in pbx.peer_statuses():
...         print(peer.id, peer.state_raw)

``mikopbx.testing.Simulator`` runs a simulated PBX for tests.
"""

from ._enums import ContactStatus, PeerState, ProviderState
from ._errors import (
    ApiError,
    AuthenticationError,
    DecodeError,
    HttpError,
    InternalError,
    InvalidInputError,
    MikoPBXError,
    TimeoutError,
    TlsError,
    TransportError,
    UnsupportedError,
)
from ._native import (
    AsyncClient,
    Client,
    Contact,
    PeerDetail,
    PeerStatus,
    ProviderRegistration,
    __version__,
    models,
    operations,
)

__all__ = [
    "ApiError",
    "AsyncClient",
    "AuthenticationError",
    "Client",
    "Contact",
    "ContactStatus",
    "DecodeError",
    "HttpError",
    "InternalError",
    "InvalidInputError",
    "MikoPBXError",
    "PeerDetail",
    "PeerState",
    "PeerStatus",
    "ProviderRegistration",
    "ProviderState",
    "TimeoutError",
    "TlsError",
    "TransportError",
    "UnsupportedError",
    "__version__",
    "models",
    "operations",
]
