"""The exception hierarchy. The native module raises these, one class per core error kind."""

import builtins
from typing import List, Optional, Sequence


class MikoPBXError(Exception):
    """Base class of every error the client raises. The text names the URL involved and never
    contains a password, API key or session cookie.

    ``kind`` is the core's stable name (``"authentication"``, ``"api"``, ``"http"``, ...),
    ``status`` the HTTP status when the error came with one (authentication errors included),
    ``url`` the URL involved, ``messages`` the server's own messages (API and authentication
    errors), ``excerpt`` the start of an undecodable body (decode errors)."""

    kind: str
    status: Optional[int]
    url: Optional[str]
    messages: List[str]
    excerpt: Optional[str]

    def __init__(
        self,
        message: str,
        *,
        kind: str = "",
        status: Optional[int] = None,
        url: Optional[str] = None,
        messages: Sequence[str] = (),
        excerpt: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status
        self.url = url
        self.messages = list(messages)
        self.excerpt = excerpt


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
