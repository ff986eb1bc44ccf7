"""What every task needs from settings: the database, the policy, the calendar (built once per process)."""

from __future__ import annotations

from functools import lru_cache

import pendulum
from sqlalchemy import Engine

from config.policy import PolicyBook, load_policy
from config.settings import get_settings
from db.session import engine_for
from rules.calendar import WorkingCalendar

LONDON = "Europe/London"


def database() -> Engine:
    return engine_for(get_settings().database)


@lru_cache(maxsize=4)
def _policy(path) -> PolicyBook:
    return load_policy(path)


def policy() -> PolicyBook:
    return _policy(get_settings().policy_file)


def calendar() -> WorkingCalendar:
    return WorkingCalendar.england_and_wales()


def london_today():
    """Tonight's date where the prisons are, whatever the server's clock zone."""
    return pendulum.now(LONDON).date()
