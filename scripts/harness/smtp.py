"""A real SMTP server on loopback: records what it receives and can be told to misbehave."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def free_port() -> int:
    """A port nothing listens on right now (for "connection refused" tests)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class ReceivedEnvelope:
    mail_from: str
    rcpt_tos: tuple[str, ...]


class _Controller(Controller):
    """Binds port 0 and learns the real port before aiosmtpd's readiness check connects to it."""

    def __init__(self, *args, sessions: list[SMTP], **kwargs):
        super().__init__(*args, **kwargs)
        self.sessions = sessions

    def factory(self) -> SMTP:
        session = super().factory()
        self.sessions.append(session)
        return session

    def _trigger_server(self) -> None:
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class _Handler:
    def __init__(self, sink: SmtpSink):
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.sink._next_failure("rcpt")
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        seconds = self.sink._next_delay()
        if seconds:
            await asyncio.sleep(seconds)
        reply = self.sink._next_failure("data")
        if reply:
            return reply
        self.sink._record(envelope)
        return "250 Message accepted for delivery"


class SmtpSink:
    """``with SmtpSink() as sink:`` then send to ``sink.host``/``sink.port`` with security "none".

    ``auth=("user", "secret")`` makes the server offer AUTH (without TLS: loopback only).
    """

    def __init__(self, host: str = "127.0.0.1", *, auth: tuple[str, str] | None = None):
        self.host = host
        self.port = 0
        self.messages: list[EmailMessage] = []
        self.envelopes: list[ReceivedEnvelope] = []
        self._auth = auth
        self._lock = threading.Lock()
        self._failures: list[tuple[str, str]] = []  # (command, reply)
        self._delays: list[float] = []
        self._sessions: list[SMTP] = []
        self._controller: _Controller | None = None

    def start(self) -> SmtpSink:
        extra = {"authenticator": self._authenticate, "auth_require_tls": False} if self._auth else {}
        self._controller = _Controller(
            _Handler(self), hostname=self.host, port=0, sessions=self._sessions, ready_timeout=5.0, **extra
        )
        self._controller.start()
        self.port = self._controller.port
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def fail_with(self, code: int, text: str, times: int = 1, *, on: str = "data") -> None:
        """The next ``times`` DATA (or, with on="rcpt", RCPT) commands get this reply instead of 250."""
        if on not in ("data", "rcpt"):
            raise ValueError("on must be 'data' or 'rcpt'")
        with self._lock:
            self._failures.extend([(on, f"{code} {text}")] * times)

    def delay(self, seconds: float, times: int = 1) -> None:
        """The next ``times`` DATA replies come ``seconds`` late (to trip a client timeout)."""
        with self._lock:
            self._delays.extend([seconds] * times)

    def drop_connections(self) -> None:
        """Close every open client connection, as a server does to an idle client."""
        for session in list(self._sessions):
            if session.transport is not None:
                self._controller.loop.call_soon_threadsafe(session.transport.close)
        time.sleep(0.05)

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()
            self.envelopes.clear()
            self._failures.clear()
            self._delays.clear()

    def wait_for(self, count: int, timeout: float = 2.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.messages

    def _next_failure(self, command: str) -> str | None:
        with self._lock:
            for index, (on, reply) in enumerate(self._failures):
                if on == command:
                    del self._failures[index]
                    return reply
        return None

    def _next_delay(self) -> float:
        with self._lock:
            return self._delays.pop(0) if self._delays else 0.0

    def _record(self, envelope) -> None:
        message = BytesParser(policy=policy.default).parsebytes(envelope.original_content or envelope.content)
        with self._lock:
            self.envelopes.append(ReceivedEnvelope(envelope.mail_from, tuple(envelope.rcpt_tos)))
            self.messages.append(message)

    def _authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        given = (auth_data.login.decode(), auth_data.password.decode())
        return AuthResult(success=given == self._auth, handled=False)
