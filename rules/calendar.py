"""Working days in England and Wales.

The nightly run asks the same few questions for ~20,000 cases, and simulations
ask them for hundreds of nights, so working days are precomputed once as a
sorted list of ordinals; each question is then a bisect, not a day-by-day walk.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache

import holidays

SATURDAY = 5


class WorkingCalendar:
    """Weekdays that are not bank holidays.

    Dates outside the years the bank holidays cover fall back to a slow walk
    that only knows weekends (no holiday data exists there to be wrong about).
    """

    def __init__(self, bank_holidays: Iterable[date]):
        self._holidays = frozenset(_plain(d) for d in bank_holidays)
        years = [d.year for d in self._holidays]
        # no holidays at all: an empty table, every question takes the walk
        self._first = date(min(years), 1, 1).toordinal() if years else 1
        self._last = date(max(years), 12, 31).toordinal() if years else 0
        self._working = [o for o in range(self._first, self._last + 1) if self._is_working(o)]

    @classmethod
    def england_and_wales(cls, first_year: int = 2015, last_year: int = 2040) -> WorkingCalendar:
        return _england_and_wales(first_year, last_year)

    @property
    def bank_holidays(self) -> tuple[date, ...]:
        return tuple(sorted(self._holidays))

    def is_bank_holiday(self, d: date) -> bool:
        return d in self._holidays

    def is_working_day(self, d: date) -> bool:
        return d.weekday() < SATURDAY and d not in self._holidays

    def next_working_day(self, d: date) -> date:
        """`d` itself if it is a working day, else the next one."""
        return self.add_working_days(d - timedelta(days=1), 1)

    def previous_working_day(self, d: date) -> date:
        """`d` itself if it is a working day, else the previous one."""
        return self.add_working_days(d + timedelta(days=1), -1)

    def add_working_days(self, d: date, n: int) -> date:
        """`d` + n wd: step n working days (back when n < 0), not counting `d`."""
        if n == 0:
            return d
        o = d.toordinal()
        if self._first <= o <= self._last:
            if n > 0:
                i = bisect_right(self._working, o) + n - 1
            else:
                i = bisect_left(self._working, o) + n
            if 0 <= i < len(self._working):
                return date.fromordinal(self._working[i])
        return self._walk(d, n)

    def _walk(self, d: date, n: int) -> date:
        step = timedelta(days=1 if n > 0 else -1)
        for _ in range(abs(n)):
            d += step
            while not self.is_working_day(d):
                d += step
        return d

    def _is_working(self, ordinal: int) -> bool:
        return self.is_working_day(date.fromordinal(ordinal))


def _plain(d: date) -> date:
    # holidays/pendulum may hand back date subclasses; keep set lookups exact
    return date(d.year, d.month, d.day)


@lru_cache(maxsize=8)
def _england_and_wales(first_year: int, last_year: int) -> WorkingCalendar:
    years = range(first_year, last_year + 1)
    return WorkingCalendar(holidays.country_holidays("GB", subdiv="ENG", years=years))
