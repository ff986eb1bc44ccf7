"""The bytes that go on the wire or to disk."""

from __future__ import annotations

import email.policy
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.utils import getaddresses
from functools import lru_cache

from notifications.failures import PermanentDeliveryError

# Fold headers only past RFC 5322's hard limit: Python's parser keeps the leading space of a header
# folded straight after its name (" MAPPA reminder: ..."), which readers would then see.
LONGEST_LINE = 998


class _FoldedOnce(BaseHeader):
    """A header that keeps what it folded to, for each set of policy settings it was folded under.

    A header object never changes once made, and folding it (walking its parse tree again) was a fifth
    of writing an e-mail; the headers `_HeaderClasses` hands out again (the sender, a COM's address,
    the MIME lines) are folded once per run instead of once per e-mail. Settings, not the policy
    object: the generator clones the policy for every part it writes.
    """

    def fold(self, *, policy) -> str:
        settings = (type(policy), tuple(sorted(vars(policy).items())))
        folds = self.__dict__.setdefault("_folds", {})
        try:
            text = folds.get(settings)
        except TypeError:  # a policy holding something unhashable: fold as the standard library does
            return super().fold(policy=policy)
        if text is None:
            text = folds[settings] = super().fold(policy=policy)
        return text


# Headers no two e-mails share: remembering them would only push the ones that repeat out of the memo,
# and every parsed header kept is more for the garbage collector to walk.
# X-MAPPA-Reference is notify_transport.REFERENCE_HEADER, not imported: that module loads the Notify client.
_ONE_OFF = frozenset({"message-id", "subject", "x-mappa-notices", "x-mappa-reference"})


class _HeaderClasses(HeaderRegistry):
    """The standard header registry, made faster without changing a byte of any message.

    HeaderRegistry builds a new class per header assignment (`type(...)`), which was 40% of
    rendering an e-mail; the classes it makes are the same every time, so each is made once. And a
    header's value is parsed once for each (name, text) among the last thousand used: a night's
    e-mails repeat the sender, each COM's address, the reply-to mailbox and the MIME lines, and
    parsing them again was most of what was left of building an e-mail. A parsed header is never
    changed after it is made, so one object can sit in many messages.
    """

    def __init__(self) -> None:
        super().__init__(base_class=_FoldedOnce)
        self._made: dict[str, type] = {}
        self._parsed = lru_cache(maxsize=1024)(self._parse)  # about 6 KB each; the hot ones stay

    def __getitem__(self, name: str) -> type:
        key = name.lower()
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = super().__getitem__(name)
        return made

    def __call__(self, name: str, value) -> BaseHeader:
        if type(value) is str and name.lower() not in _ONE_OFF and "boundary=" not in value:
            return self._parsed(name, value)
        return self._parse(name, value)

    def _parse(self, name: str, value) -> BaseHeader:
        return self[name](name, value)


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
