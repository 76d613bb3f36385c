"""Type stubs of the native extension module (kept true by ``mypy.stubtest``)."""

import datetime
import os
from types import TracebackType
from typing import (
    Any,
    AsyncIterator,
    ClassVar,
    Coroutine,
    Dict,
    Iterator,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Type,
    TypeVar,
    Union,
    final,
)

# <generated: enum imports>
from ._enums import PeerState, ContactStatus, ProviderTechnology, ProviderState, ProviderStatusState, CdrDisposition, ExtensionState, WatchEventKind
# </generated: enum imports>

__all__ = [
    "__version__",
    "Client",
    "AsyncClient",
    # <generated: model names>
    "PeerStatus",
    "Contact",
    "PeerDetail",
    "ProviderRegistration",
    "ProviderStatus",
    "BannedIp",
    "ActiveCall",
    "ActiveChannel",
    "SystemInfo",
    "CdrRecord",
    "CdrPage",
    "ExtensionDevice",
    "ExtensionStatus",
    "ExtensionHealth",
    "ProviderHealth",
    "Health",
    "WatchEvent",
    # </generated: model names>
    "Simulator",
    "Call",
    "Stream",
    "AsyncStream",
    "run_cli",
    "operations",
    "models",
    "schema",
    "_set_log_level",
    "_shutdown",
    "_restore",
]

__version__: str

_JsonValue = Any
"""What ``json.loads`` returns: dict, list, str, int, float, bool or None."""

_QueryValue = Union[str, int, float, bool]
_Params = Union[Mapping[str, _QueryValue], Sequence[Tuple[str, _QueryValue]], None]
_Verify = Union[bool, str, "os.PathLike[str]"]

# <generated: models>
@final
class PeerStatus:
    """One entry of the peer list (`getPeersStatuses`)."""

    @property
    def id(self) -> str:
        """The peer (extension) number, e.g. `201`."""
    @property
    def state(self) -> PeerState:
        """`OK` when a device is registered and answers, else `UNKNOWN` (another
        word is kept as it came).
        """
    @property
    def raw(self) -> _JsonValue:
        """The server's entry as sent."""
    @property
    def state_raw(self) -> str:
        """The server's state string."""
    def to_dict(self) -> Dict[str, Any]:
        """The JSON form: the shape `mikopbx --format json` prints."""
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Contact:
    """One registered contact of a peer (an Asterisk `ContactStatusDetail`)."""

    @property
    def aor(self) -> str:
        """The address of record: the extension the contact belongs to."""
    @property
    def uri(self) -> str:
        """The contact's SIP URI, where the PBX reaches the device."""
    @property
    def user_agent(self) -> str:
        """The device's `User-Agent` (phone model and firmware)."""
    @property
    def reg_expire(self) -> Optional[int]:
        """Registration expiry, unix seconds."""
    @property
    def via_address(self) -> str:
        """The address and port the registration came from (`ip:port`)."""
    @property
    def call_id(self) -> str:
        """The SIP `Call-ID` of the registration."""
    @property
    def status(self) -> Optional[ContactStatus]:
        """Whether the PBX reaches the device: `Reachable`, `Unreachable`, …
        (qualify result).
        """
    @property
    def roundtrip_usec(self) -> Optional[int]:
        """The qualify round-trip time, microseconds."""
    @property
    def endpoint_name(self) -> str:
        """The Asterisk endpoint the contact belongs to."""
    @property
    def contact_id(self) -> str:
        """Asterisk's contact id (`ID`), e.g. `201;@3002860e...`."""
    @property
    def authenticate_qualify(self) -> Optional[bool]:
        """Whether qualify requests are authenticated."""
    @property
    def outbound_proxy(self) -> str:
        """The outbound proxy used to reach the device, if any."""
    @property
    def path(self) -> str:
        """The SIP `Path` header of the registration, if any."""
    @property
    def qualify_frequency(self) -> Optional[int]:
        """Seconds between qualify requests (0: none)."""
    @property
    def qualify_timeout(self) -> Optional[float]:
        """Seconds."""
    @property
    def fields(self) -> Dict[str, _JsonValue]:
        """This contact's fields exactly as sent (without the server's `-1`/`-WS1`
        key suffix).
        """
    @property
    def status_raw(self) -> Optional[str]:
        """The server's status string."""
    @property
    def is_reachable(self) -> bool:
        """True when Asterisk's qualify says the device answers."""
    def to_dict(self) -> Dict[str, Any]:
        """The JSON form: the shape `mikopbx --format json` prints."""
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class PeerDetail:
    """The detail of one peer (`getSipPeer`).

    An unknown peer and a known but unregistered one look the same on the
    server: state `Unknown` and no contact. A registered but unreachable phone
    has state `Ok` and a contact whose status is `Unreachable`.
    """

    @property
    def id(self) -> str:
        """The id that was asked for."""
    @property
    def state(self) -> PeerState:
        """`OK` when a device is registered, else `UNKNOWN` (an unknown peer too)."""
    @property
    def contact(self) -> Optional[Contact]:
        """The primary contact (absent when not registered); its fields are
        flattened into the peer's JSON form.
        """
    @property
    def other_contacts(self) -> List[Contact]:
        """Further contacts (several devices, or the WebRTC twin endpoint)."""
    @property
    def raw(self) -> _JsonValue:
        """The server's `data` object as sent."""
    @property
    def state_raw(self) -> str:
        """The server's state string."""
    @property
    def contacts(self) -> List[Contact]:
        """All contacts, the primary one first."""
    @property
    def is_registered(self) -> bool:
        """Registered: the server has at least one contact for this peer."""
    def to_dict(self) -> Dict[str, Any]:
        """The JSON form: the shape `mikopbx --format json` prints."""
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class ProviderRegistration:
    """Registration of one provider (`sip/getRegistry`, `iax/getRegistry`)."""

    @property
    def id(self) -> str:
        """The provider's id, e.g. `SIP-1601534845`."""
    @property
    def technology(self) -> ProviderTechnology:
        """`sip` or `iax`."""
    @property
    def state(self) -> ProviderState:
        """The registry's word: `OK`, `REGISTERED`, `OFF` (disabled), `REJECTED`, …
        (another word is kept as it came).
        """
    @property
    def username(self) -> str:
        """The account name at the provider."""
    @property
    def host(self) -> str:
        """The provider's host name or address."""
    @property
    def raw(self) -> _JsonValue:
        """The server's entry as sent."""
    @property
    def state_raw(self) -> str:
        """The server's state string."""
    def to_dict(self) -> Dict[str, Any]:
        """The JSON form: the shape `mikopbx --format json` prints."""
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class ProviderStatus:
    """The status of one provider (`sip-providers:getStatuses` on v3; the
    registries on legacy, which have no round-trip times or state times).
    """

    @property
    def id(self) -> str:
        """The provider's id, e.g. `SIP-1601534845`."""
    @property
    def technology(self) -> ProviderTechnology:
        """`sip` or `iax`."""
    @property
    def state(self) -> ProviderStatusState:
        """The state, normalised."""
    @property
    def server_state(self) -> str:
        """The server's state word as sent (`registered`, `OK`, `OFF`, …)."""
    @property
    def host(self) -> str:
        """The provider's host name or address."""
    @property
    def username(self) -> str:
        """The account name at the provider."""
    @property
    def description(self) -> Optional[str]:
        """The provider's name in the PBX (v3 only)."""
    @property
    def rtt_ms(self) -> Optional[int]:
        """Qualify round-trip time, milliseconds (v3 only)."""
    @property
    def state_since(self) -> Optional[datetime.datetime]:
        """Since when the provider is in this state (v3 only)."""
    @property
    def checked_at(self) -> Optional[datetime.datetime]:
        """When the server last checked (v3 only)."""
    @property
    def details(self) -> Optional[str]:
        """The server's explanation (`Registered to …`, a rejection reason), when
        it gives one.
        """
    @property
    def raw(self) -> _JsonValue:
        """The server's entry as sent."""
    def to_dict(self) -> Dict[str, Any]:
        """The JSON form: the shape `mikopbx --format json` prints."""
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class BannedIp:
    """One ban of one address by one fail2ban jail."""

    @property
    def ip(self) -> str:
        """The banned address."""
    @property
    def jail(self) -> str:
        """The fail2ban jail, as the server names it (`asterisk_public_v2`)."""
    @property
    def banned_at(self) -> Optional[datetime.datetime]:
        """When the ban began."""
    @property
    def unban_at(self) -> Optional[datetime.datetime]:
        """When the ban ends."""
    @property
    def country(self) -> Optional[str]:
        """The address's country code (v3 only; `LOCAL` for private networks)."""
    @property
    def country_name(self) -> Optional[str]:
        """The country's name (v3 only)."""
    @property
    def raw(self) -> _JsonValue:
        """The ban's entry as sent."""
    def to_dict(self) -> Dict[str, Any]:
        """The JSON form: the shape `mikopbx --format json` prints."""
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class ActiveCall:
    """One leg of a call in progress (a row of the PBX's temporary CDR table)."""

    @property
    def linkedid(self) -> str:
        """The call this leg belongs to; every leg of a call has the same."""
    @property
    def start(self) -> Optional[datetime.datetime]:
        """When the leg began, the PBX's local time (`2026-01-15T10:30:45.123`)."""
    @property
    def answer(self) -> Optional[datetime.datetime]:
        """When it was answered (absent while ringing)."""
    @property
    def endtime(self) -> Optional[datetime.datetime]:
        """When it ended (the table keeps a leg for a few seconds after that)."""
    @property
    def src_num(self) -> str:
        """The caller's number."""
    @property
    def src_name(self) -> Optional[str]:
        """The caller's name (v3 only)."""
    @property
    def dst_num(self) -> str:
        """The called number."""
    @property
    def dst_name(self) -> Optional[str]:
        """The callee's name (v3 only)."""
    @property
    def did(self) -> Optional[str]:
        """The number dialled from outside, when the call came in on a DID."""
    @property
    def raw(self) -> _JsonValue:
        """The row as sent."""
    def to_dict(self) -> Dict[str, Any]:
        """The JSON form: the shape `mikopbx --format json` prints."""
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class ActiveChannel:
    """One leg of a call whose channels are live in Asterisk."""

    @property
    def linkedid(self) -> str:
        """The call this leg belongs to."""
    @property
    def start(self) -> Optional[datetime.datetime]:
        """When the leg began, the PBX's local time."""
    @property
    def answer(self) -> Optional[datetime.datetime]:
        """When it was answered (absent while ringing)."""
    @property
    def src_chan(self) -> Optional[str]:
        """The calling channel (`PJSIP/201-0000002a`)."""
    @property
    def dst_chan(self) -> Optional[str]:
        """The called channel."""
    @property
    def src_num(self) -> str:
        """The caller's number."""
    @property
    def src_name(self) -> Optional[str]:
        """The caller's name (v3 only)."""
    @property
    def dst_num(self) -> str:
        """The called number."""
    @property
    def dst_name(self) -> Optional[str]:
        """The callee's name (v3 only)."""
    @property
    def did(self) -> Optional[str]:
        """The number dialled from outside (DID), when the call came in through a
        provider.
        """
    @property
    def raw(self) -> _JsonValue:
        """The row as sent."""
    def to_dict(self) -> Dict[str, Any]:
        """The JSON form: the shape `mikopbx --format json` prints."""
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class SystemInfo:
    """What the PBX says about itself (`sysinfo:getInfo` and the server's clock)."""

    @property
    def version(self) -> Optional[str]:
        """The MikoPBX version (`2024.1.114`), from the report's `PBXVersion`
        section.
        """
    @property
    def uptime_seconds(self) -> Optional[int]:
        """Seconds since the PBX booted, parsed from the report's `uptime` line."""
    @property
    def uptime(self) -> Optional[str]:
        """The `uptime` line as the report has it."""
    @property
    def server_time(self) -> Optional[datetime.datetime]:
        """The server's clock when asked."""
    @property
    def report(self) -> str:
        """The whole text report (environment, CPU, memory, storage, network,
        Asterisk…), as sent.
        """
    @property
    def raw(self) -> _JsonValue:
        """Both answers' `data` as sent: `{"info": …, "date": …}`."""
    def to_dict(self) -> Dict[str, Any]:
        """The JSON form: the shape `mikopbx --format json` prints."""
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class CdrRecord:
    """One row of the call history: one leg of a call."""

    @property
    def id(self) -> int:
        """The row's id: increases with every row written."""
    @property
    def linkedid(self) -> str:
        """The call this leg belongs to; every leg of a call has the same."""
    @property
    def start(self) -> Optional[datetime.datetime]:
        """When the leg began, the PBX's local time (`2026-01-15T10:30:45.123`)."""
    @property
    def answer(self) -> Optional[datetime.datetime]:
        """When it was answered (absent when it was not)."""
    @property
    def endtime(self) -> Optional[datetime.datetime]:
        """When it ended."""
    @property
    def src_num(self) -> str:
        """The caller's number."""
    @property
    def src_name(self) -> Optional[str]:
        """The caller's name (caller id), when known."""
    @property
    def src_chan(self) -> Optional[str]:
        """The calling channel (`PJSIP/201-0000002a`)."""
    @property
    def dst_num(self) -> str:
        """The called number."""
    @property
    def dst_name(self) -> Optional[str]:
        """The called party's name, when known."""
    @property
    def dst_chan(self) -> Optional[str]:
        """The Asterisk channel of the called side, when it was reached."""
    @property
    def did(self) -> Optional[str]:
        """The number dialled from outside, when the call came in on a DID."""
    @property
    def disposition(self) -> CdrDisposition:
        """How the call ended: `ANSWERED`, `NO ANSWER`, `BUSY` or `FAILED` (another
        word is kept as it came).
        """
    @property
    def duration(self) -> int:
        """Seconds from start to end."""
    @property
    def billsec(self) -> int:
        """Seconds from answer to end."""
    @property
    def recording_file(self) -> Optional[str]:
        """The recording's file on the PBX, when there is one."""
    @property
    def playback_url(self) -> Optional[str]:
        """A relative URL that plays the recording (a token in it; no login needed)."""
    @property
    def download_url(self) -> Optional[str]:
        """A relative URL that downloads the recording."""
    @property
    def raw(self) -> _JsonValue:
        """The row as sent."""
    def to_dict(self) -> Dict[str, Any]:
        """The JSON form: the shape `mikopbx --format json` prints."""
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class CdrPage:
    """One page of the call history."""

    @property
    def records(self) -> List[CdrRecord]:
        """The rows of this page, oldest first."""
    @property
    def total(self) -> int:
        """The rows that match from this page on (this page included)."""
    @property
    def has_more(self) -> bool:
        """Further rows follow: ask again with `next_cursor`."""
    @property
    def next_cursor(self) -> Optional[str]:
        """Where this page ended: the `cursor` of the next page (absent on the last)."""
    @property
    def raw(self) -> _JsonValue:
        """The server's `pagination` object as sent."""
    def to_dict(self) -> Dict[str, Any]:
        """The JSON form: the shape `mikopbx --format json` prints."""
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class ExtensionDevice:
    """One registered device of an extension."""

    @property
    def ip(self) -> str:
        """The address the device registered from."""
    @property
    def port(self) -> Optional[int]:
        """The port the device registered from."""
    @property
    def user_agent(self) -> str:
        """The device's `User-Agent` (phone model and firmware)."""
    @property
    def rtt_ms(self) -> Optional[float]:
        """Qualify round-trip time, milliseconds."""
    @property
    def country(self) -> Optional[str]:
        """The address's country code (v3 only)."""
    @property
    def raw(self) -> _JsonValue:
        """The device's entry as sent (legacy: the contact's fields)."""
    def to_dict(self) -> Dict[str, Any]:
        """The JSON form: the shape `mikopbx --format json` prints."""
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class ExtensionStatus:
    """The status of one extension with its devices."""

    @property
    def id(self) -> str:
        """The extension number, e.g. `201`."""
    @property
    def state(self) -> PeerState:
        """The same values as `peer_statuses`: `OK` when a device is registered and
        answers (v3 `Available`), else `UNKNOWN`.
        """
    @property
    def server_status(self) -> str:
        """The server's status word: v3 `Available`/`Unavailable`/`Unknown`, legacy
        the peer list's `OK`/`UNKNOWN`.
        """
    @property
    def caller_id(self) -> Optional[str]:
        """The extension's caller id name (v3 only)."""
    @property
    def devices(self) -> List[ExtensionDevice]:
        """The devices registered for it (none when it is offline)."""
    @property
    def rtt_ms(self) -> Optional[float]:
        """The best round-trip time of its devices, milliseconds."""
    @property
    def raw(self) -> _JsonValue:
        """The server's entry as sent (legacy: the peer list's)."""
    def to_dict(self) -> Dict[str, Any]:
        """The JSON form: the shape `mikopbx --format json` prints."""
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class ExtensionHealth:
    """One extension in a health snapshot."""

    @property
    def id(self) -> str:
        """The extension number, e.g. `201`."""
    @property
    def state(self) -> ExtensionState:
        """`online`, `offline`, `unknown` or `disabled`, the same on both
        generations.
        """
    @property
    def server_state(self) -> str:
        """The server's word (`Available`, `OK`, `UNKNOWN`, …)."""
    def to_dict(self) -> Dict[str, Any]:
        """The JSON form: the shape `mikopbx --format json` prints."""
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class ProviderHealth:
    """One provider in a health snapshot."""

    @property
    def id(self) -> str:
        """The provider's id, e.g. `SIP-1601534845`."""
    @property
    def technology(self) -> ProviderTechnology:
        """`sip` or `iax`."""
    @property
    def state(self) -> ProviderStatusState:
        """`registered`, `unregistered`, `rejected`, `disabled`, `checking` or
        `unknown`.
        """
    @property
    def server_state(self) -> str:
        """The server's word (`registered`, `OK`, `OFF`, …)."""
    @property
    def host(self) -> str:
        """The provider's host name or address."""
    @property
    def username(self) -> str:
        """The account name at the provider."""
    @property
    def rtt_ms(self) -> Optional[int]:
        """Qualify round-trip time, milliseconds (v3 only)."""
    @property
    def problem(self) -> bool:
        """Counts as a problem: `unregistered` or `rejected` (a disabled provider,
        one still checking or of unknown state does not).
        """
    def to_dict(self) -> Dict[str, Any]:
        """The JSON form: the shape `mikopbx --format json` prints."""
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Health:
    """One snapshot of a PBX for monitoring."""

    @property
    def reachable(self) -> bool:
        """Everything was read; when false, `error` says why and the lists are empty."""
    @property
    def error_kind(self) -> Optional[str]:
        """The kind of the error that stopped the snapshot (`transport`, `timeout`,
        `authentication`, …), as every surface names error kinds.
        """
    @property
    def error(self) -> Optional[str]:
        """Its message."""
    @property
    def api_generation(self) -> Optional[str]:
        """`legacy` or `v3`, when known."""
    @property
    def taken_at(self) -> datetime.datetime:
        """When the snapshot was started."""
    @property
    def duration_ms(self) -> float:
        """How long it took, milliseconds."""
    @property
    def extensions(self) -> List[ExtensionHealth]:
        """Every extension (after the include/exclude patterns) with its state."""
    @property
    def extensions_online(self) -> int:
        """How many extensions are `online`."""
    @property
    def extensions_offline(self) -> int:
        """How many extensions are `offline`."""
    @property
    def extensions_unknown(self) -> int:
        """How many extensions are `unknown`."""
    @property
    def extensions_disabled(self) -> int:
        """How many extensions are `disabled` (v3 only: 2024.1's API does not name
        them).
        """
    @property
    def providers(self) -> List[ProviderHealth]:
        """Every provider (after the patterns) with its state."""
    @property
    def active_calls(self) -> int:
        """Calls in progress: distinct `linkedid`s with a leg that has not ended."""
    @property
    def call_ids(self) -> List[str]:
        """Their `linkedid`s, sorted."""
    @property
    def problems(self) -> List[str]:
        """What needs attention, one sentence each: the PBX unreachable, a provider
        unregistered or rejected.
        """
    def to_dict(self) -> Dict[str, Any]:
        """The JSON form: the shape `mikopbx --format json` prints."""
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class WatchEvent:
    """One change seen by `watch`."""

    @property
    def kind(self) -> WatchEventKind:
        """What happened: `snapshot`, `extension_changed`, `provider_changed`,
        `call_started`, `call_ended`, `unreachable`, `reachable` or `gap`.
        """
    @property
    def at(self) -> datetime.datetime:
        """When the watcher saw it (the snapshot's time)."""
    @property
    def id(self) -> Optional[str]:
        """The extension's or provider's id, or the call's `linkedid`."""
    @property
    def old_state(self) -> Optional[str]:
        """The state before (normalised; absent for something new)."""
    @property
    def new_state(self) -> Optional[str]:
        """The state now (normalised; absent for something gone)."""
    @property
    def server_state(self) -> Optional[str]:
        """The server's word for the new state."""
    @property
    def error(self) -> Optional[str]:
        """Why the PBX is unreachable."""
    @property
    def since(self) -> Optional[datetime.datetime]:
        """The start of a gap: when the watcher last saw the PBX."""
    @property
    def snapshot(self) -> Optional[Health]:
        """The whole state, for `snapshot` events."""
    def to_dict(self) -> Dict[str, Any]:
        """The JSON form: the shape `mikopbx --format json` prints."""
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

# </generated: models>

@final
class Client:
    """Client of the MikoPBX REST API for plain (threaded) code.

    `Client(url, *, login=None, password=None, api_key=None, ...)`, or `Client.from_env()`.
    The first call logs in; `with Client(...) as pbx:` (or `close()`) ends the session. Safe
    to share between threads: every call releases the interpreter while it waits, and Ctrl-C
    interrupts it with `KeyboardInterrupt` (the request is aborted).

    Args:
        url: The PBX web interface: `http://` or `https://`, any port, a path prefix allowed.
        login: Web-interface login, given with `password`.
        password: Web-interface password.
        api_key: A v3 API key (MikoPBX 2025.1+), instead of login and password.
        api_version: `"auto"` (probe the server once), `"legacy"` or `"v3"`.
        verify: True (the system's roots), False (no verification: traffic can be read and
            changed) or the path of a CA certificate file (PEM).
        pin_sha256: SHA-256 fingerprint (hex, colons allowed) of the one server certificate to
            trust, e.g. MikoPBX's self-signed one (`mikopbx.testing.Simulator` shows its own).
        timeout: Seconds a whole call may take, login, retries and pauses included (45).
        connect_timeout: Seconds to connect (10).
        retries: Extra attempts of reads after connection errors and 429, 502, 503, 504 (2).
        max_response_bytes: Larger answers are refused (8 MiB).
        user_agent: The `User-Agent` header (`mikopbx-sdk/<version>`).
        requests_per_minute: Requests a minute to this server, `0` for no pacing (automatic:
            150 a minute to a v3 server that is not on this host).
        max_in_flight: Requests in flight to this server at once (4).

    None, or leaving an argument out, is the default in parentheses.

    Raises:
        InvalidInputError: An unusable option (bad URL, login without password, ...).
    """

    def __new__(
        cls,
        url: str,
        *,
        login: Optional[str] = None,
        password: Optional[str] = None,
        api_key: Optional[str] = None,
        api_version: Optional[str] = None,
        verify: Optional[_Verify] = None,
        pin_sha256: Optional[str] = None,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        retries: Optional[int] = None,
        max_response_bytes: Optional[int] = None,
        user_agent: Optional[str] = None,
        requests_per_minute: Optional[int] = None,
        max_in_flight: Optional[int] = None,
    ) -> "Client": ...
    @classmethod
    def from_env(
        cls,
        url: Optional[str] = None,
        *,
        login: Optional[str] = None,
        password: Optional[str] = None,
        api_key: Optional[str] = None,
        api_version: Optional[str] = None,
        verify: Optional[_Verify] = None,
        pin_sha256: Optional[str] = None,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        retries: Optional[int] = None,
        max_response_bytes: Optional[int] = None,
        user_agent: Optional[str] = None,
        requests_per_minute: Optional[int] = None,
        max_in_flight: Optional[int] = None,
    ) -> "Client":
        """A client configured from the environment where the arguments leave it open,
        by the rule of the `mikopbx` command.

        `url` defaults to `MIKOPBX_URL`. Credentials are one kind, login and password
        or an API key. The kind passed decides: `login` and `password` (either one
        completed from `MIKOPBX_LOGIN` / `MIKOPBX_PASSWORD`), or `api_key`, and the
        environment's credentials of the other kind are not used. With none passed,
        `MIKOPBX_LOGIN` and `MIKOPBX_PASSWORD` when either is set, else
        `MIKOPBX_API_KEY`. Empty variables count as unset. The other keyword
        arguments are the constructor's.

        Raises:
            InvalidInputError: No URL anywhere, or what the constructor refuses.
        """
    @property
    def url(self) -> str:
        """The server's base URL, with a trailing slash."""
    def close(self) -> None:
        """Ends the session, best effort: logs out if there is a session, and never raises for
        what the server does (a failure is a warning on the `mikopbx` logger), so leaving a
        `with` block keeps its own exception. A later call logs in again. `logout()` is the
        same but raises.
        """
    # <generated: operations>
    def api_generation(self) -> str:
        """The server's API generation (`legacy` or `v3`): forced by the configuration,
        or probed once and cached.
        """
    def login(self) -> None:
        """Logs in now (otherwise the first call does). Starts a fresh session."""
    def logout(self) -> None:
        """Ends the session on the server. Later calls log in again."""
    def ping(self) -> float:
        """Liveness check (`GET /pbxcore/api/system/ping` → `PONG`, no authentication).
        Returns the round-trip time.
        """
    def peer_statuses(self) -> List[PeerStatus]:
        """Registration state of every peer (extension); the same set of ids on both
        generations.
        """
    def peer(self, id: Union[str, int]) -> PeerDetail:
        """Detail of one peer. An unknown or unregistered peer is a normal result with
        state `Unknown` and no contact, as the server reports it.

        Args:
            id: Extension number, e.g. `201`.
        """
    def provider_registrations(self) -> List[ProviderRegistration]:
        """Registration state of every provider: the SIP ones, then the IAX ones."""
    def provider_statuses(self) -> List[ProviderStatus]:
        """The status of every provider, SIP then IAX, in one vocabulary for both
        generations (`registered`, `unregistered`, `rejected`, `disabled`, `checking`,
        `unknown`) with the server's word kept; v3 adds round-trip times and since when
        each state holds (the server refreshes them at most every 10 s).
        """
    def extension_statuses(self) -> List[ExtensionStatus]:
        """Every extension's state (the values of `peer_statuses`) with its registered
        devices (address, user agent, round-trip time). One request on v3 (refreshed by
        the server at most every 30 s); on legacy the peer list and then each registered
        peer's detail, four at a time.
        """
    def active_calls(self) -> List[ActiveCall]:
        """Every leg of the calls in progress (one row per leg; legs of one call share
        `linkedid`; an ended leg stays a few seconds with its `endtime`).
        """
    def active_channels(self) -> List[ActiveChannel]:
        """The legs of calls whose channels are live in Asterisk, with the channel names."""
    def banned_ips(self) -> List[BannedIp]:
        """Every address the firewall (fail2ban) bans: one entry per address and jail, with
        the ban's times and, on v3, the address's country.
        """
    def unban_ip(self, ip: Union[str, int]) -> None:
        """Lifts every ban of an address.

        Args:
            ip: The banned IP address (v4 or v6).
        """
    def health(
        self, include: Optional[Union[str, int]] = None, exclude: Optional[Union[str, int]] = None
    ) -> Health:
        """One monitoring snapshot: reachable or not (and why), every extension (`online`,
        `offline`, `unknown`, `disabled`) with counts, every provider (`registered`,
        `unregistered`, `rejected`, `disabled`, `checking`, `unknown`; unregistered and
        rejected ones are problems), the calls in progress, when and how long. Four
        requests; it does not fail for what the server does (see `reachable`).

        Args:
            include: Only ids matching one of these comma-separated patterns (`*` any text, `?` one character), e.g. `2*,SIP-*`.
            exclude: Leave out ids matching one of these patterns.
        """
    def system_info(self) -> SystemInfo:
        """The PBX's version, uptime and clock, with its whole diagnostic report
        (`sysinfo:getInfo`, which runs a dozen commands on the PBX: ask for it rarely).
        """
    def cdr(
        self, date_from: Optional[Union[str, int]] = None, date_to: Optional[Union[str, int]] = None, src_num: Optional[Union[str, int]] = None, dst_num: Optional[Union[str, int]] = None, disposition: Optional[Union[str, int]] = None, limit: Optional[int] = None, cursor: Optional[Union[str, int]] = None
    ) -> CdrPage:
        """One page of the call history (v3 servers; 2024.1 has none in its REST API):
        the rows after `cursor` that match the filters, oldest first. Walk every page
        by passing each page's `next_cursor` until `has_more` is false (every binding
        has an iterator that does). Without a date or number filter the server keeps
        the last 30 days; a range may span at most 365 days.

        Args:
            date_from: From this day or time on, the PBX's local time: `2026-01-15` or `2026-01-15 10:00:00`.
            date_to: Up to this day (its end) or time.
            src_num: Caller numbers containing this.
            dst_num: Called numbers containing this.
            disposition: Exactly this disposition: `ANSWERED`, `NO ANSWER`, `BUSY` or `FAILED`.
            limit: Rows per page, 1–1000 (default 50; the server clamps other values).
            cursor: The previous page's `next_cursor`; absent for the first page.
        """
    def request(
        self, method: Union[str, int], path: Union[str, int], params: _Params = None, json: _JsonValue = None
    ) -> _JsonValue:
        """Any endpoint, with the same authentication, retries and error handling as the
        typed calls. `path` is below the base URL (`/pbxcore/api/v3/system:ping`,
        `/pbxcore/api/system/getDate`) or short: `sip/getRegistry` is
        `/pbxcore/api/sip/getRegistry` on a legacy server and
        `/pbxcore/api/v3/sip:getRegistry` on a v3 server (the few calls v3 renamed,
        such as `system/getDate` → `system:datetime`, are mapped); a short path with a
        `:` (`sip/201:getStatus`) is a v3 path. Returns the whole JSON answer; a
        plain-text answer comes back as a JSON string. GET and HEAD are retried on
        transient failures, other methods never.

        Args:
            method: An HTTP method: `GET`, `POST`, …
            path: The path, long or short (see above).
            params: Query parameters.
            json: A JSON document sent as the body (`application/json`).
        """
    # </generated: operations>
    def call(self, operation: str, args: Optional[Dict[str, _JsonValue]] = None) -> _JsonValue:
        """Runs any operation of `mikopbx.operations()` by name with its arguments (a dict, or
        None); returns the result as plain Python data (the CLI's `--format json` shape).
        """
    def cdr_records(self, **filters: Union[str, int, None]) -> "Stream[CdrRecord]":
        """Every call record that matches the filters (keywords of `cdr()` but `cursor`),
        oldest first, each once; a page is fetched as the loop reaches it.
        """
    def watch(
        self, interval: Optional[float] = None, include: Optional[str] = None, exclude: Optional[str] = None
    ) -> "Stream[WatchEvent]":
        """Every change of the PBX, forever: `for change in client.watch(interval=30):`. The
        first item is a `snapshot` (a `Health`), then `extension_changed`, `provider_changed`,
        `call_started`, `call_ended`, `unreachable`, `reachable` and `gap` events
        (`WatchEvent.kind`). Polls `health(include, exclude)` every `interval` seconds (default
        30, the server's status cache; at least 0.1) with one session; never raises for what the
        server does. Ctrl-C ends the loop with `KeyboardInterrupt`.
        """
    def __enter__(self) -> "Client": ...
    def __exit__(
        self,
        *_exc_info: Union[Optional[Type[BaseException]], Optional[BaseException], Optional[TracebackType]],
    ) -> None: ...

@final
class AsyncClient:
    """The same client for asyncio: every method is a coroutine running on the core runtime.

    `AsyncClient(url, *, login=None, password=None, api_key=None, ...)`, or
    `AsyncClient.from_env()`. The first call logs in; `async with AsyncClient(...) as pbx:`
    (or `await pbx.aclose()`) ends the session. Safe to share between the tasks of an event
    loop (and between loops and threads); cancelling a task cancels its request.

    Args:
        url: The PBX web interface: `http://` or `https://`, any port, a path prefix allowed.
        login: Web-interface login, given with `password`.
        password: Web-interface password.
        api_key: A v3 API key (MikoPBX 2025.1+), instead of login and password.
        api_version: `"auto"` (probe the server once), `"legacy"` or `"v3"`.
        verify: True (the system's roots), False (no verification: traffic can be read and
            changed) or the path of a CA certificate file (PEM).
        pin_sha256: SHA-256 fingerprint (hex, colons allowed) of the one server certificate to
            trust, e.g. MikoPBX's self-signed one (`mikopbx.testing.Simulator` shows its own).
        timeout: Seconds a whole call may take, login, retries and pauses included (45).
        connect_timeout: Seconds to connect (10).
        retries: Extra attempts of reads after connection errors and 429, 502, 503, 504 (2).
        max_response_bytes: Larger answers are refused (8 MiB).
        user_agent: The `User-Agent` header (`mikopbx-sdk/<version>`).
        requests_per_minute: Requests a minute to this server, `0` for no pacing (automatic:
            150 a minute to a v3 server that is not on this host).
        max_in_flight: Requests in flight to this server at once (4).

    None, or leaving an argument out, is the default in parentheses.

    Raises:
        InvalidInputError: An unusable option (bad URL, login without password, ...).
    """

    def __new__(
        cls,
        url: str,
        *,
        login: Optional[str] = None,
        password: Optional[str] = None,
        api_key: Optional[str] = None,
        api_version: Optional[str] = None,
        verify: Optional[_Verify] = None,
        pin_sha256: Optional[str] = None,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        retries: Optional[int] = None,
        max_response_bytes: Optional[int] = None,
        user_agent: Optional[str] = None,
        requests_per_minute: Optional[int] = None,
        max_in_flight: Optional[int] = None,
    ) -> "AsyncClient": ...
    @classmethod
    def from_env(
        cls,
        url: Optional[str] = None,
        *,
        login: Optional[str] = None,
        password: Optional[str] = None,
        api_key: Optional[str] = None,
        api_version: Optional[str] = None,
        verify: Optional[_Verify] = None,
        pin_sha256: Optional[str] = None,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        retries: Optional[int] = None,
        max_response_bytes: Optional[int] = None,
        user_agent: Optional[str] = None,
        requests_per_minute: Optional[int] = None,
        max_in_flight: Optional[int] = None,
    ) -> "AsyncClient":
        """A client configured from the environment where the arguments leave it open,
        by the rule of the `mikopbx` command.

        `url` defaults to `MIKOPBX_URL`. Credentials are one kind, login and password
        or an API key. The kind passed decides: `login` and `password` (either one
        completed from `MIKOPBX_LOGIN` / `MIKOPBX_PASSWORD`), or `api_key`, and the
        environment's credentials of the other kind are not used. With none passed,
        `MIKOPBX_LOGIN` and `MIKOPBX_PASSWORD` when either is set, else
        `MIKOPBX_API_KEY`. Empty variables count as unset. The other keyword
        arguments are the constructor's.

        Raises:
            InvalidInputError: No URL anywhere, or what the constructor refuses.
        """
    @property
    def url(self) -> str:
        """The server's base URL, with a trailing slash."""
    def aclose(self) -> Coroutine[Any, Any, None]:
        """Ends the session, best effort (see `Client.close()`): never raises for what the
        server does; a failure is a warning on the `mikopbx` logger.
        """
    # <generated: async operations>
    def api_generation(self) -> Coroutine[Any, Any, str]:
        """The server's API generation (`legacy` or `v3`): forced by the configuration,
        or probed once and cached.
        """
    def login(self) -> Coroutine[Any, Any, None]:
        """Logs in now (otherwise the first call does). Starts a fresh session."""
    def logout(self) -> Coroutine[Any, Any, None]:
        """Ends the session on the server. Later calls log in again."""
    def ping(self) -> Coroutine[Any, Any, float]:
        """Liveness check (`GET /pbxcore/api/system/ping` → `PONG`, no authentication).
        Returns the round-trip time.
        """
    def peer_statuses(self) -> Coroutine[Any, Any, List[PeerStatus]]:
        """Registration state of every peer (extension); the same set of ids on both
        generations.
        """
    def peer(self, id: Union[str, int]) -> Coroutine[Any, Any, PeerDetail]:
        """Detail of one peer. An unknown or unregistered peer is a normal result with
        state `Unknown` and no contact, as the server reports it.

        Args:
            id: Extension number, e.g. `201`.
        """
    def provider_registrations(self) -> Coroutine[Any, Any, List[ProviderRegistration]]:
        """Registration state of every provider: the SIP ones, then the IAX ones."""
    def provider_statuses(self) -> Coroutine[Any, Any, List[ProviderStatus]]:
        """The status of every provider, SIP then IAX, in one vocabulary for both
        generations (`registered`, `unregistered`, `rejected`, `disabled`, `checking`,
        `unknown`) with the server's word kept; v3 adds round-trip times and since when
        each state holds (the server refreshes them at most every 10 s).
        """
    def extension_statuses(self) -> Coroutine[Any, Any, List[ExtensionStatus]]:
        """Every extension's state (the values of `peer_statuses`) with its registered
        devices (address, user agent, round-trip time). One request on v3 (refreshed by
        the server at most every 30 s); on legacy the peer list and then each registered
        peer's detail, four at a time.
        """
    def active_calls(self) -> Coroutine[Any, Any, List[ActiveCall]]:
        """Every leg of the calls in progress (one row per leg; legs of one call share
        `linkedid`; an ended leg stays a few seconds with its `endtime`).
        """
    def active_channels(self) -> Coroutine[Any, Any, List[ActiveChannel]]:
        """The legs of calls whose channels are live in Asterisk, with the channel names."""
    def banned_ips(self) -> Coroutine[Any, Any, List[BannedIp]]:
        """Every address the firewall (fail2ban) bans: one entry per address and jail, with
        the ban's times and, on v3, the address's country.
        """
    def unban_ip(self, ip: Union[str, int]) -> Coroutine[Any, Any, None]:
        """Lifts every ban of an address.

        Args:
            ip: The banned IP address (v4 or v6).
        """
    def health(
        self, include: Optional[Union[str, int]] = None, exclude: Optional[Union[str, int]] = None
    ) -> Coroutine[Any, Any, Health]:
        """One monitoring snapshot: reachable or not (and why), every extension (`online`,
        `offline`, `unknown`, `disabled`) with counts, every provider (`registered`,
        `unregistered`, `rejected`, `disabled`, `checking`, `unknown`; unregistered and
        rejected ones are problems), the calls in progress, when and how long. Four
        requests; it does not fail for what the server does (see `reachable`).

        Args:
            include: Only ids matching one of these comma-separated patterns (`*` any text, `?` one character), e.g. `2*,SIP-*`.
            exclude: Leave out ids matching one of these patterns.
        """
    def system_info(self) -> Coroutine[Any, Any, SystemInfo]:
        """The PBX's version, uptime and clock, with its whole diagnostic report
        (`sysinfo:getInfo`, which runs a dozen commands on the PBX: ask for it rarely).
        """
    def cdr(
        self, date_from: Optional[Union[str, int]] = None, date_to: Optional[Union[str, int]] = None, src_num: Optional[Union[str, int]] = None, dst_num: Optional[Union[str, int]] = None, disposition: Optional[Union[str, int]] = None, limit: Optional[int] = None, cursor: Optional[Union[str, int]] = None
    ) -> Coroutine[Any, Any, CdrPage]:
        """One page of the call history (v3 servers; 2024.1 has none in its REST API):
        the rows after `cursor` that match the filters, oldest first. Walk every page
        by passing each page's `next_cursor` until `has_more` is false (every binding
        has an iterator that does). Without a date or number filter the server keeps
        the last 30 days; a range may span at most 365 days.

        Args:
            date_from: From this day or time on, the PBX's local time: `2026-01-15` or `2026-01-15 10:00:00`.
            date_to: Up to this day (its end) or time.
            src_num: Caller numbers containing this.
            dst_num: Called numbers containing this.
            disposition: Exactly this disposition: `ANSWERED`, `NO ANSWER`, `BUSY` or `FAILED`.
            limit: Rows per page, 1–1000 (default 50; the server clamps other values).
            cursor: The previous page's `next_cursor`; absent for the first page.
        """
    def request(
        self, method: Union[str, int], path: Union[str, int], params: _Params = None, json: _JsonValue = None
    ) -> Coroutine[Any, Any, _JsonValue]:
        """Any endpoint, with the same authentication, retries and error handling as the
        typed calls. `path` is below the base URL (`/pbxcore/api/v3/system:ping`,
        `/pbxcore/api/system/getDate`) or short: `sip/getRegistry` is
        `/pbxcore/api/sip/getRegistry` on a legacy server and
        `/pbxcore/api/v3/sip:getRegistry` on a v3 server (the few calls v3 renamed,
        such as `system/getDate` → `system:datetime`, are mapped); a short path with a
        `:` (`sip/201:getStatus`) is a v3 path. Returns the whole JSON answer; a
        plain-text answer comes back as a JSON string. GET and HEAD are retried on
        transient failures, other methods never.

        Args:
            method: An HTTP method: `GET`, `POST`, …
            path: The path, long or short (see above).
            params: Query parameters.
            json: A JSON document sent as the body (`application/json`).
        """
    # </generated: async operations>
    def call(
        self, operation: str, args: Optional[Dict[str, _JsonValue]] = None
    ) -> Coroutine[Any, Any, _JsonValue]:
        """Runs any operation of `mikopbx.operations()` by name (see `Client.call`)."""
    def cdr_records(self, **filters: Union[str, int, None]) -> "AsyncStream[CdrRecord]":
        """Every call record that matches the filters, for `async for` (see `Client.cdr_records`)."""
    def watch(
        self, interval: Optional[float] = None, include: Optional[str] = None, exclude: Optional[str] = None
    ) -> "AsyncStream[WatchEvent]":
        """Every change of the PBX, for `async for` (see `Client.watch`)."""
    def __aenter__(self) -> Coroutine[Any, Any, "AsyncClient"]: ...
    def __aexit__(
        self,
        *_exc_info: Union[Optional[Type[BaseException]], Optional[BaseException], Optional[TracebackType]],
    ) -> Coroutine[Any, Any, None]: ...

@final
class Simulator:
    """A running MikoPBX simulator for tests: a context manager that stops it on exit.

    `Simulator(api="legacy")` serves the legacy API of MikoPBX ≤ 2024.x on
    `http://127.0.0.1:<free port>` (`url`), with its own login and password (`login`,
    `password`), in this process.

    Args:
        api: `"legacy"` or `"v3"` (MikoPBX 2025.1+: JWT logins and API keys).
        https: Serve HTTPS with a generated self-signed certificate (`certificate_sha256`).
        trust_loopback: Let loopback clients in without credentials, as the real server does.
        login_limit: The login throttle's limit per 300 s, counted as the real servers count
            (legacy: attempts per client address; v3: failed logins of all clients).
        session_idle: Seconds after which an unused session expires.
        access_token_ttl: Seconds a v3 access token lives.
        state: The PBX state: a dict or JSON text shaped like the simulator's default state.
        rate_limit: `"REQUESTS/WINDOW[/BLOCK]"` seconds, as `mikopbx-sim --rate-limit`
            (`"200/60/300"` is MikoPBX 2026.1's).
    """

    def __new__(
        cls,
        *,
        api: str = "legacy",
        https: bool = False,
        trust_loopback: bool = False,
        login_limit: int = 10,
        session_idle: float = 3600.0,
        access_token_ttl: float = 900.0,
        state: Union[Dict[str, Any], str, None] = None,
        rate_limit: Optional[str] = None,
    ) -> "Simulator": ...
    @property
    def url(self) -> str:
        """Base URL, e.g. `http://127.0.0.1:41234`."""
    @property
    def api(self) -> str:
        """The API generation it speaks: `"legacy"` or `"v3"`."""
    @property
    def api_key(self) -> Optional[str]:
        """The first API key of the state (v3 servers accept it as `api_key`)."""
    @property
    def login(self) -> str:
        """The simulated PBX's web login."""
    @property
    def password(self) -> str:
        """The simulated PBX's web password (a test credential)."""
    @property
    def certificate_sha256(self) -> Optional[str]:
        """SHA-256 of the certificate (hex) when serving HTTPS: pass it as `pin_sha256`."""
    @property
    def certificate_pem(self) -> Optional[str]:
        """The self-signed certificate (PEM) when serving HTTPS."""
    def state(self) -> Dict[str, Any]:
        """The whole PBX state as a dict."""
    def set_state(self, state: Union[Dict[str, Any], str]) -> None:
        """Replaces the whole PBX state (a dict or JSON text, the shape `state()` returns)."""
    def patch_state(self, patch: Dict[str, Any]) -> None:
        """Changes any section of the state with a JSON merge patch (`{"webrtc": True}`,
        `{"banned_ips": {...}}`; `None` removes a key).
        """
    def set_peer(
        self, id: str, state: str = "OK", contacts: Optional[Sequence[Dict[str, Any]]] = None
    ) -> None:
        """Adds or replaces a peer; `contacts` are Asterisk contact fields (`{"URI": ..., ...}`)."""
    def remove_peer(self, id: str) -> None:
        """Removes a peer (nothing happens when there is none)."""
    def set_provider(self, id: str, **fields: Any) -> None:
        """Sets fields of a provider (created when missing), e.g. `set_provider("SIP-1", state="REJECTED")`."""
    def expire_sessions(self) -> None:
        """Ends every session, as an idle timeout or a server restart would."""
    def expire_refresh_tokens(self) -> None:
        """Ends every v3 refresh token, so the client's next renewal must log in again."""
    def reset_login_throttle(self) -> None:
        """Forgets the logins counted by the login throttle."""
    def add_fault(self, fault: Optional[Dict[str, Any]] = None, **fields: Any) -> None:
        """Injects a fault, as a dict and/or keywords: `kind` (`status`, `delay`, `truncated`,
        `html`, `drop`), `status`, `retry_after`, `delay_ms`, `path` (prefix), `count`
        (absent: until `clear_faults()`).
        """
    def clear_faults(self) -> None:
        """Removes every injected fault."""
    def stats(self) -> Dict[str, int]:
        """Counters: `login_attempts`, `logins`, `api_requests`, `unauthorized`, `active_sessions`."""
    def stop(self) -> None:
        """Stops accepting and closes open connections."""
    def __enter__(self) -> "Simulator": ...
    def __exit__(
        self,
        *_exc_info: Union[Optional[Type[BaseException]], Optional[BaseException], Optional[TracebackType]],
    ) -> None: ...

@final
class Call:
    """One pending call, driven by `mikopbx._aio.run`: `fileno()` becomes readable when the call
    has finished, `start()` spawns it, `result()` returns its value or raises its error,
    `cancel()` aborts it (dropping the core future cancels the request).
    """

    def fileno(self) -> int:
        """The descriptor that becomes readable when the call has finished."""
    def start(self) -> None:
        """Spawns the call on the SDK's runtime (once)."""
    def cancel(self) -> None:
        """Aborts the call, if it is still running."""
    def result(self) -> Any:
        """The finished call's value; raises its error."""

_Item = TypeVar("_Item")

@final
class Stream(Iterator[_Item]):
    """What `Client.cdr_records()` and `Client.watch()` return: a loop over their items, fetched
    as the loop reaches them. Ctrl-C interrupts a wait (the next `next()` resumes it).
    """

    def __iter__(self) -> "Stream[_Item]": ...
    def __next__(self) -> _Item: ...

@final
class AsyncStream(AsyncIterator[_Item]):
    """The asyncio form, what `AsyncClient.cdr_records()` and `AsyncClient.watch()` return: for
    `async for`.
    """

    def __aiter__(self) -> "AsyncStream[_Item]": ...
    def __anext__(self) -> Coroutine[Any, Any, _Item]: ...

def run_cli(args: List[str]) -> int:
    """Runs the `mikopbx` command-line tool (`args[0]` is the program name); returns its exit code."""
def operations() -> List[Dict[str, Any]]:
    """The operations of the SDK: a list of dicts with `name`, `doc`, `arguments`, `result`,
    `idempotent` and `example` (arguments that make a valid call).
    """
def models() -> Dict[str, Any]:
    """The core's models and state enums: `{"models": [{name, doc, fields}], "enums": [{name,
    values}]}` (what every binding's classes carry).
    """
def schema() -> Dict[str, Any]:
    """What the stub generator (`make python-stubs`) reads: the models with their Python types,
    and the operations with their arguments' and results' Python types.
    """
def _set_log_level(level: Optional[str]) -> None:
    """Delivers the core's events at `level` (`"error"` … `"trace"`) and above to `logging`;
    `None` delivers none. What `mikopbx.configure_logging()` calls with the level it read.
    """
def _shutdown() -> None:
    """Closes the gate (the `atexit` hook of `mikopbx._logging`) and waits, detached, for the
    attachments under way: they need the interpreter to finish.
    """
def _restore(model: str, state: str) -> Any:
    """A pickled model (`__reduce__`'s form), loaded again."""
