"""Builders for feed tests: files written from rows, and what the database holds."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import AuditEvent
from db.session import session_factory

RELEASES = (
    "prison_number,first_name,last_name,date_of_birth,establishment_code,sentence_type,"
    "crd,ard,ped,hdced,hdcad,prrd,ted,thd,mappa_category,crn,released_on"
)


def release(prison_number="A1234BC", **values) -> str:
    """One releases row in RELEASES order; defaults make a valid determinate case."""
    row = (
        dict.fromkeys(RELEASES.split(","), "")
        | {
            "prison_number": prison_number,
            "first_name": "Jo",
            "last_name": "Bloggs",
            "date_of_birth": "01/02/1980",
            "establishment_code": "DMI",
            "sentence_type": "determinate",
            "crd": "2027-10-13",
        }
        | values
    )
    return ",".join(row.values())


@pytest.fixture
def feed_file(tmp_path):
    """Write a feed file: feed_file("releases.csv", header, *rows) -> its path."""

    def write(name: str, *lines: str, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
        return path

    return write


def table(engine, model, *columns) -> list[tuple]:
    """The rows of a table (chosen columns), ordered by primary key."""
    key = model.__table__.primary_key.columns[0]
    with session_factory(engine)() as session:
        return [tuple(row) for row in session.execute(select(*(getattr(model, c) for c in columns)).order_by(key))]


def events(engine) -> list[AuditEvent]:
    with session_factory(engine)() as session:
        return list(session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
