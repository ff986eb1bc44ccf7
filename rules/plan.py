"""The chase plan for one case: the date of every step, from its planning date P."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import pendulum

from config.policy import DatePolicy, Policy
from rules.calendar import WorkingCalendar
from rules.release import KeyDate, planning_date
from rules.steps import REMINDER, REQUEST


@dataclass(frozen=True)
class Plan:
    key: KeyDate
    planning_date: date  # P
    request_date: date  # R
    due_date: date  # D, the reminder date
    final_warning_date: date  # F
    step_dates: dict[str, date]  # chase steps not folded into the final warning


def make_plan(
    key: KeyDate,
    tracked_since: date,
    request_sent_on: date | None,
    today: date,
    policy: Policy,
    calendar: WorkingCalendar,
) -> Plan:
    """Every step date for a case (docs/policy.md, "The steps").

    R is the night the current request went, or else P - 7 months, not before
    the first tracked night nor before tonight (a request that missed its night
    goes on the next working one, and everything after it moves along).
    D = max(P - 6 months, R + 10 wd), no later than F = P - 10 wd, at least
    R + 1 wd; escalation k = D + offset_k wd. A reminder or escalation on or
    after F is folded into the final warning and left out of `step_dates`.
    """
    rules = policy.dates
    p = _planning_date(key, calendar, rules.friday_release_days)
    r = request_sent_on or calendar.next_working_day(
        max(months_before(p, rules.request_months_before_release), tracked_since, today)
    )
    p, d, f, steps = _timetable(p, r, rules, policy.escalation_offsets(), calendar)
    return Plan(key, p, r, d, f, dict(steps))


# Thousands of cases share a release date, and a simulation asks again every
# night: the date arithmetic is done once per distinct (P, R, policy).
_planning_date = lru_cache(maxsize=1 << 14)(planning_date)


@lru_cache(maxsize=1 << 16)
def _timetable(
    p: date, r: date, rules: DatePolicy, offsets: tuple[tuple[str, int], ...], calendar: WorkingCalendar
) -> tuple[date, date, date, tuple[tuple[str, date], ...]]:
    f = calendar.add_working_days(p, -rules.final_warning_working_days_before_release)
    d = max(
        months_before(p, rules.reminder_months_before_release),
        calendar.add_working_days(r, rules.reminder_min_working_days_after_request),
    )
    d = calendar.next_working_day(max(min(d, f), calendar.add_working_days(r, 1)))
    steps = [(REMINDER, d), *((step, calendar.add_working_days(d, wd)) for step, wd in offsets)]
    return p, d, f, ((REQUEST, r), *((step, when) for step, when in steps if when < f))


@lru_cache(maxsize=1 << 16)
def months_before(d: date, months: int) -> date:
    """Calendar months back, clamped to the month's end (31 Mar - 1 month = 28 Feb)."""
    earlier = pendulum.Date(d.year, d.month, d.day).subtract(months=months)
    return date(earlier.year, earlier.month, earlier.day)
