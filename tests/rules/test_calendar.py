from datetime import date

import pytest

from rules.calendar import WorkingCalendar
from tests.rules.builders import d


@pytest.mark.parametrize(
    "day, working",
    [
        ("2027-03-26", False),  # Good Friday
        ("2027-03-29", False),  # Easter Monday
        ("2027-12-24", True),  # Christmas Eve is a working day
        ("2027-12-25", False),  # Christmas on a Saturday ...
        ("2027-12-27", False),  # ... substitute day for Christmas
        ("2027-12-28", False),  # ... substitute day for Boxing Day
        ("2027-12-29", True),
        ("2028-01-03", False),  # New Year's Day 2028 is a Saturday: substitute Monday
        ("2027-05-03", False),  # early May bank holiday
        ("2027-10-16", False),  # an ordinary Saturday
        ("2027-10-13", True),
    ],
)
def test_it_knows_working_days(calendar, day, working):
    assert calendar.is_working_day(d(day)) is working


@pytest.mark.parametrize(
    "start, n, expected",
    [
        ("2027-10-13", -10, "2027-09-29"),
        ("2027-03-31", -10, "2027-03-15"),  # skips Good Friday and Easter Monday
        ("2027-04-13", 15, "2027-05-05"),  # skips the May bank holiday
        ("2027-03-15", 10, "2027-03-31"),
        ("2027-12-24", 1, "2027-12-29"),  # over Christmas and both substitute days
        ("2027-12-25", 1, "2027-12-29"),  # a non-working start is not counted
        ("2027-12-25", -1, "2027-12-24"),
        ("2027-10-13", 0, "2027-10-13"),
    ],
)
def test_it_adds_working_days(calendar, start, n, expected):
    assert calendar.add_working_days(d(start), n) == d(expected)


@pytest.mark.parametrize(
    "day, following, preceding",
    [
        ("2027-12-25", "2027-12-29", "2027-12-24"),
        ("2027-03-26", "2027-03-30", "2027-03-25"),
        ("2027-10-13", "2027-10-13", "2027-10-13"),
    ],
)
def test_it_moves_to_a_working_day(calendar, day, following, preceding):
    assert calendar.next_working_day(d(day)) == d(following)
    assert calendar.previous_working_day(d(day)) == d(preceding)


def test_it_agrees_with_a_day_by_day_walk(calendar):
    start = date(2026, 12, 20)
    for n in [*range(-30, 0), *range(1, 31)]:
        assert calendar.add_working_days(start, n) == calendar._walk(start, n)


def test_it_walks_beyond_the_years_it_knows():
    calendar = WorkingCalendar([date(2027, 12, 27)])
    assert calendar.add_working_days(date(2030, 1, 4), 1) == date(2030, 1, 7)
    assert calendar.add_working_days(date(2027, 12, 24), 1) == date(2027, 12, 28)


def test_the_england_and_wales_calendar_is_shared():
    assert WorkingCalendar.england_and_wales() is WorkingCalendar.england_and_wales()
    assert WorkingCalendar.england_and_wales().is_bank_holiday(date(2027, 12, 28))
