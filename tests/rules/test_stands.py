"""A decision stands until `decide_again_on`: the same inputs decide the same on every night before it."""

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules.decide import History, decide
from rules.information import Information
from rules.release import ReleaseDates
from rules.stands import FOREVER, decide_again_on
from tests.rules.builders import PEOPLE, case, d
from tests.rules.replay import record
from tests.rules.test_properties import facts_on, missed, scenarios


def ahead(night: date, until: date) -> list[date]:
    """The nights between tonight and `until` worth checking: the next few, the middle, the last."""
    last = min(until, night + timedelta(days=3000)) - timedelta(days=1)
    picks = {night + timedelta(days=n) for n in (1, 2, 3, 7)} | {night + (last - night) / 2, last}
    return sorted(t for t in picks if night < t <= last)


@settings(max_examples=250, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_a_decision_stands_until_it_says(calendar, policy, s):
    """Night by night through random cases: a remembered decision, reused while its inputs and date allow,
    is the decision `decide` gives; and spot checks ahead of each night hold the same."""
    history, night, remembered = History(), s["since"], None
    reused = 0
    while night <= s["last"]:
        if not missed(s, night):
            facts = facts_on(s, night)
            decision = decide(facts, history, night, policy, calendar)
            if remembered and remembered[:2] == (facts, history) and remembered[2] < night < remembered[3]:
                assert remembered[4] == decision, f"reused the decision of {remembered[2]} on {night}"
                reused += 1
            until = decide_again_on(decision, facts, history, night)
            assert until > night
            for later in ahead(night, until):
                assert decide(facts, history, later, policy, calendar) == decision, (night, later, until)
            remembered = (facts, history, night, until, decision)
            history = record(history, decision, facts, night)
        night += timedelta(days=1)


def decided(facts, history, night, policy, calendar):
    decision = decide(facts, history, night, policy, calendar)
    return decision, decide_again_on(decision, facts, history, night)


def test_the_first_night_and_a_night_that_queues_stand_one_night(calendar, policy):
    facts, night = case("2027-09-30"), d("2026-11-30")
    decision, until = decided(facts, History(), night, policy, calendar)
    assert decision.notice is None and until == night + timedelta(days=1)  # the first night of tracking
    history = record(History(), decision, facts, night)
    request_night = decision.plan.request_date
    decision, until = decided(facts, history, request_night, policy, calendar)
    assert decision.notice is not None and until == request_night + timedelta(days=1)


def test_a_scheduled_case_stands_until_its_request(calendar, policy):
    facts, night = case("2027-09-30"), d("2026-11-30")
    history = record(History(), decide(facts, History(), night, policy, calendar), facts, night)
    decision, until = decided(facts, history, night + timedelta(days=1), policy, calendar)
    assert decision.notice is None and until == decision.plan.request_date == decision.next_step_date


def test_a_case_without_a_release_date_stands_until_new_inputs(calendar, policy):
    facts = replace(case(), dates=ReleaseDates(), information=Information(), people=PEOPLE)
    night = d("2026-11-30")
    history = record(History(), decide(facts, History(), night, policy, calendar), facts, night)
    decision, until = decided(facts, history, night + timedelta(days=1), policy, calendar)
    assert decision.state == "data-problem" and until == FOREVER
    released = replace(facts, released_on=d("2027-01-15"))
    assert decided(released, history, night + timedelta(days=1), policy, calendar)[1] == d("2027-01-15")


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(["indeterminate", "recall", "determinate"]),
    ted=st.dates(date(2026, 12, 1), date(2028, 12, 31)),
    thd=st.none() | st.dates(date(2026, 12, 1), date(2029, 12, 31)),
    start=st.dates(date(2026, 12, 1), date(2028, 6, 30)),
)
def test_a_tariff_date_passing_is_a_date_decisions_stand_until(calendar, policy, kind, ted, thd, start):
    """Indeterminate sentences switch from TED to THD once TED is past: the decision must not outlive it."""
    dates = ReleaseDates(kind, crd=thd, ted=ted, thd=thd, prrd=thd)
    facts = replace(case(), dates=dates)
    history = record(History(), decide(facts, History(), start, policy, calendar), facts, start)
    night = start + timedelta(days=1)
    decision, until = decided(facts, history, night, policy, calendar)
    for later in ahead(night, until):
        assert decide(facts, history, later, policy, calendar) == decision, (later, until)
