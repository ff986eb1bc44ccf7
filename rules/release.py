"""Which release date a case is chased against, and the earliest day it could happen."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from rules.calendar import WorkingCalendar

SENTENCE_TYPES = ("determinate", "indeterminate", "recall")

# s.23(3B)-(3D) CJA 1961 lets these releases be brought forward; HDC, parole and
# tariff dates are set by decision, not by the day-of-release rule.
MOVABLE_SOURCES = frozenset({"ard", "crd", "prrd"})
FRIDAY = 4


@dataclass(frozen=True)
class ReleaseDates:
    sentence_type: str | None = None  # None is treated as determinate
    crd: date | None = None
    ard: date | None = None
    ped: date | None = None
    hdced: date | None = None
    hdcad: date | None = None
    prrd: date | None = None
    ted: date | None = None
    thd: date | None = None


# The release-date fields, in the feeds' column order: everything but the sentence type.
RELEASE_DATE_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(ReleaseDates) if f.name != "sentence_type")


@dataclass(frozen=True)
class KeyDate:
    date: date
    source: str  # "crd", "ard", "ped", "prrd", "ted", "thd" or "hdcad"


def key_release_date(dates: ReleaseDates, today: date) -> KeyDate | None:
    """The key release date K, as Manage POM Cases picks it.

    recall -> PRRD; indeterminate -> TED while it is still ahead, else THD;
    determinate -> PED if any, else the earlier of ARD and CRD. An approved HDC
    date wins when earlier (or when it is the only date). None means the case
    cannot be planned: a data problem for the caller to report.
    """
    base = _sentence_date(dates, today)
    if dates.hdcad is not None and (base is None or dates.hdcad < base.date):
        return KeyDate(dates.hdcad, "hdcad")
    return base


def _sentence_date(dates: ReleaseDates, today: date) -> KeyDate | None:
    kind = dates.sentence_type or "determinate"
    if kind == "recall":
        return _known(dates.prrd, "prrd")
    if kind == "indeterminate":
        if dates.ted is not None and dates.ted > today:
            return KeyDate(dates.ted, "ted")
        return _known(dates.thd, "thd")
    if kind == "determinate":
        if dates.ped is not None:
            return KeyDate(dates.ped, "ped")
        present = [KeyDate(d, s) for s, d in (("ard", dates.ard), ("crd", dates.crd)) if d]
        return min(present, key=lambda k: k.date, default=None)
    return None  # an unknown sentence type cannot be planned


def _known(d: date | None, source: str) -> KeyDate | None:
    return None if d is None else KeyDate(d, source)


def planning_date(key: KeyDate, calendar: WorkingCalendar, friday_release_days: int) -> date:
    """P, the earliest day the person could walk out.

    A weekend or bank-holiday release happens on the preceding working day
    (CJA 1961 s.23(3)); a movable release on a Friday or before a bank holiday
    may come up to `friday_release_days` working days earlier (s.23(3B)).
    """
    day = calendar.previous_working_day(key.date)
    if key.source in MOVABLE_SOURCES and (
        day.weekday() == FRIDAY or calendar.is_bank_holiday(date.fromordinal(day.toordinal() + 1))
    ):
        return calendar.add_working_days(day, -friday_release_days)
    return day
