"""A bad row is rejected with its line, column and reason; the good rows around it land."""

from datetime import date

from db.models import Allocation, Prisoner
from feeds.importer import import_feed
from feeds.reader import MAX_LINE
from tests.feeds.conftest import RELEASES, events, release, table


def test_a_mixed_file_lands_exactly_its_good_rows_and_reports_exactly_its_bad_ones(engine, feed_file):
    path = feed_file(
        "releases.csv",
        RELEASES,
        release("A0001AA"),  # 2
        release("A001AA"),  # 3
        release("A0003AA", crd="13/31/2027"),  # 4
        release("A0004AA", ard="31/02/2027"),  # 5
        release("A0005AA", establishment_code="DM1"),  # 6
        release("A0006AA", crn="X36220"),  # 7
        release("a0001aa"),  # 8
        "",  # 9: blank, skipped
        release("A0007AA", first_name="=HYPERLINK(1)"),  # 10
        release("A0008AA", last_name="Blo\x07ggs"),  # 11
        release("A0009AA", ped="1" * 10_001),  # 12
        release("A0010AA") + ",extra",  # 13
        release("A0011AA", first_name='"Jo\nAnne"'),  # 14-15
        release("A0012AA", sentence_type="life"),  # 16
        release("A0013AA", mappa_category="5"),  # 17
        release("A0014AA", first_name="J" * 101),  # 18
        "x" * (MAX_LINE + 10),  # 19
        release("A0015AA", crd="1/2/2027", sentence_type="RECALL"),  # 20
        release("A0016AA"),  # 21
    )
    report = import_feed(engine, "releases", path)
    assert [(r.line, r.column, r.reason) for r in report.rejected] == [
        (3, "prison_number", "not a prison number: 'A001AA' (expected like A1234BC)"),
        (4, "crd", "not a date: '13/31/2027' has no month 31 (dates are day first: DD/MM/YYYY)"),
        (5, "ard", "not a real date: '31/02/2027'"),
        (6, "establishment_code", "not an establishment code: 'DM1' (expected like DMI)"),
        (7, "crn", "not a CRN: 'X36220' (expected like X362207)"),
        (8, "prison_number", "duplicate of line 2"),
        (10, "first_name", "looks like a spreadsheet formula"),
        (11, "last_name", "contains control characters"),
        (12, "ped", "longer than 10,000 characters"),
        (13, None, "the row has 18 values but the header has 17 columns"),
        (14, "first_name", "contains control characters"),
        (16, "sentence_type", "not a sentence type: 'life' (expected determinate, indeterminate, recall)"),
        (17, "mappa_category", "not a number from 1 to 4: '5'"),
        (18, "first_name", "longer than 100 characters"),
        (19, None, f"the line is longer than {MAX_LINE:,} characters"),
    ]
    assert (report.rows, report.inserted, report.exit_code) == (18, 3, 1)
    assert table(engine, Prisoner, "prison_number", "first_name", "sentence_type", "crd") == [
        ("A0001AA", "Jo", "determinate", date(2027, 10, 13)),
        ("A0015AA", "Jo", "recall", date(2027, 2, 1)),
        ("A0016AA", "Jo", "determinate", date(2027, 10, 13)),
    ]
    assert [e.prison_number for e in events(engine)] == ["A0001AA", "A0015AA", "A0016AA"]
    assert report.rejection_lines(limit=2) == [
        "releases.csv:3: column prison_number: not a prison number: 'A001AA' (expected like A1234BC)",
        "releases.csv:4: column crd: not a date: '13/31/2027' has no month 31 (dates are day first: DD/MM/YYYY)",
        "... and 13 more",
    ]
    assert not any("Jo" in r.reason or "Blo" in r.reason for r in report.rejected)


def test_bad_allocation_rows_do_not_echo_addresses(engine, feed_file):
    path = feed_file(
        "allocations.csv",
        "prison_number,com_name,com_email,pdu_code",
        "A1234BC,Jane Doe,jane doe@justice.gov.uk,N07",
        "B2345CD,Al,al@justice.gov.uk,N 07!",
        "C3456DE,Al,al@justice.gov.uk,N07",
    )
    report = import_feed(engine, "allocations", path)
    assert [(r.line, r.column, r.reason) for r in report.rejected] == [
        (2, "com_email", "not one plain e-mail address (expected like name@justice.gov.uk)"),
        (3, "pdu_code", "not a PDU code (2-20 letters, digits, _ or -): 'N 07!' (expected like N07_LDN)"),
    ]
    assert table(engine, Allocation, "prison_number", "pdu_code") == [("C3456DE", "N07")]


def test_a_rejected_mappa_row_is_fixed_when_its_row_lands_and_only_then(engine, feed_file):
    from sqlalchemy import select

    from db.models import RejectedRow
    from db.session import transaction

    bad = feed_file(
        "releases.csv",
        RELEASES,
        release("A0001AA", crd="13/31/2027", mappa_category="1"),
        release("A0002AA", crd="13/31/2027", mappa_category="2"),
    )
    import_feed(engine, "releases", bad)
    fixed = feed_file("fixed.csv", RELEASES, release("A0001AA", mappa_category="1"), release("A0003AA"))
    import_feed(engine, "releases", fixed)
    with transaction(engine) as session:
        rows = session.execute(
            select(RejectedRow.prison_number, RejectedRow.fixed_at).order_by(RejectedRow.prison_number)
        ).all()
    assert [(number, fixed_at is not None) for number, fixed_at in rows] == [("A0001AA", True), ("A0002AA", False)]


def test_a_cell_repeated_down_the_file_is_judged_the_same_on_every_row(engine, feed_file):
    """Each distinct cell is parsed once (a memo per column): a bad one is still rejected every time it
    appears, and the same text with a control character in it is not taken for the good one."""
    path = feed_file(
        "releases.csv",
        RELEASES,
        release("A0001AA", crd="1/2/2027", establishment_code="dmi"),  # 2
        release("A0002AA", crd="31/02/2027"),  # 3
        release("A0003AA", crd="1/2/2027", establishment_code="dmi"),  # 4
        release("A0004AA", crd="31/02/2027"),  # 5
        release("A0005AA", crd="1/2/2027\x07"),  # 6
        release("A0006AA", crd="1/2/2027"),  # 7
    )
    report = import_feed(engine, "releases", path)
    assert [(r.line, r.column, r.reason) for r in report.rejected] == [
        (3, "crd", "not a real date: '31/02/2027'"),
        (5, "crd", "not a real date: '31/02/2027'"),
        (6, "crd", "contains control characters"),
    ]
    assert table(engine, Prisoner, "prison_number", "establishment_code", "crd") == [
        ("A0001AA", "DMI", date(2027, 2, 1)),
        ("A0003AA", "DMI", date(2027, 2, 1)),
        ("A0006AA", "DMI", date(2027, 2, 1)),
    ]
