"""A night run straight through the chase functions (no Prefect), with the default policy and calendar."""

from __future__ import annotations

from datetime import date

from chase.fingerprint import decision_context
from chase.night import NightReport, check_batch, load_cases
from config.policy import load_policy
from db.session import session_factory
from rules.calendar import WorkingCalendar

BOOK = load_policy()
CALENDAR = WorkingCalendar.england_and_wales()


def run_night(engine, night: date, *, dry_run: bool = False, actor: str = "test") -> NightReport:
    """As the nightly task runs a batch: decisions that still stand are not made again (rules.stands)."""
    with session_factory(engine)() as session:
        context = decision_context(session, BOOK, CALENDAR)
    return check_batch(engine, load_cases(engine), night, actor, BOOK, CALENDAR, dry_run, context=context)
