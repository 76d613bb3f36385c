"""States as the server reports them. Each enum's values are the server's strings; a string
this SDK does not know yet is ``OTHER`` (value ``None``), and the model's ``state_raw`` /
``status_raw`` attribute always holds the server's exact string.

Generated from core's model list by ``make python-stubs`` (bindings-python/stubs.py)."""

import enum


class PeerState(enum.Enum):
    """Peer state as MikoPBX reports it. `Ok`: the device is registered (legacy
    `getPeersStatuses`: Asterisk device state "Not in use"/"Busy"; `getSipPeer`:
    a contact URI exists). Everything else is `Unknown` on the legacy API.
    """

    OK = "OK"
    UNKNOWN = "UNKNOWN"
    OTHER = None


class ContactStatus(enum.Enum):
    """Asterisk's qualify status of one registered contact."""

    REACHABLE = "Reachable"
    UNREACHABLE = "Unreachable"
    NON_QUALIFIED = "NonQualified"
    UNKNOWN = "Unknown"
    OTHER = None


class ProviderTechnology(enum.Enum):
    """The protocol of a provider."""

    SIP = "sip"
    IAX = "iax"
    OTHER = None


class ProviderState(enum.Enum):
    """Registration state of a provider (trunk), as the server reports it: SIP
    registries use these upper-case words; IAX reports Asterisk's own
    (`Registered`, `Request Sent`, `Error register.`) or, without registration,
    the peer's status (`OK`, `UNREACHABLE`), kept as `Other` where unlisted.
    """

    REGISTERED = "REGISTERED"
    UNREGISTERED = "UNREGISTERED"
    REJECTED = "REJECTED"
    """The provider is disabled."""
    OFF = "OFF"
    """A provider without outbound registration whose endpoint is reachable."""
    OK = "OK"
    UNKNOWN = "UNKNOWN"
    OTHER = None


class ProviderStatusState(enum.Enum):
    """A provider's state in one vocabulary for both generations, made by the SDK
    from the server's words (kept beside it as `server_state`):
    `REGISTERED`/`registered`/`Registered`, and `OK`/`lagged` of a provider
    without registration, are `registered`; `UNREGISTERED`, `unreachable`,
    `Timeout` are `unregistered`; `REJECTED`, `No Authentication`,
    `Error register.` are `rejected`; `OFF` is `disabled`; `Request Sent`,
    `Auth. Sent`, `Trying` are `checking`; anything else is `unknown` (this
    enum is never `Other`).
    """

    REGISTERED = "registered"
    UNREGISTERED = "unregistered"
    REJECTED = "rejected"
    DISABLED = "disabled"
    CHECKING = "checking"
    UNKNOWN = "unknown"
    OTHER = None


class CdrDisposition(enum.Enum):
    """How a call ended, as Asterisk's CDR writes it."""

    ANSWERED = "ANSWERED"
    NO_ANSWER = "NO ANSWER"
    BUSY = "BUSY"
    FAILED = "FAILED"
    OTHER = None


class ExtensionState(enum.Enum):
    """An extension's state for monitoring, made by the SDK from both generations'
    words (kept as `server_state`): v3 `Available` and legacy `OK` are `online`,
    v3 `Unavailable` and legacy `UNKNOWN` (no registered device) `offline`, v3
    `Unknown` `unknown`; `disabled` for extensions switched off in the PBX,
    which v3 names in its employee list and 2024.1's API does not name at all
    (this enum is never `Other`).
    """

    ONLINE = "online"
    OFFLINE = "offline"
    UNKNOWN = "unknown"
    DISABLED = "disabled"
    OTHER = None


class WatchEventKind(enum.Enum):
    """What a watch event says."""

    """The whole state (`snapshot`): the first event, and again after a gap."""
    SNAPSHOT = "snapshot"
    EXTENSION_CHANGED = "extension_changed"
    PROVIDER_CHANGED = "provider_changed"
    """A call (`id` is its `linkedid`) is in progress that was not before."""
    CALL_STARTED = "call_started"
    CALL_ENDED = "call_ended"
    """The PBX could not be read (`error` says why); the watcher keeps trying."""
    UNREACHABLE = "unreachable"
    REACHABLE = "reachable"
    """The watcher could not see from `since` to `at`: changes in between may
    be reported late (as the difference) or not at all (if undone).
    """
    GAP = "gap"
    OTHER = None
