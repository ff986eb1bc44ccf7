"""The compliance report's arithmetic: a case's outcome, working days late, median and p90, ISO weeks.

Pure: the facts (due date D, completion, release) come in already read, and `as_of` is passed in,
so a simulation can report on its own nights. docs/report.md defines each measure and where a
transferred case counts (`held_on`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from rules.calendar import WorkingCalendar
from rules.steps import Step


class Outcome(StrEnum):
    CONFIRMED_ON_TIME = "confirmed_on_time"
    CONFIRMED_LATE = "confirmed_late"
    RELEASED_UNCONFIRMED = "released_unconfirmed"
    OPEN_OVERDUE = "open_overdue"


OUTCOMES = tuple(Outcome)


@dataclass(frozen=True)
class CaseDates:
    """What the report needs of one case: its due date D, first completion and release, as recorded."""

    due: date
    completed: date | None = None
    released: date | None = None
    highest_step: str | None = None  # the most senior chasing step sent on or before as_of


@dataclass(frozen=True)
class Move:
    """A change of the establishment holding a case, as the nightly check first saw it."""

    night: date
    before: str | None
    after: str | None


def held_on(due: date, moves: Sequence[Move], current: str | None) -> str | None:
    """The establishment holding a case on D: the `after` of the last move on or before D, else the
    `before` of the first move after D, else `current` (no move recorded).

    An empty code (not held by a known prison then) gives way to the nearest known one, looking back
    from D first: a case counts for the last prison known to have held it.
    """
    ordered = sorted(moves, key=lambda move: move.night)  # stable: two moves of one night keep their order
    if not ordered:
        return current
    holders = [ordered[0].before, *(move.after for move in ordered)]  # holders[i] from the i-th move on
    on_due = sum(1 for move in ordered if move.night <= due)
    known_then = [code for code in holders[: on_due + 1] if code]
    known_after = [code for code in holders[on_due + 1 :] if code]
    return known_then[-1] if known_then else known_after[0] if known_after else current


def known_on(day: date | None, as_of: date) -> date | None:
    """A date recorded after `as_of` is not known on `as_of`."""
    return day if day is not None and day <= as_of else None


def outcome_of(case: CaseDates, as_of: date) -> Outcome:
    """Where a case stands on `as_of`: completion decides over release when it came first (or the same day)."""
    completed, released = known_on(case.completed, as_of), known_on(case.released, as_of)
    if completed is not None and (released is None or completed <= released):
        return Outcome.CONFIRMED_ON_TIME if completed <= case.due else Outcome.CONFIRMED_LATE
    if released is not None:
        return Outcome.RELEASED_UNCONFIRMED
    return Outcome.OPEN_OVERDUE


def working_days_late(due: date, completed: date, calendar: WorkingCalendar) -> int:
    """Working days in (due, completed]: 0 when completed on or before D."""
    count, day = 0, due
    while day < completed:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            count += 1
    return count


def median(values: Sequence[float]) -> float | None:
    """The middle value (mean of the two middle ones); None for no values."""
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    return float(ordered[middle]) if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least p% of the values at or below it."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return float(ordered[rank - 1])


def rate(numerator: int, denominator: int) -> float | None:
    return None if denominator == 0 else numerator / denominator


def iso_week(day: date) -> str:
    """'2027-W03': the ISO year and week a date falls in."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def weeks_ending(to: date, count: int = 12) -> list[tuple[str, date, date]]:
    """The `count` ISO weeks ending with the one `to` falls in, oldest first: (label, Monday, Sunday)."""
    monday = to - timedelta(days=to.weekday())
    weeks = []
    for back in range(count - 1, -1, -1):
        start = monday - timedelta(weeks=back)
        weeks.append((iso_week(start), start, start + timedelta(days=6)))
    return weeks


def measures(cases: Iterable[CaseDates], as_of: date, calendar: WorkingCalendar) -> dict[str, object]:
    """The counts, rate and lateness of a group of cases (all whose D falls in the period)."""
    counts = {o.value: 0 for o in OUTCOMES}
    late: list[float] = []
    steps: dict[str, int] = {}
    for case in cases:
        outcome = outcome_of(case, as_of)
        counts[outcome] += 1
        if case.highest_step:
            steps[case.highest_step] = steps.get(case.highest_step, 0) + 1
        if outcome is Outcome.CONFIRMED_LATE and case.completed is not None:
            late.append(working_days_late(case.due, case.completed, calendar))
    due = sum(counts.values())
    return {
        "due": due,
        **counts,
        "on_time_rate": rate(counts[Outcome.CONFIRMED_ON_TIME], due),
        "median_working_days_late": median(late),
        "p90_working_days_late": percentile(late, 90),
        "highest_step": dict(sorted(steps.items(), key=lambda item: Step(item[0]).seniority)),
    }
