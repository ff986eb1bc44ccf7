"""Properties over random cases: dates in 2026-2029, information arriving, COMs changing, nights missed."""

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules.decide import History, decide
from rules.information import Information
from rules.states import CLOSING_STEP
from rules.steps import REQUEST, is_chasing
from tests.rules.builders import COMPLETE, PEOPLE, case
from tests.rules.replay import record

ARRIVALS = st.sampled_from([COMPLETE, Information(level=0), Information(category=2, level=2)])


@st.composite
def scenarios(draw):
    release = draw(st.dates(date(2026, 1, 1), date(2029, 12, 31)))
    since = release - timedelta(days=draw(st.integers(0, 300)))
    last = release + timedelta(days=draw(st.integers(0, 50)) + 5)
    span = (last - since).days
    offset = st.none() | st.integers(0, span)
    return dict(
        release=release,
        since=since,
        last=last,
        kind=draw(st.sampled_from(["crd", "ard", "ped", "hdcad"])),
        info_on=draw(offset),
        info=draw(ARRIVALS),
        com_on=draw(offset),
        first_com=draw(st.sampled_from([PEOPLE.com, None])),
        move_on=draw(offset),
        move_by=draw(st.integers(-120, 40)),
        missed=draw(st.sets(st.integers(0, span), max_size=40)),
        outage=draw(st.none() | st.tuples(st.integers(0, span), st.integers(1, 30))),
    )


def facts_on(s, night):
    n = (night - s["since"]).days
    release = s["release"]
    if s["move_on"] is not None and n >= s["move_on"]:
        release += timedelta(days=s["move_by"])
    dates = {"crd": release} if s["kind"] != "hdcad" else {"crd": release + timedelta(days=60), "hdcad": release}
    if s["kind"] in ("ard", "ped"):
        dates = {"crd": release + timedelta(days=90), s["kind"]: release}
    facts = case(**{k: v.isoformat() for k, v in dates.items()})
    info = s["info"] if s["info_on"] is not None and n >= s["info_on"] else Information()
    com = "new.com@probation.gov.uk" if s["com_on"] is not None and n >= s["com_on"] else s["first_com"]
    return replace(facts, information=info, people=replace(facts.people, com=com))


def missed(s, night):
    n = (night - s["since"]).days
    outage = s["outage"]
    return n in s["missed"] or (outage is not None and outage[0] <= n < outage[0] + outage[1])


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_the_chase_keeps_its_promises(calendar, policy, s):
    history, night = History(), s["since"]
    while night <= s["last"]:
        if not missed(s, night):
            facts = facts_on(s, night)
            closed_before = history.closed_state
            decision = decide(facts, history, night, policy, calendar)
            notice = decision.notice
            if notice is not None:
                assert calendar.is_working_day(night), "a notice on a non-working night"
                if is_chasing(notice.step) and notice.step != "final-warning":
                    assert any(h.step == REQUEST and not h.superseded and h.night < night for h in history.handled), (
                        "a reminder or escalation before the request"
                    )
                if closed_before:
                    assert notice.step == CLOSING_STEP[closed_before], "a chase notice after closing"
            if closed_before:
                assert decision.superseded == ()
            history = record(history, decision, facts, night)
            rerun = decide(facts, history, night, policy, calendar)
            assert (rerun.notice, rerun.superseded) == (None, ()), "re-running a night queued something"
        night += timedelta(days=1)

    sent = [h for h in history.handled if not h.superseded]
    assert len({h.night for h in sent}) == len(sent), "two notices on one night"
    assert len({h.key for h in history.handled}) == len(history.handled), "an outbox key used twice"
    closing = [h for h in sent if h.step in ("resolved", "released-unconfirmed")]
    assert len(closing) <= 1
    if history.closed_on:
        assert all(h.night <= history.closed_on or h in closing for h in sent)
