"""The bytes that go on the wire or to disk."""

from __future__ import annotations

import email.policy
from email.headerregistry import HeaderRegistry
from email.message import EmailMessage
from email.utils import getaddresses

from notifications.failures import PermanentDeliveryError

# Fold headers only past RFC 5322's hard limit: Python's parser keeps the leading space of a header
# folded straight after its name (" MAPPA reminder: ..."), which readers would then see.
LONGEST_LINE = 998


class _HeaderClasses(HeaderRegistry):
    """The standard header registry, but each header's class is made once instead of on every header set.

    HeaderRegistry builds a new class per header assignment (`type(...)`), which was 40% of
    rendering an e-mail; the classes it makes are the same every time, so caching them changes nothing
    in the message.
    """

    def __init__(self) -> None:
        super().__init__()
        self._made: dict[str, type] = {}

    def __getitem__(self, name: str) -> type:
        key = name.lower()
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = super().__getitem__(name)
        return made


# Every message we build uses this policy (email.policy.default with the cached header classes).
MESSAGE_POLICY = email.policy.default.clone(header_factory=_HeaderClasses())
_WIRE_POLICY = MESSAGE_POLICY.clone(linesep="\r\n", max_line_length=LONGEST_LINE)


def new_message() -> EmailMessage:
    return EmailMessage(policy=MESSAGE_POLICY)


def wire_bytes(message: EmailMessage) -> bytes:
    if message.policy is MESSAGE_POLICY:
        return message.as_bytes(policy=_WIRE_POLICY)
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n", max_line_length=LONGEST_LINE))


def unpack(message: EmailMessage) -> tuple[str, list[str], bytes]:
    """Envelope sender, recipients (the To header only, so a copy line can never add one) and wire bytes."""
    sender = [addr for _, addr in getaddresses(message.get_all("From", [])) if addr]
    recipients = [addr for _, addr in getaddresses(message.get_all("To", [])) if addr]
    if len(sender) != 1 or not recipients:
        raise PermanentDeliveryError("message needs one From and at least one To address", stage="send")
    return sender[0], recipients, wire_bytes(message)
