"""Client for the MikoPBX REST API: a blocking ``Client``, an asyncio ``AsyncClient``, typed
models and one exception hierarchy, on the SDK's Rust core.

>>> import mikopbx
>>> with mikopbx.Client("https://pbx.example.com", login="admin", password="...") as pbx:
...     for peer in pbx.peer_statuses():
...         print(peer.id, peer.state_raw)

``mikopbx.Client.from_env()`` takes the URL and credentials from ``MIKOPBX_URL``,
``MIKOPBX_LOGIN``, ``MIKOPBX_PASSWORD`` and ``MIKOPBX_API_KEY``. The SDK logs to the
``mikopbx`` logger (see ``configure_logging``). ``mikopbx.testing.Simulator`` runs a simulated
PBX for tests.
"""

import atexit

from ._errors import (
    ApiError,
    AuthenticationError,
    DecodeError,
    HttpError,
    InternalError,
    InvalidInputError,
    MikoPBXError,
    RateLimitedError,
    TimeoutError,
    TlsError,
    TransportError,
    UnsupportedError,
)
from ._logging import configure_logging
from ._native import (
    AsyncClient,
    Client,
    __version__,
    _shutdown,
    models,
    operations,
)

# Before the interpreter finalizes, the SDK's threads must stop entering it (runs before
# the atexit handlers registered earlier than this import).
atexit.register(_shutdown)

# <generated: model imports>
from ._enums import CdrDisposition
from ._enums import ContactStatus
from ._enums import ExtensionState
from ._enums import PeerState
from ._enums import ProviderState
from ._enums import ProviderStatusState
from ._enums import ProviderTechnology
from ._enums import WatchEventKind
from ._native import ActiveCall
from ._native import ActiveChannel
from ._native import BannedIp
from ._native import CdrPage
from ._native import CdrRecord
from ._native import Contact
from ._native import ExtensionDevice
from ._native import ExtensionHealth
from ._native import ExtensionStatus
from ._native import Health
from ._native import PeerDetail
from ._native import PeerStatus
from ._native import ProviderHealth
from ._native import ProviderRegistration
from ._native import ProviderStatus
from ._native import SystemInfo
from ._native import WatchEvent
# </generated: model imports>

__all__ = [
    # <generated: model names>
    "ActiveCall",
    "ActiveChannel",
    "BannedIp",
    "CdrDisposition",
    "CdrPage",
    "CdrRecord",
    "Contact",
    "ContactStatus",
    "ExtensionDevice",
    "ExtensionHealth",
    "ExtensionState",
    "ExtensionStatus",
    "Health",
    "PeerDetail",
    "PeerState",
    "PeerStatus",
    "ProviderHealth",
    "ProviderRegistration",
    "ProviderState",
    "ProviderStatus",
    "ProviderStatusState",
    "ProviderTechnology",
    "SystemInfo",
    "WatchEvent",
    "WatchEventKind",
    # </generated: model names>
    "ApiError",
    "AsyncClient",
    "AuthenticationError",
    "Client",
    "DecodeError",
    "HttpError",
    "InternalError",
    "InvalidInputError",
    "MikoPBXError",
    "RateLimitedError",
    "TimeoutError",
    "TlsError",
    "TransportError",
    "UnsupportedError",
    "__version__",
    "configure_logging",
    "models",
    "operations",
]
