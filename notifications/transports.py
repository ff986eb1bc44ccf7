"""How messages leave: one Transport protocol, chosen from settings, and a retry for passing failures."""

from __future__ import annotations

import time
from collections.abc import Callable
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any, Protocol

from config.settings import LOOPBACK_HOSTS
from notifications.failures import DeliveryError, PermanentDeliveryError, TransientDeliveryError
from notifications.local_transports import ConsoleTransport, FileTransport, MemoryTransport
from notifications.notify_transport import NotifyTransport
from notifications.smtp_transport import SmtpTransport

if TYPE_CHECKING:
    from config.policy import PolicyBook
    from config.settings import Settings

__all__ = [
    "DeliveryError",
    "TransientDeliveryError",
    "PermanentDeliveryError",
    "Transport",
    "SmtpTransport",
    "FileTransport",
    "ConsoleTransport",
    "MemoryTransport",
    "NotifyTransport",
    "make_transport",
    "send_with_retry",
]
BLOCK_SECURITY = {"SSL": "ssl", "STARTTLS": "starttls", "INSECURE": "none"}


class Transport(Protocol):
    def __enter__(self) -> Transport: ...

    def __exit__(self, *exc_info: object) -> None: ...

    def send(self, message: EmailMessage) -> Any: ...


def make_transport(settings: Settings, book: PolicyBook | None = None) -> Transport:
    if settings.mail_transport == "file":
        return FileTransport(settings.mail_folder)
    if settings.mail_transport == "console":
        return ConsoleTransport()
    if settings.mail_transport == "memory":
        return MemoryTransport()
    if settings.mail_transport == "notify":
        return notify_transport(settings, book)
    if settings.smtp_credentials_block:
        return transport_from_block(settings.smtp_credentials_block, settings.smtp_timeout)
    return SmtpTransport(
        settings.smtp_host,
        settings.smtp_port,
        security=settings.smtp_security,
        username=settings.smtp_username,
        password=settings.smtp_secret,
        timeout=settings.smtp_timeout,
    )


def notify_transport(settings: Settings, book: PolicyBook | None = None) -> NotifyTransport:
    """GOV.UK Notify; reply-to ids and per-step templates from the policy (per establishment)."""
    from config.settings import notify_secret

    def policy(code: str | None):
        return book.for_establishment(code).notify if book is not None else None

    def reply_to_id(code: str | None) -> str | None:
        found = policy(code)
        return found.reply_to_id if found is not None else None

    def template_for(code: str | None, step: str | None) -> str | None:
        found = policy(code)
        return found.template_ids.get(step or "") if found is not None else None

    return NotifyTransport(
        lambda: notify_secret(settings),
        settings.notify_template_id or "",
        base_url=settings.notify_base_url,
        timeout=settings.notify_timeout,
        max_per_minute=settings.notify_max_per_minute,
        reply_to_id=reply_to_id,
        template_for=template_for,
    )


def transport_from_block(name: str, timeout: float) -> SmtpTransport:
    """SMTP settings from a prefect-email EmailServerCredentials block (prefect imported only here)."""
    import ssl

    from prefect_email import EmailServerCredentials

    block = EmailServerCredentials.load(name, _sync=True)
    host = getattr(block.smtp_server, "value", block.smtp_server)
    kind = getattr(block.smtp_type, "name", str(block.smtp_type)).upper()
    security = BLOCK_SECURITY[kind]
    if security == "none" and host not in LOOPBACK_HOSTS:
        raise ValueError(f"credentials block {name!r}: INSECURE SMTP is only allowed to a loopback host")
    context = ssl.create_default_context() if block.verify is not False else ssl._create_unverified_context()
    port = block.smtp_port or getattr(block.smtp_type, "value", None) or 25
    return SmtpTransport(
        host,
        port,
        security=security,
        username=block.username or None,
        password=block.password.get_secret_value,
        timeout=timeout,
        ssl_context=context,
    )


def send_with_retry(
    transport: Transport,
    message: EmailMessage,
    *,
    attempts: int = 3,
    backoff: float = 0.5,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Send, retrying transient failures after backoff, 2×backoff, ...; returns the attempts used.

    A permanent failure is raised at once; the last transient one is raised when attempts run out.
    """
    for attempt in range(1, attempts + 1):
        try:
            transport.send(message)
            return attempt
        except TransientDeliveryError:
            if attempt == attempts:
                raise
            sleep(backoff * 2 ** (attempt - 1))
    raise ValueError("attempts must be at least 1")
