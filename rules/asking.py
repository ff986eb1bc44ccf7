"""Whom the sync asks probation about tonight, so that a night stays within its call budget.

* a tracked, open case whose information is incomplete and whose planning date is within
  the horizon: every night (its COM, level or meeting date may arrive any day);
* any other open tracked case: once a week;
* a sentenced prisoner not tracked, planning date within the horizon: the first night they
  are seen in a prison, then once a week until tracked or released;
* nobody else (released, not sentenced, or release beyond the horizon).

"Once a week" falls on a night fixed by the prison number, so a national first sync does not
come back as one huge night seven days later.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class AskFacts:
    prison_number: str
    sentenced: bool
    released: bool
    planning_date: date | None  # None: no usable release date
    tracked: bool  # the prison or probation identifies MAPPA, or a case row exists
    open_case: bool  # tracked and not closed
    last_asked: date | None
    asked_here: bool  # the last ask was while they were in this establishment
    complete: bool = False  # tracked, and the COM's information is all in


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = [
        31,
        29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28,
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ][month - 1]
    return date(year, month, min(day.day, last))


def within_horizon(planning: date | None, night: date, horizon_months: int) -> bool:
    return planning is not None and planning <= add_months(night, horizon_months)


def weekly_due(prison_number: str, last_asked: date | None, night: date, every: int) -> bool:
    if last_asked is None:
        return True
    if last_asked >= night:
        return False
    slot = zlib.crc32(prison_number.encode()) % every
    return (night - last_asked).days >= every or night.toordinal() % every == slot


def ask_tonight(facts: AskFacts, night: date, horizon_months: int, every: int) -> bool:
    if facts.released:
        return False
    soon = facts.planning_date is None or within_horizon(facts.planning_date, night, horizon_months)
    if facts.open_case:
        if soon and not facts.complete:
            return facts.last_asked is None or facts.last_asked < night
        return weekly_due(facts.prison_number, facts.last_asked, night, every)
    if facts.tracked or not facts.sentenced or facts.planning_date is None or not soon:
        return False  # a closed case is done; the rest are not candidates
    if not facts.asked_here:
        return facts.last_asked is None or facts.last_asked < night
    return weekly_due(facts.prison_number, facts.last_asked, night, every)
