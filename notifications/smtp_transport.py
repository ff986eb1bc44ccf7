"""SMTP with one connection per batch, and every smtplib failure sorted into retry-later or give-up."""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Callable
from email.message import EmailMessage

from notifications.failures import DeliveryError, PermanentDeliveryError, TransientDeliveryError
from notifications.wire import unpack

log = logging.getLogger(__name__)
SECURITIES = ("starttls", "ssl", "none")


class SmtpTransport:
    def __init__(
        self,
        host: str,
        port: int,
        *,
        security: str = "starttls",
        username: str | None = None,
        password: str | Callable[[], str | None] | None = None,
        timeout: float = 20.0,
        ssl_context: ssl.SSLContext | None = None,
        local_hostname: str | None = None,
    ):
        if security not in SECURITIES:
            raise ValueError(f"security must be one of {', '.join(SECURITIES)}")
        self.host, self.port, self.security, self.username, self.timeout = host, port, security, username, timeout
        self._password = password  # a callable is read at login, so the secret is not kept in memory longer
        self._ssl_context, self._local_hostname = ssl_context, local_hostname
        self._smtp: smtplib.SMTP | None = None

    def __repr__(self) -> str:
        return f"SmtpTransport({self.host!r}, {self.port}, security={self.security!r}, username={self.username!r})"

    def __enter__(self) -> SmtpTransport:
        return self  # connects on the first send, so a connection failure belongs to a message and can be retried

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()

    def send(self, message: EmailMessage) -> None:
        sender, recipients, payload = unpack(message)
        reused = self._smtp is not None
        if not reused:
            self._connect()
        try:
            self._transaction(sender, recipients, payload)
        except TransientDeliveryError as error:
            # A server may drop a connection idle since the last message: reconnect once, only when
            # nothing of this message has been accepted yet (it failed at MAIL FROM).
            if not (reused and error.stage == "sender" and self._smtp is None):
                raise
            log.info("SMTP connection dropped mid-batch; reconnecting once")
            self._connect()
            self._transaction(sender, recipients, payload)

    def _secret(self) -> str:
        password = self._password() if callable(self._password) else self._password
        return password or ""

    def _connect(self) -> None:
        stage = "connect"
        context = self._ssl_context or ssl.create_default_context()
        try:
            if self.security == "ssl":
                self._smtp = smtplib.SMTP_SSL(
                    self.host, self.port, local_hostname=self._local_hostname, timeout=self.timeout, context=context
                )
            else:
                self._smtp = smtplib.SMTP(
                    self.host, self.port, local_hostname=self._local_hostname, timeout=self.timeout
                )
            if self.security == "starttls":
                self._smtp.starttls(context=context)
            self._smtp.ehlo_or_helo_if_needed()
            if self.username:
                stage = "login"
                self._smtp.login(self.username, self._secret())
        except (smtplib.SMTPException, OSError) as exc:
            raise self._failure(exc, stage) from None  # no chained traceback that could carry the login

    def _transaction(self, sender: str, recipients: list[str], payload: bytes) -> None:
        smtp, stage = self._smtp, "sender"
        try:
            code, text = smtp.mail(sender)
            if code != 250:
                raise self._refused(code, text, stage)
            stage = "recipient"
            for recipient in recipients:
                code, text = smtp.rcpt(recipient)
                if code not in (250, 251):
                    raise self._refused(code, text, stage)
            stage = "data"
            code, text = smtp.data(payload)
            if code != 250:
                raise self._refused(code, text, stage)
        except (smtplib.SMTPException, OSError) as exc:
            raise self._failure(exc, stage) from exc

    def _refused(self, code: int, text: bytes | str, stage: str) -> DeliveryError:
        """A 4xx or 5xx reply: reset the transaction so the connection can carry the next message."""
        if code == 421 or self._smtp is None or stage in ("connect", "login"):
            self._drop()
        else:
            try:
                self._smtp.rset()
            except (smtplib.SMTPException, OSError):
                self._drop()
        answer = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
        kind = TransientDeliveryError if 400 <= code < 500 else PermanentDeliveryError
        return kind("server refused", code=code, text=self._scrub(answer), stage=stage)

    def _failure(self, exc: BaseException, stage: str) -> DeliveryError:
        if isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code > 0:
            return self._refused(exc.smtp_code, exc.smtp_error, stage)
        self._drop()
        text = self._scrub(str(exc))
        if isinstance(exc, ssl.SSLCertVerificationError):
            return PermanentDeliveryError("TLS certificate not trusted", text=text, stage=stage)
        if isinstance(exc, smtplib.SMTPException) and not isinstance(exc, smtplib.SMTPServerDisconnected):
            return PermanentDeliveryError("SMTP problem", text=text, stage=stage)  # e.g. no STARTTLS offered
        if isinstance(exc, TimeoutError) or "timed out" in str(exc):
            return TransientDeliveryError("timed out", text=text, stage=stage)
        if isinstance(exc, ConnectionRefusedError):
            return TransientDeliveryError("connection refused", text=text, stage=stage)
        return TransientDeliveryError("connection lost", text=text, stage=stage)

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            smtp.close()

    def _scrub(self, text: str) -> str:
        secret = self._secret() if self.username else ""
        return text.replace(secret, "***") if secret else text
