"""Finding 6: .eml files are named by the night their notice was queued for, not the sending date."""

from __future__ import annotations

from datetime import date

from db.session import transaction
from notifications.local_transports import FileTransport
from outbox.other import queue_other
from outbox.send import deliver
from tests.chase.helpers import run_night
from tests.outbox.test_delivery import mailer
from tests.outbox.test_other_kinds import CONTEXT
from tests.support import builders as b


def test_eml_files_carry_the_night(engine, smtp_sink, tmp_path):
    b.durham(engine)
    b.prisoner(engine, "A1234BC", crd=date(2027, 10, 13))
    run_night(engine, date(2027, 3, 15))  # a simulated night, months after today's sending date
    with transaction(engine) as session:
        queue_other(session, kind="data-problems", key="data-problems/DMI/2027-03-16", night=date(2027, 3, 16),
                    to=["omu.dmi@justice.gov.uk"], context=CONTEXT)  # fmt: skip
    deliver(mailer(engine, smtp_sink, transport=FileTransport(tmp_path / "mail")), "run-1")
    names = sorted(p.name for p in (tmp_path / "mail").iterdir())
    assert len(names) == 3
    assert [n[:11] for n in names] == ["2027-03-15_", "2027-03-15_", "2027-03-16_"]
