"""The report's arithmetic: outcomes, working days late, median and p90, ISO weeks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.calendar import WorkingCalendar
from rules.compliance import (
    CaseDates,
    Move,
    Outcome,
    held_on,
    iso_week,
    measures,
    median,
    outcome_of,
    percentile,
    weeks_ending,
    working_days_late,
)
from rules.steps import Step

CALENDAR = WorkingCalendar.england_and_wales()
D, AS_OF = date(2027, 3, 10), date(2027, 6, 1)


def moved(days: int, before: str | None, after: str | None) -> Move:
    return Move(D + timedelta(days=days), before, after)


@pytest.mark.parametrize(
    ("moves", "current", "expected"),
    [
        ((), "FKI", "FKI"),  # never moved: where it is
        ((moved(-20, "DMI", "FKI"),), "FKI", "FKI"),  # moved before D
        ((moved(0, "DMI", "FKI"),), "FKI", "FKI"),  # moved on the night of D: held there on D
        ((moved(1, "DMI", "FKI"),), "FKI", "DMI"),  # moved after D
        ((moved(-30, "LPI", "DMI"), moved(-5, "DMI", "FKI"), moved(9, "FKI", "HMI")), "HMI", "FKI"),
        ((moved(-30, "FKI", "DMI"), moved(40, "DMI", "FKI")), "FKI", "DMI"),  # there and back, D between
        ((moved(9, "FKI", "HMI"), moved(-5, "DMI", "FKI")), "HMI", "FKI"),  # given out of order
        ((moved(-5, "DMI", None),), None, "DMI"),  # left the roll before D: the last prison known
        ((moved(5, None, "DMI"),), "DMI", "DMI"),  # no prison known on D: the first known after
        ((moved(5, None, None),), "FKI", "FKI"),
    ],
)
def test_the_establishment_holding_a_case_on_d(moves, current, expected):
    assert held_on(D, moves, current) == expected


@given(st.lists(st.tuples(st.integers(-60, 60), st.sampled_from(["DMI", "FKI", "HMI"])), min_size=1, max_size=6))
def test_a_chain_of_moves_counts_where_the_case_was_on_d(steps):
    """Moves that follow on from each other (each leaves where the last one arrived): the holder on D."""
    steps = sorted(steps)
    where, moves = "LPI", []
    for days, code in steps:
        moves.append(moved(days, where, code))
        where = code
    on_d = [code for days, code in steps if days <= 0]
    assert held_on(D, moves, where) == (on_d[-1] if on_d else "LPI")


@pytest.mark.parametrize(
    ("completed", "released", "expected"),
    [
        (D, None, Outcome.CONFIRMED_ON_TIME),
        (D - timedelta(days=30), None, Outcome.CONFIRMED_ON_TIME),
        (D + timedelta(days=1), None, Outcome.CONFIRMED_LATE),
        (D + timedelta(days=5), D + timedelta(days=5), Outcome.CONFIRMED_LATE),  # the same day: complete in time
        (D + timedelta(days=6), D + timedelta(days=5), Outcome.RELEASED_UNCONFIRMED),
        (None, D + timedelta(days=5), Outcome.RELEASED_UNCONFIRMED),
        (None, None, Outcome.OPEN_OVERDUE),
        (AS_OF + timedelta(days=1), None, Outcome.OPEN_OVERDUE),  # not known yet on as_of
        (None, AS_OF + timedelta(days=1), Outcome.OPEN_OVERDUE),
    ],
)
def test_outcome_of_a_case(completed, released, expected):
    assert outcome_of(CaseDates(D, completed, released), AS_OF) is expected


@pytest.mark.parametrize(
    ("due", "completed", "days"),
    [
        (date(2027, 3, 10), date(2027, 3, 10), 0),
        (date(2027, 3, 10), date(2027, 3, 1), 0),
        (date(2027, 3, 10), date(2027, 3, 11), 1),
        (date(2027, 3, 12), date(2027, 3, 15), 1),  # Friday to Monday
        (date(2027, 3, 25), date(2027, 3, 30), 1),  # over Good Friday and Easter Monday 2027
    ],
)
def test_working_days_late(due, completed, days):
    assert working_days_late(due, completed, CALENDAR) == days


def test_median_and_p90():
    assert median([]) is None and percentile([], 90) is None
    assert median([3, 1, 2]) == 2 and median([1, 2, 3, 10]) == 2.5
    assert percentile(list(range(1, 11)), 90) == 9 and percentile([5], 90) == 5


def test_iso_weeks():
    assert iso_week(date(2027, 1, 18)) == "2027-W03"
    assert iso_week(date(2027, 1, 1)) == "2026-W53"
    weeks = weeks_ending(date(2027, 1, 20))
    assert len(weeks) == 12 and weeks[-1] == ("2027-W03", date(2027, 1, 18), date(2027, 1, 24))


dates = st.dates(min_value=date(2026, 1, 1), max_value=date(2028, 12, 31))
cases = st.builds(
    CaseDates,
    due=dates,
    completed=st.none() | dates,
    released=st.none() | dates,
    highest_step=st.none() | st.sampled_from([Step.REQUEST, Step.REMINDER, Step.FINAL_WARNING, Step.escalation(2)]),
)


@given(st.lists(cases, max_size=40), dates)
def test_outcomes_add_up_and_the_rate_is_on_time_over_due(group, as_of):
    m = measures(group, as_of, CALENDAR)
    outcomes = sum(m[o] for o in Outcome)  # type: ignore[misc]
    assert outcomes == m["due"] == len(group)
    assert m["on_time_rate"] == (m["confirmed_on_time"] / len(group) if group else None)
    assert sum(m["highest_step"].values()) == sum(1 for c in group if c.highest_step)  # type: ignore[union-attr]
    if m["confirmed_late"]:
        assert 1 <= m["median_working_days_late"] <= m["p90_working_days_late"]  # type: ignore[operator]
    else:
        assert m["median_working_days_late"] is None


@given(st.lists(st.integers(0, 500), min_size=1, max_size=50))
def test_p90_has_ninety_per_cent_at_or_below_it(values):
    p90 = percentile(values, 90)
    assert sum(v <= p90 for v in values) >= 0.9 * len(values)
    assert sum(v < p90 for v in values) < 0.9 * len(values)
