"""`mappa problems` from the stored case rows and rejected feed rows: every open problem, or one prison's."""

from __future__ import annotations

from datetime import UTC, date, datetime

from db.models import Case, RejectedRow
from db.session import transaction
from tests.support.cli import mappa

HEADER = "since,establishment_code,prison_number,code,blocking,detail,reason"


def stored(engine) -> None:
    night = date(2027, 1, 5)
    with transaction(engine) as session:
        for number, prison, problems, closed in (
            ("A0001AA", "DMI", [{"code": "no-spo", "detail": "", "since": "2027-01-05"}], None),
            ("A0002AA", "LEI", [{"code": "unknown-pdu", "detail": "", "since": "2027-01-03"}], None),
            ("A0003AA", "DMI", [], None),  # no problem
            ("A0004AA", "DMI", [{"code": "no-spo", "detail": "", "since": "2027-01-01"}], "complete"),  # closed
        ):
            session.add(
                Case(
                    prison_number=number,
                    establishment_code=prison,
                    tracked_since=night,
                    state="scheduled" if closed is None else closed,
                    closed_state=closed,
                    problems=problems,
                )
            )
        session.add(
            RejectedRow(
                kind="releases",
                file="releases.csv",
                line=4,
                reason="bad date",
                prison_number="A0005AA",
                establishment_code="DMI",
                rejected_at=datetime(2027, 1, 4, 1, tzinfo=UTC),
            )
        )


def test_every_open_problem_oldest_first_or_one_prisons(mappa_env, engine):
    stored(engine)
    every = mappa("problems", "--format", "csv").output.splitlines()
    assert every[0] == HEADER
    assert [line.split(",")[:4] for line in every[1:]] == [
        ["2027-01-03", "LEI", "A0002AA", "unknown-pdu"],
        ["2027-01-04", "DMI", "A0005AA", "row-rejected"],
        ["2027-01-05", "DMI", "A0001AA", "no-spo"],
    ]
    durham = mappa("problems", "--establishment", "dmi", "--format", "csv").output.splitlines()
    assert durham == [every[0], every[2], every[3]]
