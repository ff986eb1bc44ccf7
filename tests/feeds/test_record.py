"""`record_receipt`: what a COM sent by e-mail, merged, audited under the recorder's name."""

from datetime import date

import pytest

from db.models import MappaInformation
from db.session import transaction
from feeds.importer import import_feed
from feeds.record import Receipt, ReceiptError, record_receipt
from tests.feeds.conftest import RELEASES, events, release, table

TODAY = date(2027, 3, 15)


def record(engine, **given):
    receipt = Receipt(**({"prison_number": "A1234BC", "by": "Pat Omu", "on": TODAY} | given))
    with transaction(engine) as session:
        return record_receipt(session, receipt, TODAY)


@pytest.fixture
def prisoner(engine, feed_file):
    import_feed(engine, "releases", feed_file("releases.csv", RELEASES, release("A1234BC")))
    return engine


def test_it_says_what_is_missing_until_the_information_is_complete(prisoner):
    assert record(prisoner, category=2) == ("level",)
    assert record(prisoner, level=2, on=date(2027, 3, 14)) == ("MAPP meeting date",)
    assert record(prisoner, meeting_date=date(2027, 5, 1)) == ()
    assert table(
        prisoner, MappaInformation, "category", "level", "meeting_date", "confirmed_on", "source", "recorded_by"
    ) == [(2, 2, date(2027, 5, 1), TODAY, "record", "Pat Omu")]
    receipt = events(prisoner)[-1]
    assert (receipt.kind, receipt.actor, receipt.prison_number) == ("receipt-recorded", "Pat Omu", "A1234BC")
    assert receipt.detail["before"]["level"] == 2 and receipt.detail["after"]["meeting_date"] == "2027-05-01"


def test_not_eligible_completes_it_and_keeps_nothing_contradictory(prisoner):
    record(prisoner, category=2)
    assert record(prisoner, not_eligible=True) == ()
    assert table(prisoner, MappaInformation, "category", "level", "not_eligible") == [(None, 0, True)]


REFUSALS = [
    (
        {"prison_number": "B2345CD", "level": 1},
        "no prisoner B2345CD: import the releases feed first, or check the number",
    ),
    ({"level": 1, "on": date(2027, 3, 16)}, "--on 2027-03-16 is in the future (today is 2027-03-15)"),
    ({}, "nothing to record: give --category, --level, --meeting-date or --not-eligible"),
    ({"not_eligible": True, "level": 2}, "not MAPPA-eligible cannot come with level 2"),
    (
        {"not_eligible": True, "category": 1},
        "not MAPPA-eligible (level 0) cannot come with a category or a MAPP meeting date",
    ),
    ({"level": 1, "by": "=cmd"}, "--by: looks like a spreadsheet formula"),
    ({"level": 1, "by": "  "}, "--by must name who is recording it (up to 200 characters)"),
    ({"level": 1, "prison_number": "A12"}, "PRISON_NUMBER: not a prison number: 'A12' (expected like A1234BC)"),
]


def test_it_refuses_a_receipt_that_cannot_be_right(prisoner):
    for given, reason in REFUSALS:
        with pytest.raises(ReceiptError) as error:
            record(prisoner, **given)
        assert str(error.value) == reason
    assert table(prisoner, MappaInformation, "prison_number") == []
    assert len(events(prisoner)) == 1
