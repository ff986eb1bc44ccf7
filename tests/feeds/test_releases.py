"""The releases feed: prisoners upserted by prison number, dates audited, blank never erases."""

from datetime import date

from db.models import MappaInformation, Prisoner
from feeds.importer import import_feed
from tests.feeds.conftest import RELEASES, events, release, table


def test_it_imports_prisoners_and_records_each_as_added(engine, feed_file):
    path = feed_file(
        "releases.csv",
        RELEASES,
        release("A1234BC", mappa_category="2", crn="x362207"),
        release("b2345cd", sentence_type="Recall", crd="", prrd="1/3/2027"),
    )
    report = import_feed(engine, "releases", path)
    assert (report.rows, report.inserted, report.updated, report.unchanged, report.rejected) == (2, 2, 0, 0, [])
    assert report.exit_code == 0
    assert table(
        engine, Prisoner, "prison_number", "first_name", "sentence_type", "crd", "prrd", "mappa_category", "crn"
    ) == [
        ("A1234BC", "Jo", "determinate", date(2027, 10, 13), None, 2, "X362207"),
        ("B2345CD", "Jo", "recall", None, date(2027, 3, 1), None, None),
    ]
    added = events(engine)
    assert [(e.kind, e.prison_number, e.actor) for e in added] == [
        ("prisoner-added", "A1234BC", "import:releases:releases.csv"),
        ("prisoner-added", "B2345CD", "import:releases:releases.csv"),
    ]
    assert added[0].detail == {
        "after": {"establishment_code": "DMI", "sentence_type": "determinate", "crd": "2027-10-13", "mappa_category": 2}
    }
    assert "Jo" not in str(added[0].detail)  # names stay out of the trail's details
    assert table(engine, MappaInformation, "prison_number") == []  # the prison's category is not the COM's word


def test_importing_the_same_file_twice_changes_nothing(engine, feed_file):
    path = feed_file("releases.csv", RELEASES, release("A1234BC"), release("B2345CD"))
    import_feed(engine, "releases", path)
    before = table(engine, Prisoner, "prison_number", "updated_at")
    report = import_feed(engine, "releases", path)
    assert (report.inserted, report.updated, report.unchanged) == (0, 0, 2)
    assert table(engine, Prisoner, "prison_number", "updated_at") == before
    assert len(events(engine)) == 2


def test_a_changed_release_date_is_audited_with_before_and_after(engine, feed_file):
    import_feed(engine, "releases", feed_file("releases.csv", RELEASES, release(ped="2027-01-05")))
    report = import_feed(
        engine, "releases", feed_file("releases-2.csv", RELEASES, release(crd="14/10/2027", released_on="13/10/2027"))
    )
    assert (report.updated, report.exit_code) == (1, 0)
    changed = events(engine)[1:]
    assert [(e.kind, e.prison_number, e.actor, e.detail) for e in changed] == [
        (
            "release-date-changed",
            "A1234BC",
            "import:releases:releases-2.csv",
            {"before": {"crd": "2027-10-13"}, "after": {"crd": "2027-10-14"}},
        ),
        (
            "released",
            "A1234BC",
            "import:releases:releases-2.csv",
            {"before": {"released_on": None}, "after": {"released_on": "2027-10-13"}},
        ),
    ]
    assert table(engine, Prisoner, "ped", "crd") == [(date(2027, 1, 5), date(2027, 10, 14))]


def test_a_blank_cell_keeps_what_we_knew(engine, feed_file):
    import_feed(engine, "releases", feed_file("releases.csv", RELEASES, release(ped="2027-01-05", crn="X362207")))
    report = import_feed(
        engine, "releases", feed_file("releases.csv", RELEASES, release(first_name="", ped="", crn="", crd=""))
    )
    assert (report.unchanged, len(events(engine))) == (1, 1)
    assert table(engine, Prisoner, "first_name", "ped", "crn", "crd") == [
        ("Jo", date(2027, 1, 5), "X362207", date(2027, 10, 13))
    ]


def test_a_name_change_is_written_but_not_audited(engine, feed_file):
    import_feed(engine, "releases", feed_file("releases.csv", RELEASES, release()), actor="drop-folder:releases:x")
    report = import_feed(engine, "releases", feed_file("releases.csv", RELEASES, release(first_name="Joe")))
    assert report.updated == 1
    assert table(engine, Prisoner, "first_name") == [("Joe",)]
    assert [e.actor for e in events(engine)] == ["drop-folder:releases:x"]
