"""The bytes that go on the wire or to disk."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import getaddresses

from notifications.failures import PermanentDeliveryError

# Fold headers only past RFC 5322's hard limit: Python's parser keeps the leading space of a header
# folded straight after its name (" MAPPA reminder: ..."), which readers would then see.
LONGEST_LINE = 998


def wire_bytes(message: EmailMessage) -> bytes:
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n", max_line_length=LONGEST_LINE))


def unpack(message: EmailMessage) -> tuple[str, list[str], bytes]:
    """Envelope sender, recipients (the To header only, so a copy line can never add one) and wire bytes."""
    sender = [addr for _, addr in getaddresses(message.get_all("From", [])) if addr]
    recipients = [addr for _, addr in getaddresses(message.get_all("To", [])) if addr]
    if len(sender) != 1 or not recipients:
        raise PermanentDeliveryError("message needs one From and at least one To address", stage="send")
    return sender[0], recipients, wire_bytes(message)
