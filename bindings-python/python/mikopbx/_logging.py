"""The SDK's log in :mod:`logging`: the core's events (requests and responses, retries,
pacing, logins and failed logins, session renewals, logouts) as records of the ``mikopbx``
logger's children, named after the core's modules: ``mikopbx.transport`` (``request``,
``response``, ``retrying`` at DEBUG), ``mikopbx.pacing`` (DEBUG), ``mikopbx.auth`` (logging
in and out at INFO, a failed login at WARNING, a refreshed token at DEBUG),
``mikopbx.client`` (a session the server ended, at INFO). No record holds a password, API
key, token or cookie. Like any library's log it shows nothing until the program configures
:mod:`logging` (the ``mikopbx`` logger has a ``NullHandler``).

The core formats only events at or above the most detailed level enabled on these loggers,
read when a ``Client`` or ``AsyncClient`` is made: a program that changes the levels
afterwards calls :func:`configure_logging`."""

import logging
from typing import Dict, List, Optional, Union

from . import _native
from ._errors import UnsupportedError

# The core's most detailed level, below DEBUG (``logging`` has no name for it).
_TRACE = 5

_logger = logging.getLogger("mikopbx")
_logger.addHandler(logging.NullHandler())

# Most detailed first: the first one enabled anywhere is the core's level.
_LEVELS = (
    (_TRACE, "trace"),
    (logging.DEBUG, "debug"),
    (logging.INFO, "info"),
    (logging.WARNING, "warn"),
    (logging.ERROR, "error"),
)

# Core targets (``mikopbx::transport``) and their loggers, looked up once each.
_loggers: Dict[str, logging.Logger] = {}


def configure_logging(level: Union[int, str, None] = None) -> None:
    """Makes the SDK log at the levels its loggers have now: call it after changing them
    (``Client`` and ``AsyncClient`` read them when made).

    Args:
        level: When given, first set as the ``mikopbx`` logger's level (``logging.DEBUG``,
            ``"INFO"``, ...). ``None`` leaves the levels as they are.

    Raises:
        UnsupportedError: This process's Rust code has a ``tracing`` subscriber of its own,
            so the SDK's events cannot reach :mod:`logging`.
    """
    if level is not None:
        _logger.setLevel(level)
    _native._set_log_level(_core_level())


def _core_level() -> Optional[str]:
    loggers: List[logging.Logger] = [_logger]
    for name, logger in list(logging.Logger.manager.loggerDict.items()):
        if name.startswith("mikopbx.") and isinstance(logger, logging.Logger):
            loggers.append(logger)
    for number, name in _LEVELS:
        if any(logger.isEnabledFor(number) for logger in loggers):
            return name
    return None


def _refresh() -> None:
    """What the clients' constructors call: a process whose events cannot reach ``logging``
    still gets working clients, without their log."""
    try:
        configure_logging()
    except UnsupportedError:
        pass


def _emit(level: int, target: str, message: str) -> None:
    """One core event (called from the SDK's threads)."""
    logger = _loggers.get(target)
    if logger is None:
        logger = _loggers.setdefault(target, logging.getLogger(target.replace("::", ".")))
    logger.log(level, message)

