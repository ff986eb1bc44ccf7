import pytest

from rules.plan import make_plan, months_before
from rules.release import key_release_date
from tests.rules.builders import case, d

# The worked examples of docs/policy.md, "Worked examples".
EXAMPLES = {
    "A": (
        "2027-10-13",
        "2027-01-04",
        "2027-10-13",
        "2027-03-15",
        "2027-04-13",
        {"escalation-1": "2027-04-20", "escalation-2": "2027-05-05", "escalation-3": "2027-05-19"},
        "2027-09-29",
    ),
    "B": (
        "2027-12-25",
        "2027-01-04",
        "2027-12-22",
        "2027-05-24",
        "2027-06-22",
        {"escalation-1": "2027-06-29", "escalation-2": "2027-07-13", "escalation-3": "2027-07-27"},
        "2027-12-08",
    ),
    "C": ("2027-03-31", "2027-03-01", "2027-03-31", "2027-03-01", "2027-03-15", {}, "2027-03-15"),
}


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_worked_examples(calendar, policy, name):
    crd, since, p, r, due, escalations, f = EXAMPLES[name]
    key = key_release_date(case(crd).dates, d(since))
    plan = make_plan(key, d(since), None, d(since), policy, calendar)
    assert (plan.key.date, plan.planning_date, plan.request_date, plan.due_date, plan.final_warning_date) == (
        d(crd),
        d(p),
        d(r),
        d(due),
        d(f),
    )
    folded_reminder = d(due) >= d(f)
    expected = {
        "request": d(r),
        **({} if folded_reminder else {"reminder": d(due)}),
        **{step: d(day) for step, day in escalations.items()},
    }
    assert plan.step_dates == expected


def test_a_request_already_sent_sets_r(calendar, policy):
    key = key_release_date(case("2027-10-13").dates, d("2027-04-15"))
    plan = make_plan(key, d("2027-01-04"), d("2027-04-15"), d("2027-04-15"), policy, calendar)
    assert plan.request_date == d("2027-04-15")
    assert plan.due_date == d("2027-04-29")  # R + 10 wd beats P - 6 months
    assert plan.step_dates["escalation-1"] == d("2027-05-07")  # over the May bank holiday


def test_a_missed_request_night_moves_the_plan_along(calendar, policy):
    key = key_release_date(case("2027-10-13").dates, d("2027-03-20"))
    plan = make_plan(key, d("2027-01-04"), None, d("2027-03-20"), policy, calendar)
    assert plan.request_date == d("2027-03-22")  # Saturday night: the next working night


def test_the_due_date_is_never_before_the_day_after_the_request(calendar, policy):
    key = key_release_date(case("2027-10-13").dates, d("2027-10-08"))
    plan = make_plan(key, d("2027-10-08"), None, d("2027-10-08"), policy, calendar)
    assert plan.request_date == d("2027-10-08")
    assert plan.due_date == d("2027-10-11")
    assert plan.step_dates == {"request": d("2027-10-08")}  # the rest folds into the final warning


@pytest.mark.parametrize(
    "day, months, expected",
    [
        ("2027-10-13", 7, "2027-03-13"),
        ("2027-09-30", 7, "2027-02-28"),  # clamped to the month end
        ("2028-08-31", 6, "2028-02-29"),
    ],
)
def test_months_before_clamps_to_the_month_end(day, months, expected):
    assert months_before(d(day), months) == d(expected)
