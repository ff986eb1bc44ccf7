"""The allocations feed: who holds the case, and the MAPPA information the COM confirmed."""

from datetime import date

from db.models import Allocation, MappaInformation
from feeds.importer import import_feed
from tests.feeds.conftest import events, table

HEADER = "prison_number,crn,com_name,com_email,spo_name,spo_email,pdu_code,mappa_category,mappa_level,mapp_meeting_date,confirmed_on"


def test_it_imports_allocations_and_the_confirmed_information(engine, feed_file):
    path = feed_file(
        "allocations.csv",
        HEADER,
        "A1234BC,X362207,Jane Doe,Jane.Doe@justice.gov.uk,Sam Spo,sam@justice.gov.uk,N07_LDN,2,2,01/04/2027,15/03/2027",
        "B2345CD,,Al Com,al@justice.gov.uk,,,N07_LDN,,,,",
        "C3456DE,,,,,,,,0,,2027-03-16",
    )
    report = import_feed(engine, "allocations", path)
    assert (report.inserted, report.exit_code) == (3, 0)
    assert table(engine, Allocation, "prison_number", "crn", "com_email", "spo_email", "pdu_code") == [
        ("A1234BC", "X362207", "jane.doe@justice.gov.uk", "sam@justice.gov.uk", "N07_LDN"),
        ("B2345CD", None, "al@justice.gov.uk", None, "N07_LDN"),
        ("C3456DE", None, None, None, None),
    ]
    assert table(
        engine,
        MappaInformation,
        "prison_number",
        "category",
        "level",
        "meeting_date",
        "not_eligible",
        "confirmed_on",
        "source",
    ) == [
        ("A1234BC", 2, 2, date(2027, 4, 1), False, date(2027, 3, 15), "allocations"),
        ("C3456DE", None, 0, None, True, date(2027, 3, 16), "allocations"),
    ]
    kinds = [(e.kind, e.prison_number) for e in events(engine)]
    assert kinds == [
        ("allocation-added", "A1234BC"),
        ("allocation-added", "B2345CD"),
        ("allocation-added", "C3456DE"),
        ("mappa-information-received", "A1234BC"),
        ("mappa-information-received", "C3456DE"),
    ]


def test_a_new_com_and_level_are_audited_with_before_and_after(engine, feed_file):
    import_feed(engine, "allocations", feed_file("a1.csv", HEADER, "A1234BC,,Jane Doe,jane@justice.gov.uk,,,,2,1,,"))
    report = import_feed(
        engine, "allocations", feed_file("a2.csv", HEADER, "A1234BC,,Al Com,al@justice.gov.uk,,,,,2,,")
    )
    assert (report.updated, report.exit_code) == (1, 0)
    assert [(e.kind, e.actor, e.detail) for e in events(engine)[2:]] == [
        (
            "com-changed",
            "import:allocations:a2.csv",
            {
                "before": {"com_name": "Jane Doe", "com_email": "jane@justice.gov.uk"},
                "after": {"com_name": "Al Com", "com_email": "al@justice.gov.uk"},
            },
        ),
        ("mappa-level-changed", "import:allocations:a2.csv", {"before": {"level": 1}, "after": {"level": 2}}),
    ]
    assert table(engine, MappaInformation, "category", "level") == [(2, 2)]


def test_information_alone_changing_counts_the_row_as_updated(engine, feed_file):
    import_feed(engine, "allocations", feed_file("a.csv", HEADER, "A1234BC,,Jane Doe,jane@justice.gov.uk,,,,,,,"))
    report = import_feed(engine, "allocations", feed_file("a.csv", HEADER, "A1234BC,,,,,,,3,,,"))
    assert (report.updated, report.unchanged) == (1, 0)
    assert events(engine)[-1].kind == "mappa-information-received"


def test_a_later_level_0_replaces_the_category_and_again_changes_nothing(engine, feed_file):
    import_feed(engine, "allocations", feed_file("a.csv", HEADER, "A1234BC,,,,,,,2,,2027-04-01,"))
    path = feed_file("b.csv", HEADER, "A1234BC,,,,,,,,0,,")
    import_feed(engine, "allocations", path)
    assert table(engine, MappaInformation, "category", "level", "meeting_date", "not_eligible") == [
        (None, 0, None, True)
    ]
    count = len(events(engine))
    assert import_feed(engine, "allocations", path).unchanged == 1
    assert len(events(engine)) == count


def test_level_0_with_a_category_is_rejected(engine, feed_file):
    report = import_feed(engine, "allocations", feed_file("a.csv", HEADER, "A1234BC,,,,,,,2,0,,"))
    assert [(r.line, r.column, r.reason) for r in report.rejected] == [
        (2, "mappa_level", "not MAPPA-eligible (level 0) cannot come with a category or a MAPP meeting date")
    ]
