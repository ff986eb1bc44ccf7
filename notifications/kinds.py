"""E-mails that are not about one case (a data-problems digest, a weekly report), chosen by the notice's kind.

A notice of such a kind carries everything its e-mail shows in its stored `context`, written when it
was queued, so a resend next week shows what was true then. Each kind renders from its own template
folder (`templates/<kind>/subject.txt, body.txt, body.html`); a kind may add attachments or inline
images (a chart, a PDF) through its `extras`, worked out from the same context at sending time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime, localtime, make_msgid

from jinja2 import TemplateError

from notifications.addresses import domain_of, plain_address
from notifications.notify_format import notify_body, with_notify_body
from notifications.templating import render_parts
from notifications.wire import new_message
from notifications.wording import one_line

CASE = "case"


@dataclass(frozen=True)
class Attachment:
    """A file to attach; with `inline_id` it is an inline image the HTML shows as <img src="cid:...">."""

    filename: str
    content: bytes
    maintype: str
    subtype: str
    inline_id: str | None = None


@dataclass(frozen=True)
class Kind:
    folder: str
    extras: Callable[[dict], list[Attachment]] = lambda context: []


KINDS: dict[str, Kind] = {"data-problems": Kind("data-problems")}


def _weekly_report_extras(context: dict) -> list[Attachment]:
    # imported when sending: matplotlib and ReportLab load only for a process that sends a report
    from notifications.report.email import extras

    return extras(context)


KINDS["weekly-report"] = Kind("weekly-report", _weekly_report_extras)


def register(kind: str, renderer: Kind) -> None:
    """Add a kind (e.g. the weekly report); the name is what `notices.kind` and its template folder say."""
    if kind == CASE:
        raise ValueError("'case' notices are rendered per case, not by kind")
    KINDS[kind] = renderer


def kind_of(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"no renderer for notices of kind {name!r}") from None


def render_kind(
    kind: str,
    context: dict,
    *,
    recipient: str,
    sender: str,
    key: str,
    reply_to: str | None = None,
    allowed_domains=None,
    sent_at: datetime | None = None,
    night: date | None = None,
    notify: bool = False,
) -> EmailMessage:
    """One message for one recipient of a notice of `kind`; addresses checked as for case e-mails."""
    renderer = kind_of(kind)
    sender = plain_address(sender)
    recipient = plain_address(recipient, allowed_domains)
    try:
        subject, text, html = render_parts(renderer.folder, {**context, "reply_to": reply_to})
    except TemplateError as error:  # a context that does not fit its template: held, not a crashed night
        raise ValueError(f"the {kind} template cannot show this notice ({error})") from error
    message = new_message()
    message["From"] = sender
    message["To"] = recipient
    if reply_to:
        message["Reply-To"] = plain_address(reply_to)
    message["Subject"] = subject
    message["Date"] = format_datetime(sent_at or localtime())
    message["Message-ID"] = make_msgid(domain=domain_of(sender))
    message["X-MAPPA-Notices"] = one_line(key)
    message["X-MAPPA-Step"] = kind  # the kind stands for the step: Notify's template per kind keys on it
    if night is not None:
        message["X-MAPPA-Night"] = night.isoformat()
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text, cte="quoted-printable")
    message.add_alternative(html, subtype="html", cte="quoted-printable")
    _attach(message, renderer.extras(context))
    if notify:
        body = notify_body(renderer.folder, {**context, "reply_to": reply_to}, subject)
        with_notify_body(message, body)
    return message


def _attach(message: EmailMessage, extras: list[Attachment]) -> None:
    inline = [a for a in extras if a.inline_id]
    if inline:
        html_part = message.get_body(("html",))
        for image in inline:
            html_part.add_related(
                image.content, image.maintype, image.subtype, cid=f"<{image.inline_id}>", filename=image.filename
            )
    for attachment in (a for a in extras if not a.inline_id):
        message.add_attachment(
            attachment.content, attachment.maintype, attachment.subtype, filename=attachment.filename
        )
