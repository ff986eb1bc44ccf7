import pytest

from rules.release import KeyDate, ReleaseDates, key_release_date, planning_date
from tests.rules.builders import d

TODAY = d("2027-01-04")


@pytest.mark.parametrize(
    "dates, expected",
    [
        (dict(crd="2027-10-13"), ("2027-10-13", "crd")),
        (dict(crd="2027-10-13", ard="2027-09-01"), ("2027-09-01", "ard")),
        (dict(crd="2027-08-01", ard="2027-09-01"), ("2027-08-01", "crd")),
        (dict(crd="2027-10-13", ped="2027-11-01"), ("2027-11-01", "ped")),  # PED wins even when later
        (dict(crd="2027-10-13", hdcad="2027-07-01"), ("2027-07-01", "hdcad")),  # approved HDC earlier
        (dict(crd="2027-10-13", hdcad="2027-11-01"), ("2027-10-13", "crd")),
        (dict(crd="2027-10-13", hdced="2027-07-01"), ("2027-10-13", "crd")),  # eligibility alone is no date
        (dict(sentence_type="recall", prrd="2027-06-01", crd="2027-03-01"), ("2027-06-01", "prrd")),
        (dict(sentence_type="indeterminate", ted="2027-06-01", thd="2027-09-01"), ("2027-06-01", "ted")),
        (dict(sentence_type="indeterminate", ted="2026-06-01", thd="2027-09-01"), ("2027-09-01", "thd")),
        (dict(sentence_type="indeterminate", thd="2027-09-01"), ("2027-09-01", "thd")),
        (dict(hdcad="2027-07-01"), ("2027-07-01", "hdcad")),
        (dict(), None),
        (dict(sentence_type="recall", crd="2027-06-01"), None),
        (dict(sentence_type="indeterminate", ted="2026-06-01"), None),
        (dict(sentence_type="life", crd="2027-06-01"), None),
    ],
)
def test_it_picks_the_key_release_date(dates, expected):
    parsed = {k: (v if k == "sentence_type" else d(v)) for k, v in dates.items()}
    key = key_release_date(ReleaseDates(**parsed), TODAY)
    assert key == (KeyDate(d(expected[0]), expected[1]) if expected else None)


@pytest.mark.parametrize(
    "key, source, expected",
    [
        ("2027-10-13", "crd", "2027-10-13"),  # a Wednesday: as is
        ("2027-10-15", "crd", "2027-10-13"),  # a Friday: 2 working days earlier
        ("2027-10-16", "crd", "2027-10-13"),  # a Saturday: Friday, then the Friday rule
        ("2027-12-25", "crd", "2027-12-22"),  # example B
        ("2027-12-28", "ard", "2027-12-22"),  # a substitute day: Friday 24th, then the Friday rule
        ("2026-12-28", "crd", "2026-12-22"),  # substitute Monday: Thu 24th is before Christmas Day
        ("2027-03-25", "crd", "2027-03-23"),  # the day before Good Friday
        ("2027-05-31", "prrd", "2027-05-26"),  # a bank-holiday Monday: Friday, then the Friday rule
        ("2027-08-27", "crd", "2027-08-25"),  # the Friday before a bank-holiday Monday
        ("2027-10-15", "hdcad", "2027-10-15"),  # HDC: no Friday rule
        ("2027-10-16", "ped", "2027-10-15"),  # parole: weekend rule only
        ("2027-12-25", "thd", "2027-12-24"),
    ],
)
def test_it_plans_against_the_earliest_day_out(calendar, key, source, expected):
    assert planning_date(KeyDate(d(key), source), calendar, 2) == d(expected)


def test_the_friday_rule_follows_the_policy(calendar):
    assert planning_date(KeyDate(d("2027-10-15"), "crd"), calendar, 1) == d("2027-10-14")
    assert planning_date(KeyDate(d("2027-10-15"), "crd"), calendar, 0) == d("2027-10-15")
