"""One Jinja environment for every e-mail: strict about missing values, escaping all HTML."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from notifications import wording

TEMPLATES = Path(__file__).parent / "templates"


def sentence(text: str) -> str:
    """First letter up, the rest untouched (Jinja's capitalize would turn "COM" into "com")."""
    return text[:1].upper() + text[1:]


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False, default=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(uk_date=wording.uk_date, long_date=wording.long_date, sentence=sentence)
    return env


def render_template(name: str, context: dict) -> str:
    return environment().get_template(name).render(context)


def render_parts(folder: str, context: dict) -> tuple[str, str, str]:
    """Subject (one line), plain text and HTML for one template folder."""
    subject = wording.one_line(render_template(f"{folder}/subject.txt", context))
    text = render_template(f"{folder}/body.txt", {**context, "subject": subject})
    html = render_template(f"{folder}/body.html", {**context, "subject": subject})
    return subject, text, html
