"""A file that cannot be trusted as a whole is refused with exit status 2, and nothing is written."""

from db.models import AuditEvent, Establishment, Prisoner
from db.session import transaction
from feeds.importer import CHUNK, import_feed
from tests.feeds.conftest import RELEASES, events, release, table


def refusal(engine, kind, path) -> str:
    report = import_feed(engine, kind, path)
    assert report.exit_code == 2 and report.refused is not None
    assert (report.inserted, report.updated, report.rejected) == (0, 0, [])
    return report.refused


def test_it_refuses_unreadable_files_and_writes_nothing(engine, feed_file, tmp_path):
    cases = {
        "missing column": (
            feed_file("a.csv", "prison_number,first_name,last_name", "A1234BC,Jo,Bloggs"),
            "the header row lacks the required column(s) date_of_birth, establishment_code, "
            "sentence_type, crd, ard, ped, hdced, hdcad, prrd, ted, thd, mappa_category, crn, released_on: "
            "is this the releases feed?",
        ),
        "not utf-8": (
            feed_file("b.csv", RELEASES, release(first_name="Zoë"), encoding="latin-1"),
            "it is not UTF-8 text (near line 1): save it from the spreadsheet as 'CSV UTF-8'",
        ),
        "empty": (_write(tmp_path / "c.csv", b""), "the file is empty"),
        "blank first line": (
            feed_file("d.csv", "", RELEASES, release()),
            "the first line must be the header row naming the columns",
        ),
        "binary junk": (
            _write(tmp_path / "e.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))),
            "it is not UTF-8 text (near line 1): save it from the spreadsheet as 'CSV UTF-8'",
        ),
        "zeros": (
            _write(tmp_path / "f.csv", b"\x00" * 5000),
            "the first line has control characters: this is not a CSV file",
        ),
        "no such file": (tmp_path / "missing.csv", "cannot read it (No such file or directory)"),
        "column twice": (
            feed_file("g.csv", RELEASES + ",Prison Number", release() + ",A1234BC"),
            "the header names column prison_number twice",
        ),
    }
    for name, (path, reason) in cases.items():
        assert refusal(engine, "releases", path) == reason, name
    assert table(engine, Prisoner, "prison_number") == [] and events(engine) == []


def test_a_file_of_another_kind_is_refused(engine, feed_file):
    releases = feed_file("releases.csv", RELEASES, release())
    assert refusal(engine, "allocations", releases) == (
        "the header row has none of the columns com_name, com_email, spo_name, spo_email, pdu_code, mappa_level, "
        "mapp_meeting_date: is this the allocations feed?"
    )
    pdus = feed_file("pdus.csv", "code,name,mailbox", "DMI,Durham PDU,pdu@justice.gov.uk")
    assert refusal(engine, "establishments", pdus).startswith("the header row has none of the columns omu_mailbox")
    assert table(engine, Establishment, "code") == []


def test_a_bad_byte_after_whole_chunks_were_written_rolls_everything_back(engine, tmp_path):
    path = tmp_path / "releases.csv"
    rows = [release(f"A{i:04d}BC") for i in range(CHUNK + 10)]
    path.write_bytes(("\n".join([RELEASES, *rows]) + "\n").encode() + b"B0000CD,\xff\xfe,x\n")
    assert "not UTF-8" in refusal(engine, "releases", path)
    assert table(engine, Prisoner, "prison_number") == []
    assert table(engine, AuditEvent, "seq") == []


def test_a_bom_crlf_and_a_header_only_file_are_fine(engine, tmp_path):
    path = _write(tmp_path / "establishments.csv", "\ufeffCode,OMU Mailbox\r\ndmi,omu@justice.gov.uk\r\n".encode())
    report = import_feed(engine, "establishments", path)
    assert (report.inserted, report.exit_code) == (1, 0)
    assert table(engine, Establishment, "code", "omu_mailbox") == [("DMI", "omu@justice.gov.uk")]
    header_only = import_feed(engine, "establishments", _write(tmp_path / "e2.csv", b"code,omu_mailbox\n"))
    assert (header_only.rows, header_only.exit_code) == (0, 0)


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


def test_a_refusal_inside_the_callers_transaction_leaves_it_usable(engine, feed_file):
    with transaction(engine) as session:
        refused = import_feed(session, "releases", feed_file("bad.csv", "prison_number", "A1234BC"))
        landed = import_feed(session, "releases", feed_file("good.csv", RELEASES, release()))
    assert (refused.exit_code, landed.exit_code) == (2, 0)
    assert table(engine, Prisoner, "prison_number") == [("A1234BC",)]
