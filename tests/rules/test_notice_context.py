"""The notice context survives its trip through JSON, reads rows written before a field existed, and
refuses a field nobody defined (a writer and a reader drifting apart)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.notice_context import NoticeContext
from rules.steps import Step

days = st.dates(date(2020, 1, 1), date(2035, 12, 31))
words = st.text("abcdefghij -:", max_size=12)
contexts = st.builds(
    NoticeContext,
    key_date=st.none() | days,
    key_source=st.none() | st.sampled_from(["crd", "ard", "ped", "thd"]),
    planning_date=st.none() | days,
    missing=st.lists(st.sampled_from(["category", "level", "mapp_meeting_date"]), unique=True).map(tuple),
    sent_before=st.lists(st.tuples(st.sampled_from([Step.REQUEST, Step.REMINDER, Step.escalation(1)]), days)).map(
        tuple
    ),
    next_step=st.none() | st.sampled_from([Step.REMINDER, Step.FINAL_WARNING]),
    next_step_date=st.none() | days,
    substitutes=st.lists(words, max_size=3).map(tuple),
    com=st.none() | st.emails(),
    allocate_com=st.booleans(),
)


@given(contexts)
def test_it_round_trips_through_stored_json(context):
    assert NoticeContext.from_json(json.loads(json.dumps(context.to_json()))) == context


def test_a_row_from_before_a_field_existed_takes_its_default():
    old = NoticeContext.from_json({"com": "jo@justice.gov.uk"})  # what a superseded request keeps
    assert old == NoticeContext(com="jo@justice.gov.uk")
    assert NoticeContext.from_json(None) == NoticeContext()


def test_an_unknown_field_is_an_error_not_silently_dropped():
    with pytest.raises(ValueError, match="unknown fields"):
        NoticeContext.from_json({"key_dat": "2027-01-01"})
