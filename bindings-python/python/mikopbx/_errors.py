"""The exception hierarchy. The native module raises these, one class per core error kind."""

import builtins
from typing import List, Optional, Sequence


class MikoPBXError(Exception):
    """Base class of every error the client raises. The text names the URL involved and never
    contains a password, API key or session cookie.

    ``kind`` is the core's stable name (``"authentication"``, ``"api"``, ``"http"``, ...),
    ``status`` the HTTP status when the error came with one (authentication errors included),
    ``url`` the URL involved, ``messages`` the server's own messages (API and authentication
    errors), ``excerpt`` the start of an undecodable body (decode errors), ``retry_after``
    the seconds until a rate-limited call may succeed."""

    kind: str
    status: Optional[int]
    url: Optional[str]
    messages: List[str]
    excerpt: Optional[str]
    retry_after: Optional[float]

    def __init__(
        self,
        message: str,
        *,
        kind: str = "",
        status: Optional[int] = None,
        url: Optional[str] = None,
        messages: Sequence[str] = (),
        excerpt: Optional[str] = None,
        retry_after: Optional[float] = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status
        self.url = url
        self.messages = list(messages)
        self.excerpt = excerpt
        self.retry_after = retry_after


class AuthenticationError(MikoPBXError):
    """Login failed, the session was refused, or the server needs credentials."""


class ApiError(MikoPBXError):
    """The server processed the call and answered ``result: false``; see ``messages``."""


class HttpError(MikoPBXError):
    """The server answered an HTTP error status (``status``) without a usable envelope."""


class TransportError(MikoPBXError):
    """The connection could not be made or broke."""


class TimeoutError(MikoPBXError, builtins.TimeoutError):
    """Connecting or waiting for the answer took too long (also a built-in ``TimeoutError``)."""


class TlsError(MikoPBXError):
    """The TLS handshake failed: untrusted certificate, pin mismatch, protocol error."""


class DecodeError(MikoPBXError):
    """The answer was not the expected JSON (HTML page, truncated body)."""


class InvalidInputError(MikoPBXError, ValueError):
    """An argument is unusable (bad URL, bad PEM, empty id); also a ``ValueError``."""


class UnsupportedError(MikoPBXError):
    """The server's API generation does not offer this call."""


class InternalError(MikoPBXError):
    """A bug in this SDK (a panic caught at its boundary); please report it with the message."""


class RateLimitedError(MikoPBXError):
    """The server's rate limit blocked this address (MikoPBX 2026.1 blocks for 300 s and
    more), or the client's own pacing could not fit the call into its timeout; see
    ``retry_after``."""
