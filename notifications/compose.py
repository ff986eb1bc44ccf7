"""From deliveries to e-mails: group them into envelopes, then render each as one message."""

from __future__ import annotations

import random
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime, localtime, make_msgid

from notifications import steps
from notifications.addresses import domain_of, plain_address
from notifications.context import message_context
from notifications.model import Delivery, Envelope
from notifications.notify_format import notify_body, with_notify_body
from notifications.templating import render_parts
from notifications.wire import new_message
from notifications.wording import one_line

MESSAGE_ID = re.compile(r"<[!-;=?-~]+@[!-;=?-~]+>")  # printable ASCII, no spaces or angle brackets inside


BOUNDARY_DIGITS = len(repr(sys.maxsize - 1))  # as email.generator pads its random token


def mime_boundary() -> str:
    """The boundary the standard library would make ("=" signs, digits, "=="), made here.

    Left to the generator it is made while writing, with a regular expression compiled for each
    e-mail to prove it absent from the body, and the Content-Type parsed again to add it: a tenth of
    writing an e-mail. Both parts are quoted-printable, which writes every "=" as "=3D", so a line of
    "=" signs and digits cannot occur in them.
    """
    return "=" * 15 + f"{random.randrange(sys.maxsize):0{BOUNDARY_DIGITS}d}" + "=="


def urgency_order(delivery: Delivery) -> tuple:
    """For action before copies; then most urgent step, earliest release; the rest only to be deterministic."""
    item = delivery.item
    return (
        item.role != "to",
        steps.urgency(item.step),
        item.planning_date or date.max,
        item.prison_number,
        item.notice_key,
        delivery.delivery_id,
    )


def envelopes(deliveries: Iterable[Delivery], *, digest: bool = True) -> list[Envelope]:
    """One e-mail per (address, establishment, night); per (address, prison number, night) if not a digest."""
    groups: dict[tuple, list[Delivery]] = defaultdict(list)
    for delivery in deliveries:
        item = delivery.item
        where = item.establishment_code if digest else item.prison_number
        groups[(delivery.address.lower(), where, item.night)].append(delivery)
    built = [envelope_of(sorted(group, key=urgency_order)) for group in groups.values()]
    return sorted(built, key=envelope_order)


def envelope_of(ordered: list[Delivery]) -> Envelope:
    first = ordered[0]
    reply_to = next((d.reply_to for d in ordered if d.reply_to), None)
    return Envelope(first.address, reply_to, first.item.establishment_code, tuple(ordered))


def envelope_order(envelope: Envelope) -> tuple:
    first = envelope.deliveries[0].item
    return (first.night or date.min, envelope.recipient.lower(), envelope.establishment_code, first.prison_number)


def notices_header(envelope: Envelope) -> str:
    """ "A1234BC/escalation-1, B2345CD/reminder": what the e-mail is about, without a name."""
    keys = (f"{one_line(d.item.prison_number)}/{one_line(d.item.step)}" for d in envelope.deliveries)
    return ", ".join(dict.fromkeys(keys))


def render(
    envelope: Envelope,
    *,
    sender: str,
    message_id: str | None = None,
    allowed_domains: Sequence[str] | None = None,
    sent_at: datetime | None = None,
    notify: bool = False,
) -> EmailMessage:
    """The e-mail for one envelope: text and HTML alternatives, one recipient, no names in headers.

    Addresses are checked as single plain addr-specs (and against ``allowed_domains`` if given) and
    raise InvalidAddress; every other header value is reduced to one line first.
    """
    sender = plain_address(sender)
    recipient = plain_address(envelope.recipient, allowed_domains)
    reply_to = plain_address(envelope.reply_to) if envelope.reply_to is not None else None
    if message_id is not None and not MESSAGE_ID.fullmatch(message_id):
        raise ValueError("message_id must look like <unique@domain>")
    context = message_context(envelope)
    subject, text, html = render_parts(context["folder"], context)

    message = new_message()
    message["From"] = sender
    message["To"] = recipient
    if reply_to:
        message["Reply-To"] = reply_to
    message["Subject"] = subject
    message["Date"] = format_datetime(sent_at or localtime())
    message["Message-ID"] = message_id or make_msgid(domain=domain_of(sender))
    message["X-MAPPA-Notices"] = notices_header(envelope)
    night = envelope.deliveries[0].item.night
    if night is not None:
        message["X-MAPPA-Night"] = night.isoformat()  # the night it was queued (file names sort by it)
    message["Auto-Submitted"] = "auto-generated"
    # Quoted-printable keeps the message 7-bit clean for relays without 8BITMIME.
    message.set_content(text, cte="quoted-printable")
    message.add_alternative(html, subtype="html", cte="quoted-printable")
    message.replace_header("Content-Type", f'multipart/alternative; boundary="{mime_boundary()}"')
    if notify:
        with_notify_body(message, notify_body(context["folder"], context, subject))
    return message
