"""The worked examples of docs/policy.md, replayed night by night from the first tracked night to P + 3."""

from datetime import timedelta

import pytest

from rules.decide import History, decide
from rules.information import Information
from tests.rules.builders import COMPLETE, PEOPLE, case, d
from tests.rules.replay import record, replay


def run(facts, since, until, calendar, policy, **kw):
    return replay(facts, d(since), d(until), policy, calendar, **kw)


def chase(result):
    """(night, step) for every notice but the final warnings, which are counted apart."""
    return [(n.isoformat(), x.step) for n, x in result.notices() if x.step != "final-warning"]


def final_warnings(result):
    return [n.isoformat() for n, _ in result.notices("final-warning")]


@pytest.mark.parametrize(
    "crd, since, until, expected, first_fw, closing",
    [
        (
            "2027-10-13",
            "2027-01-04",
            "2027-10-16",
            [
                ("2027-03-15", "request"),
                ("2027-04-13", "reminder"),
                ("2027-04-20", "escalation-1"),
                ("2027-05-05", "escalation-2"),
                ("2027-05-19", "escalation-3"),
                ("2027-10-14", "released-unconfirmed"),
            ],
            "2027-09-29",
            "2027-10-14",
        ),
        (
            "2027-12-25",
            "2027-01-04",
            "2027-12-25",
            [
                ("2027-05-24", "request"),
                ("2027-06-22", "reminder"),
                ("2027-06-29", "escalation-1"),
                ("2027-07-13", "escalation-2"),
                ("2027-07-27", "escalation-3"),
                ("2027-12-23", "released-unconfirmed"),
            ],
            "2027-12-08",
            "2027-12-23",
        ),
        (
            "2027-03-31",
            "2027-03-01",
            "2027-04-03",
            [("2027-03-01", "request"), ("2027-04-01", "released-unconfirmed")],
            "2027-03-15",
            "2027-04-01",
        ),
    ],
)
def test_examples_a_b_c(calendar, policy, crd, since, until, expected, first_fw, closing):
    result = run(case(crd), since, until, calendar, policy)
    assert chase(result) == expected
    warnings = final_warnings(result)
    assert warnings[0] == first_fw and len(warnings) == 11
    assert result.history.closed_state == "released-unconfirmed"
    assert result.history.closed_on == d(closing)
    assert not any(x.superseded for x in result.history.handled)


def test_example_c_skips_easter(calendar, policy):
    warnings = final_warnings(run(case("2027-03-31"), "2027-03-01", "2027-04-03", calendar, policy))
    assert "2027-03-26" not in warnings and "2027-03-29" not in warnings
    assert warnings[-3:] == ["2027-03-25", "2027-03-30", "2027-03-31"]


def test_example_d_information_arrives(calendar, policy):
    def facts(night):
        return case("2027-10-13", info=COMPLETE if night >= d("2027-04-26") else Information())

    result = run(facts, "2027-01-04", "2027-10-16", calendar, policy)
    assert chase(result) == [
        ("2027-03-15", "request"),
        ("2027-04-13", "reminder"),
        ("2027-04-20", "escalation-1"),
        ("2027-04-26", "resolved"),
    ]
    resolved = result.notices("resolved")[0][1]
    assert resolved.to == (PEOPLE.com, PEOPLE.spo)
    assert resolved.cc == (PEOPLE.omu_mailbox,)
    assert (result.history.closed_state, result.history.closed_on) == ("complete", d("2027-04-26"))


def test_the_christmas_and_new_year_run(calendar, policy):
    result = run(case("2028-01-05"), "2027-06-01", "2028-01-08", calendar, policy)
    assert final_warnings(result) == [
        "2027-12-17",
        "2027-12-20",
        "2027-12-21",
        "2027-12-22",
        "2027-12-23",
        "2027-12-24",
        "2027-12-29",
        "2027-12-30",
        "2027-12-31",
        "2028-01-04",
        "2028-01-05",
    ]
    assert result.history.closed_on == d("2028-01-06")


def test_a_case_first_seen_three_weeks_before_release(calendar, policy):
    # 3 weeks out is still before F (P - 10 wd): the request goes; the reminder folds
    result = run(case("2028-01-05"), "2027-12-15", "2028-01-08", calendar, policy)
    assert chase(result)[0] == ("2027-12-15", "request")
    assert final_warnings(result)[0] == "2027-12-17"


def test_a_case_first_seen_inside_the_final_warning_window(calendar, policy):
    result = run(case("2027-10-13"), "2027-10-04", "2027-10-16", calendar, policy)
    assert final_warnings(result)[0] == "2027-10-04"
    assert len(final_warnings(result)) == 8
    skipped = [h for h in result.history.handled if h.superseded]
    assert [(h.step, h.key, h.night) for h in skipped] == [("request", "A1234BC/request/1", d("2027-10-04"))]


def test_every_night_can_be_run_twice(calendar, policy):
    facts, history, night = case("2027-10-13"), History(), d("2027-01-04")
    while night <= d("2027-10-16"):
        history = record(history, decide(facts, history, night, policy, calendar), facts, night)
        rerun = decide(facts, history, night, policy, calendar)
        assert (rerun.notice, rerun.superseded, rerun.closes) == (None, (), None), night
        night += timedelta(days=1)


def test_nothing_goes_on_a_non_working_night(calendar, policy):
    result = run(case("2027-12-25"), "2027-01-04", "2027-12-31", calendar, policy)
    assert all(calendar.is_working_day(n) for n, _ in result.notices())
