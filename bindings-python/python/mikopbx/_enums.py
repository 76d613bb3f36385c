"""States as the server reports them. Each enum's values are the server's strings; a string
this SDK does not know yet is ``OTHER`` (value ``None``), and the model's ``state_raw`` /
``status_raw`` attribute always holds the server's exact string."""

import enum


class PeerState(enum.Enum):
    """Registration state of a peer (extension)."""

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


class ProviderState(enum.Enum):
    """Registration state of a SIP provider (trunk)."""

    REGISTERED = "REGISTERED"
    UNREGISTERED = "UNREGISTERED"
    REJECTED = "REJECTED"
    OFF = "OFF"
    OK = "OK"
    UNKNOWN = "UNKNOWN"
    OTHER = None
