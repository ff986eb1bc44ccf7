"""The body of an e-mail sent through GOV.UK Notify: the text template's content in Notify's formatting.

Notify formats its own markdown subset (`#` headings, `*` bullets, `^` inset text, `---` lines,
links), never HTML. The body comes from the same templates and context as the plain text part:
a template `X.txt` is laid out by its sibling `X.notify.md` when there is one (the shared base
has one, so every step's e-mail gets headings and bullets), and every value put into it (a name,
a reason, free text from a feed) has Notify's formatting characters escaped, so data cannot
make a heading, a link or a placeholder.
"""

from __future__ import annotations

import re
from email.message import EmailMessage
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from notifications import wording
from notifications.templating import TEMPLATES, sentence

SPECIAL = re.compile(r"([\\`*_#^\[\]<>~|])")  # marks, headings, inset, links; mid-line `(`/`-` are text
NOTIFY_SUFFIX = ".notify.md"
NOTIFY_BODY = "mappa_notify_body"


def escape(value: object) -> str:
    """One line, each formatting character backslash-escaped (Notify's markdown honours `\\`).

    `((` is broken up too: Notify would otherwise take a name like ((x)) for a placeholder.
    """
    flat = re.sub(r"[\r\n\t\v\f\u2028\u2029]+", " ", str(value))
    return SPECIAL.sub(r"\\\1", flat).replace("((", "(\u200b(").replace("))", ")\u200b)")


class NotifyLoader(FileSystemLoader):
    """`folder/body.txt` is read from `folder/body.notify.md` when that exists."""

    def get_source(self, environment: Environment, template: str):
        if template.endswith(".txt"):
            notify = template.removesuffix(".txt") + NOTIFY_SUFFIX
            if (Path(TEMPLATES) / notify).is_file():
                return super().get_source(environment, notify)
        return super().get_source(environment, template)


def _finalize(value: object) -> str:
    # Every `{{ value }}` is data. Layout shared between templates is an `{% include %}`, which is not
    # finalized, never a macro (whose output would come back here and be escaped).
    return escape(value) if value is not None else ""


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=NotifyLoader(TEMPLATES),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_finalize,
    )
    env.filters.update(uk_date=wording.uk_date, long_date=wording.long_date, sentence=sentence)
    return env


def notify_body(folder: str, context: dict, subject: str) -> str:
    """The `((body))` of the generic template for one e-mail: Notify markdown, values escaped."""
    text = environment().get_template(f"{folder}/body.txt").render({**context, "subject": subject})
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def with_notify_body(message: EmailMessage, body: str) -> EmailMessage:
    """Carry the Notify body with the message it belongs to (it is not a MIME part: SMTP never sends it)."""
    setattr(message, NOTIFY_BODY, body)
    return message


def body_of(message: EmailMessage) -> str | None:
    return getattr(message, NOTIFY_BODY, None)
