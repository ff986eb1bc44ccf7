"""Establishments and PDUs: codes upper-cased, contact changes audited by code."""

from db.models import Establishment, Pdu
from feeds.importer import import_feed
from tests.feeds.conftest import events, table


def test_it_imports_establishments_with_columns_in_any_order(engine, feed_file):
    path = feed_file(
        "establishments.csv",
        "Head of OMU Email,NAME, code ,omu_mailbox,notes",
        "head@justice.gov.uk,HMP Durham,dmi,OMU.Durham@justice.gov.uk,ignored",
        ",HMP Birmingham,BMI,,",
    )
    report = import_feed(engine, "establishments", path)
    assert (report.inserted, report.exit_code) == (2, 0)
    assert table(engine, Establishment, "code", "name", "omu_mailbox", "head_of_omu_email") == [
        ("BMI", "HMP Birmingham", None, None),
        ("DMI", "HMP Durham", "omu.durham@justice.gov.uk", "head@justice.gov.uk"),
    ]
    added = events(engine)[0]
    assert (added.kind, added.prison_number, added.detail) == (
        "establishment-added",
        None,
        {
            "code": "DMI",
            "after": {"omu_mailbox": "omu.durham@justice.gov.uk", "head_of_omu_email": "head@justice.gov.uk"},
        },
    )


def test_a_changed_mailbox_is_audited(engine, feed_file):
    import_feed(engine, "establishments", feed_file("e.csv", "code,omu_mailbox", "DMI,omu@justice.gov.uk"))
    import_feed(engine, "establishments", feed_file("e.csv", "code,omu_mailbox", "DMI,omu2@justice.gov.uk"))
    changed = events(engine)[-1]
    assert (changed.kind, changed.detail) == (
        "establishment-contacts-changed",
        {
            "code": "DMI",
            "before": {"omu_mailbox": "omu@justice.gov.uk"},
            "after": {"omu_mailbox": "omu2@justice.gov.uk"},
        },
    )


def test_it_imports_pdus_and_a_second_import_changes_nothing(engine, feed_file):
    path = feed_file(
        "pdus.csv",
        "code,name,mailbox,head_email,mappa_coordinator_email",
        "n07_ldn,Camden,camden@justice.gov.uk,head@justice.gov.uk,mappa@justice.gov.uk",
    )
    assert import_feed(engine, "pdus", path).inserted == 1
    again = import_feed(engine, "pdus", path)
    assert (again.unchanged, again.exit_code, len(events(engine))) == (1, 0, 1)
    assert table(engine, Pdu, "code", "mailbox", "mappa_coordinator_email") == [
        ("N07_LDN", "camden@justice.gov.uk", "mappa@justice.gov.uk")
    ]
