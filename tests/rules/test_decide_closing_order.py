"""Complete information ends the chase before anything else is looked at."""

from rules.decide import History, decide
from rules.information import Information
from tests.rules.builders import COMPLETE, case, d


def test_complete_information_closes_even_without_a_release_date(policy, calendar):
    decision = decide(case(None, info=COMPLETE), History(), d("2027-03-15"), policy, calendar)
    assert (decision.state, decision.closes, decision.problems) == ("complete", "complete", ())


def test_level_zero_without_a_release_date_is_not_eligible(policy, calendar):
    decision = decide(case(None, info=Information(level=0)), History(), d("2027-03-15"), policy, calendar)
    assert decision.closes == "not-eligible"


def test_without_a_release_date_and_information_it_stays_a_data_problem(policy, calendar):
    decision = decide(case(None), History(), d("2027-03-15"), policy, calendar)
    assert decision.state == "data-problem" and decision.problems == ("no usable release date",)
