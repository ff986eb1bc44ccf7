"""Every rule of `decide`, one scenario each, on real bank holidays."""

from datetime import timedelta

import pytest

from rules.decide import History, decide, notice_key, step_rank
from rules.information import Information
from rules.states import State
from tests.rules.builders import COMPLETE, PEOPLE, case, d, with_people
from tests.rules.replay import replay

A = "2027-10-13"  # example A: a Wednesday CRD, request 03-15, reminder 04-13, F 09-29


def run(facts, since, until, calendar, policy, **kw):
    return replay(facts, d(since), d(until), policy, calendar, **kw)


def sent(result, since="0001-01-01"):
    return [(n.isoformat(), x.step) for n, x in result.notices() if n >= d(since) and x.step != "final-warning"]


def skipped(result):
    return [(h.night.isoformat(), h.step) for h in result.history.handled if h.superseded]


def test_missed_nights_send_only_the_most_senior(calendar, policy):
    down = [d("2027-04-12") + timedelta(days=i) for i in range(25)]  # up to 05-06
    result = run(case(A), "2027-01-04", "2027-06-01", calendar, policy, skip=down)
    assert sent(result) == [("2027-03-15", "request"), ("2027-05-07", "escalation-2"), ("2027-05-19", "escalation-3")]
    assert skipped(result) == [("2027-05-07", "reminder"), ("2027-05-07", "escalation-1")]
    assert {h.key for h in result.history.handled if h.superseded} == {"A1234BC/reminder", "A1234BC/escalation-1"}


def test_a_release_date_moved_earlier(calendar, policy):
    def facts(night):
        return case(A if night < d("2027-04-12") else "2027-05-05")

    result = run(facts, "2027-01-04", "2027-05-08", calendar, policy)
    assert sent(result) == [
        ("2027-03-15", "request"),
        ("2027-04-12", "escalation-1"),
        ("2027-05-06", "released-unconfirmed"),
    ]
    assert skipped(result) == [("2027-04-12", "reminder")]
    warnings = [n.isoformat() for n, _ in result.notices("final-warning")]
    assert warnings[0] == "2027-04-20" and len(warnings) == 11


def test_a_release_date_moved_later(calendar, policy):
    def facts(night):
        return case(A if night < d("2027-04-21") else "2027-12-15")

    result = run(facts, "2027-01-04", "2027-12-20", calendar, policy)
    moved = dict(result.nights)[d("2027-04-21")]
    assert (moved.next_step, moved.next_step_date) == ("escalation-2", d("2027-07-06"))
    assert sent(result, "2027-04-21") == [
        ("2027-07-06", "escalation-2"),
        ("2027-07-20", "escalation-3"),
        ("2027-12-16", "released-unconfirmed"),
    ]
    assert [s for _, s in sent(result)].count("reminder") == 1
    assert [s for _, s in sent(result)].count("escalation-1") == 1


def test_a_new_com_gets_a_new_request_and_a_new_due_date(calendar, policy):
    def facts(night):
        return with_people(case(A), com="new.com@probation.gov.uk") if night >= d("2027-04-22") else case(A)

    result = run(facts, "2027-01-04", "2027-06-30", calendar, policy)
    assert sent(result) == [
        ("2027-03-15", "request"),
        ("2027-04-13", "reminder"),
        ("2027-04-20", "escalation-1"),
        ("2027-04-22", "request"),
        ("2027-05-28", "escalation-2"),
        ("2027-06-14", "escalation-3"),
    ]
    night = dict(result.nights)[d("2027-04-22")]
    assert night.notice.key == "A1234BC/request/2" and night.notice.to == ("new.com@probation.gov.uk",)
    assert night.plan.due_date == d("2027-05-07") and night.state == "requested"
    assert (night.next_step, night.next_step_date) == ("escalation-2", d("2027-05-28"))


def test_partial_information_for_a_level_2_case_keeps_chasing(calendar, policy):
    facts = case(A, info=Information(category=2, level=2))
    decision = decide(facts, History(tracked_since=d("2027-01-04")), d("2027-03-15"), policy, calendar)
    assert decision.missing == ("mapp_meeting_date",)
    assert decision.notice.step == "request" and decision.closes is None


@pytest.mark.parametrize(
    "info, closes",
    [(Information(level=0), "not-eligible"), (Information(not_eligible=True), "not-eligible"), (COMPLETE, "complete")],
)
def test_complete_information_closes_the_chase(calendar, policy, info, closes):
    def facts(night):
        return case(A, info=info if night >= d("2027-05-10") else Information())

    result = run(facts, "2027-01-04", "2027-10-20", calendar, policy)
    assert result.history.closed_state == closes
    assert sent(result)[-1] == ("2027-05-10", "resolved")
    # escalation-3 (05-19) had not gone: its Head of OMU is not told
    assert result.notices("resolved")[0][1].to == (PEOPLE.com, PEOPLE.spo, PEOPLE.head_of_pdu, PEOPLE.mappa_coordinator)


def test_no_resolved_notice_when_only_the_request_went(calendar, policy):
    def facts(night):
        return case(A, info=COMPLETE if night >= d("2027-04-01") else Information())

    result = run(facts, "2027-01-04", "2027-10-20", calendar, policy)
    assert sent(result) == [("2027-03-15", "request")]
    assert result.history.closed_on == d("2027-04-01")


def test_closing_on_a_weekend_sends_on_the_next_working_night(calendar, policy):
    def facts(night):
        return case(A, info=COMPLETE if night >= d("2027-04-24") else Information())

    result = run(facts, "2027-01-04", "2027-05-10", calendar, policy)
    saturday = dict(result.nights)[d("2027-04-24")]
    assert (saturday.closes, saturday.notice, saturday.next_step) == ("complete", None, "resolved")
    assert sent(result)[-1] == ("2027-04-26", "resolved")
    assert len(result.notices("resolved")) == 1


@pytest.mark.parametrize(
    "dates, planning",
    [
        (dict(crd="2027-10-13", hdcad="2027-07-09"), "2027-07-09"),  # HDC earlier than CRD, a Friday: kept
        (dict(crd="2027-10-13", ped="2027-08-14"), "2027-08-13"),  # PED on a Saturday
        (dict(sentence_type="recall", prrd="2027-08-13"), "2027-08-11"),  # PRRD on a Friday
        (dict(sentence_type="indeterminate", ted="2027-08-13", thd="2027-11-01"), "2027-08-13"),
        (dict(sentence_type="indeterminate", ted="2026-08-13", thd="2027-11-01"), "2027-11-01"),
    ],
)
def test_the_plan_uses_the_right_date(calendar, policy, dates, planning):
    decision = decide(case(**dates), History(), d("2027-01-04"), policy, calendar)
    assert decision.plan.planning_date == d(planning)


def test_no_release_date_is_a_data_problem(calendar, policy):
    decision = decide(case(), History(), d("2027-03-15"), policy, calendar)
    assert (decision.state, decision.notice, decision.plan) == ("data-problem", None, None)
    assert decision.problems == ("no usable release date",)
    released = decide(case(released_on="2027-03-12"), History(), d("2027-03-15"), policy, calendar)
    assert (released.state, released.closes, released.notice) == ("closed", "closed", None)


def test_first_seen_after_release_closes_quietly(calendar, policy):
    decision = decide(case(A), History(), d("2027-10-14"), policy, calendar)
    assert (decision.state, decision.closes, decision.notice) == ("closed", "closed", None)


def test_a_recorded_release_closes_released_unconfirmed(calendar, policy):
    history = History(tracked_since=d("2027-01-04"))
    decision = decide(case(A, released_on="2027-06-01"), history, d("2027-06-01"), policy, calendar)
    assert decision.closes == "released-unconfirmed" and decision.notice.step == "released-unconfirmed"
    assert decision.notice.to == (PEOPLE.head_of_omu,) and decision.notice.cc == (PEOPLE.omu_mailbox,)


def test_no_com_sends_to_the_pdu_mailbox(calendar, policy):
    facts = with_people(case(A), com=None, spo=None)
    result = run(facts, "2027-01-04", "2027-04-20", calendar, policy)
    request = result.notices("request")[0][1]
    assert request.to == (PEOPLE.pdu_mailbox,)
    assert request.substitutes == ("no COM allocated: sent to the PDU mailbox",)
    escalation = result.notices("escalation-1")[0][1]
    assert escalation.to == (PEOPLE.pdu_mailbox,) and escalation.cc == (PEOPLE.omu_mailbox,)
    assert escalation.substitutes == (
        "no SPO known: sent to the PDU mailbox",
        "no COM allocated: sent to the PDU mailbox",
    )
    assert result.history.handled[0].com is None


def test_a_com_allocated_later_gets_its_own_request(calendar, policy):
    def facts(night):
        return case(A) if night >= d("2027-03-20") else with_people(case(A), com=None)

    result = run(facts, "2027-01-04", "2027-04-20", calendar, policy)
    assert sent(result)[:2] == [("2027-03-15", "request"), ("2027-03-22", "request")]


def test_no_pdu_sends_to_the_omu_mailbox_and_reports_it(calendar, policy):
    facts = with_people(case(A), com=None, pdu_mailbox=None)
    decision = decide(facts, History(tracked_since=d("2027-01-04")), d("2027-03-15"), policy, calendar)
    assert decision.notice.to == (PEOPLE.omu_mailbox,) and decision.notice.cc == ()
    assert decision.problems == ("no PDU known: sent to the OMU mailbox",)


def test_nobody_to_send_to_queues_nothing(calendar, policy):
    nobody = with_people(case(A), com=None, pdu_mailbox=None, omu_mailbox=None)
    decision = decide(nobody, History(tracked_since=d("2027-01-04")), d("2027-03-15"), policy, calendar)
    assert decision.notice is None and "request: nobody to send it to" in decision.problems


@pytest.mark.parametrize(
    "night, state, next_step",
    [
        ("2027-03-12", "scheduled", ("request", "2027-03-15")),
        ("2027-03-15", "requested", ("reminder", "2027-04-13")),
        ("2027-04-13", "overdue", ("escalation-1", "2027-04-20")),
        ("2027-05-19", "overdue", ("final-warning", "2027-09-29")),
        ("2027-10-08", "final-warning", ("final-warning", "2027-10-11")),
        ("2027-10-13", "final-warning", ("released-unconfirmed", "2027-10-14")),
        ("2027-10-14", "released-unconfirmed", (None, None)),
    ],
)
def test_states_and_next_steps(calendar, policy, night, state, next_step):
    result = run(case(A), "2027-01-04", night, calendar, policy)
    decision = result.nights[-1][1]
    assert decision.state == state and decision.state in set(State)
    assert (decision.next_step, decision.next_step_date and decision.next_step_date.isoformat()) == next_step


def test_last_step_is_the_latest_sent(calendar, policy):
    result = run(case(A), "2027-01-04", "2027-04-21", calendar, policy)
    assert result.nights[-1][1].last_step == "escalation-1"


def test_keys_and_ranks():
    assert notice_key("A1234BC", "request", cycle=1) == "A1234BC/request/1"
    assert notice_key("A1234BC", "final-warning", night=d("2027-09-29")) == "A1234BC/final-warning/2027-09-29"
    assert notice_key("A1234BC", "escalation-2") == "A1234BC/escalation-2"
    assert notice_key("A1234BC", "resolved") == "A1234BC/resolved"
    ranks = [step_rank(s) for s in ("request", "reminder", "escalation-1", "escalation-7", "final-warning")]
    assert ranks == sorted(ranks) and step_rank("escalation-7") == 8
    with pytest.raises(ValueError):
        step_rank("nudge")
