"""Which errors are worth retrying.

Only transient errors are retried: the broker, the database connection, the network,
a storage or gateway 5xx or timeout, an SMTP server's temporary refusal. Anything
else (a bug, a malformed PDF, a refusal) is permanent: retrying it only delays the
moment a person is told.
"""

from __future__ import annotations

import smtplib
import socket
from typing import Final

from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError


class TransientError(Exception):
    """Raised by a kind's work to say "try again later" (a 503 from a gateway, say)."""


_ALWAYS_TRANSIENT: Final[tuple[type[BaseException], ...]] = (
    TransientError,
    OperationalError,  # the database connection (a restart, a failover), not a constraint
    InterfaceError,
    BrokerError,
    RedisConnectionError,
    RedisTimeoutError,
    ConnectionError,  # refused, reset, aborted, broken pipe
    TimeoutError,
    socket.timeout,
    socket.gaierror,
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    SoftTimeLimitExceeded,  # a slow try: the next may be quicker, and the cap still applies
)

# S3 (django-storages) errors that mean "the service is unwell", by error code.
_STORAGE_RETRYABLE_CODES: Final = frozenset(
    {"InternalError", "ServiceUnavailable", "SlowDown", "RequestTimeout", "RequestTimeTooSkewed"}
)


def is_transient(error: BaseException, extra: tuple[type[BaseException], ...] = ()) -> bool:
    """Whether ``error`` (or what caused it) is worth another try."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if _transient_itself(current, extra):
            return True
        current = current.__cause__ or current.__context__
    return False


def _transient_itself(error: BaseException, extra: tuple[type[BaseException], ...]) -> bool:
    if isinstance(error, _ALWAYS_TRANSIENT + extra):
        return True
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500  # 4xx: the server asks us to try again
    return _storage_transient(error)


def _storage_transient(error: BaseException) -> bool:
    try:
        from botocore.exceptions import (
            ClientError,
            ConnectionClosedError,
            EndpointConnectionError,
            ReadTimeoutError,
        )
    except ImportError:  # pragma: no cover - boto3 ships with django-storages[s3]
        return False
    if isinstance(error, EndpointConnectionError | ConnectionClosedError | ReadTimeoutError):
        return True
    if isinstance(error, ClientError):
        response = error.response
        status = int(response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))
        return status >= 500 or response.get("Error", {}).get("Code") in _STORAGE_RETRYABLE_CODES
    return False
