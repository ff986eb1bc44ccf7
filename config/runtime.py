"""What every command, task and flow needs at run time: settings, the database, the policy, the calendar, tonight.

Settings come from the environment (`config.settings.get_settings`); a caller that must run
with other values (the demo writes its e-mails to files whatever transport is configured)
passes them explicitly with `overridden(...)`, which lasts for its `with` block only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from functools import lru_cache
from pathlib import Path

import pendulum
from sqlalchemy import Engine

from config.policy import PolicyBook, load_policy
from config.settings import Settings, get_settings, load_settings
from db.session import engine_for
from rules.calendar import WorkingCalendar

LONDON = "Europe/London"
_override: ContextVar[Settings | None] = ContextVar("mappa_settings_override", default=None)


def settings() -> Settings:
    return _override.get() or get_settings()


@contextmanager
def overridden(**changes: object) -> Iterator[Settings]:
    """Run a block with some settings changed, validated like the environment's own."""
    current = settings().model_dump(exclude_unset=True)
    token = _override.set(load_settings(**{**current, **changes}))
    try:
        yield settings()
    finally:
        _override.reset(token)


def database() -> Engine:
    return engine_for(settings().database)


@lru_cache(maxsize=4)
def _policy(path: Path | None) -> PolicyBook:
    return load_policy(path)


def policy() -> PolicyBook:
    return _policy(settings().policy_file)


def calendar() -> WorkingCalendar:
    return WorkingCalendar.england_and_wales()


def london_today() -> date:
    """Tonight's date where the prisons are, whatever the server's clock zone."""
    today = pendulum.now(LONDON).date()
    return date(today.year, today.month, today.day)
