"""The pure rules of the HMPPS sync: reading registrations, whom to ask, and the problems found."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta

import pytest

from rules.asking import AskFacts, add_months, ask_tonight
from rules.registration import read_registration
from rules.release import ReleaseDates, key_release_date
from rules.sync_problems import SyncFacts, sync_problems

NIGHT = date(2027, 1, 4)


def test_these_rules_import_no_orchestration_database_or_templates():
    script = (
        "import sys, rules.asking, rules.registration, rules.sync_problems; "
        "print(sorted(m for m in ('prefect', 'sqlalchemy', 'jinja2', 'httpx') if m in sys.modules))"
    )
    assert (
        subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.strip()
        == "[]"
    )


@pytest.mark.parametrize(
    "given, expected",
    [
        ((2, 2, "MAPPA Cat 2", "MAPPA Level 2"), (2, 2, None)),
        ((0, 0, "Category 0", "Level 0"), (None, 0, None)),
        ((None, 2), "level 2 but no category"),
        ((0, 2), "level 2 but no category"),
        ((3, 0), "category 3 but no level"),
        ((2, 2, "MAPPA Cat 1"), "category is 2 but whose description says 1"),
        ((1, 3, None, "Level 2"), "level is 3 but whose description says 2"),
        ((5, 1), "out of range"),
        ((None, None), "neither"),
        (("x", True), "neither"),
    ],
)
def test_a_registration_is_a_confirmation_or_a_problem(given, expected):
    reading = read_registration(*given)
    if isinstance(expected, str):
        assert expected in reading.problem and reading.category is None and reading.level is None
    else:
        assert (reading.category, reading.level, reading.problem) == expected


def test_level_0_with_category_0_is_not_eligible():
    assert read_registration(0, 0).not_eligible and not read_registration(1, 1).not_eligible


def facts(**changes) -> AskFacts:
    base = dict(
        prison_number="A1234BC",
        sentenced=True,
        released=False,
        planning_date=NIGHT + timedelta(100),
        tracked=False,
        open_case=False,
        last_asked=None,
        asked_here=False,
    )
    return AskFacts(**(base | changes))


def ask(night=NIGHT, **changes) -> bool:
    return ask_tonight(facts(**changes), night, 8, 7)


def test_a_candidate_within_the_horizon_is_asked_when_first_seen_then_weekly():
    assert ask()
    assert not ask(planning_date=add_months(NIGHT, 8) + timedelta(1))
    assert ask(planning_date=add_months(NIGHT, 8))
    asked = dict(last_asked=NIGHT, asked_here=True)
    nights = [NIGHT + timedelta(d) for d in range(1, 15)]
    due = [n for n in nights if ask(night=n, **asked) and n - NIGHT < timedelta(7)]
    assert len(due) <= 1  # at most once before the week is up: on the prison number's night
    assert ask(night=NIGHT + timedelta(7), **asked)
    assert ask(night=NIGHT + timedelta(3), last_asked=NIGHT, asked_here=False)  # seen in a new prison


def test_who_is_never_asked():
    assert not ask(released=True)
    assert not ask(sentenced=False)
    assert not ask(planning_date=None)
    assert not ask(tracked=True, open_case=False)  # closed
    assert not ask(last_asked=NIGHT, asked_here=True)  # already tonight


def test_an_open_tracked_case_is_asked_nightly_within_the_horizon_else_weekly():
    open_case = dict(tracked=True, open_case=True, last_asked=NIGHT - timedelta(1), asked_here=True)
    assert ask(**open_case)
    assert ask(planning_date=None, **open_case)
    far = open_case | {"planning_date": NIGHT + timedelta(900)}
    assert sum(ask(night=NIGHT + timedelta(d), **(far | {"last_asked": NIGHT})) for d in range(1, 7)) <= 1


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert add_months(date(2027, 5, 4), 8) == date(2028, 1, 4)


def test_sync_problems_for_a_tracked_case():
    found = sync_problems(
        SyncFacts(
            True, "REMAND", False, "not-found", "a MAPPA registration with level 2 but no category", "N07T9", False
        )
    )
    assert [(p.code, p.blocking) for p in found] == [
        ("legal-status-not-tracked", True),
        ("not-known-to-probation", False),
        ("contradictory-mappa-registration", False),
        ("team-not-in-teams-feed", False),
    ]
    assert "REMAND" in found[0].detail and "N07T9" in found[3].detail


def test_no_problems_for_a_sound_case_or_one_not_tracked():
    assert sync_problems(SyncFacts(True, "SENTENCED", True, "found", None, "N07T1", True)) == ()
    assert sync_problems(SyncFacts(False, "REMAND", False, "not-found", "x", "N07T9", False)) == ()
    assert sync_problems(SyncFacts(True)) == ()  # a CSV-fed case: nothing known, nothing claimed


def test_an_indeterminate_case_past_tariff_without_thd_already_has_no_usable_release_date():
    dates = ReleaseDates("indeterminate", ted=NIGHT - timedelta(1))
    assert key_release_date(dates, NIGHT) is None
    assert key_release_date(ReleaseDates("indeterminate", ted=NIGHT - timedelta(1), thd=NIGHT + timedelta(9)), NIGHT)


def test_an_open_case_whose_information_is_complete_is_asked_only_weekly():
    done = dict(tracked=True, open_case=True, complete=True, last_asked=NIGHT, asked_here=True)
    assert sum(ask(night=NIGHT + timedelta(d), **done) for d in range(1, 7)) <= 1
