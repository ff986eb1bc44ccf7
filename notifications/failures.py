"""Why a message did not go, in terms the delivery task can act on: try again later, or give up."""

from __future__ import annotations

import re

ADDRESS = re.compile(r"[^\s<>@,;:\"']+@[^\s<>@,;:\"']+")
# Stages that are about the mail server rather than the message: nothing to blame on a delivery.
SERVER_STAGES = frozenset({"connect", "login", "limit", "configuration"})  # limit, configuration: Notify


class DeliveryError(Exception):
    """A message was not accepted. ``str()`` never shows an address or a password; ``text`` is the raw answer."""

    def __init__(self, reason: str, *, code: int | None = None, text: str = "", stage: str = "send"):
        self.reason = reason
        self.code = code
        self.text = text
        self.stage = stage  # connect | login | sender | recipient | data | send
        super().__init__(self.summary)

    @property
    def summary(self) -> str:
        """Safe for logs and the Prefect UI: server answers often echo the recipient's address."""
        answer = " ".join(part for part in (str(self.code or ""), ADDRESS.sub("<address>", self.text)) if part)
        return f"{self.reason} at {self.stage}" + (f": {answer}" if answer else "")

    @property
    def about_server(self) -> bool:
        """True when the server, not this message, is the problem: stop the batch, blame no delivery."""
        return self.stage in SERVER_STAGES


class TransientDeliveryError(DeliveryError):
    """4xx, timeouts, refused or dropped connections: try again later."""


class PermanentDeliveryError(DeliveryError):
    """5xx or a configuration the server will never accept: do not retry as is."""
