"""A night run straight through the chase functions (no Prefect), with the default policy and calendar."""

from __future__ import annotations

from datetime import date

from chase.night import NightReport, check_batch, load_cases
from config.policy import load_policy
from rules.calendar import WorkingCalendar

BOOK = load_policy()
CALENDAR = WorkingCalendar.england_and_wales()


def run_night(engine, night: date, *, dry_run: bool = False, actor: str = "test") -> NightReport:
    return check_batch(engine, load_cases(engine), night, actor, BOOK, CALENDAR, dry_run)
