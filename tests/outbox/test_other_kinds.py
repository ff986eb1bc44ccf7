"""E-mails not about one case (a data-problems digest, a weekly report) through the same outbox, on both databases."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from db.models import Delivery, Notice
from db.session import session_factory, transaction
from notifications.kinds import KINDS, Attachment, Kind, register
from outbox.other import queue_other
from outbox.send import deliver
from tests.chase.helpers import run_night
from tests.outbox.test_delivery import mailer
from tests.support import builders as b

NIGHT = date(2027, 1, 5)
OMU = "omu.dmi@justice.gov.uk"
CONTEXT = {
    "establishment": "HMP Durham (DMI)",
    "night_uk": "05/01/2027",
    "new": 1,
    "fixed": 0,
    "open": 1,
    "sections": [
        {
            "heading": "New problems",
            "intro": "",
            "rows": [{"who": "A1234BC", "reason": "No release date", "detail": "", "since": "05/01/2027"}],
        }
    ],
}


def queue(engine, key="data-problems/DMI/2027-01-05", kind="data-problems", to=(OMU,), cc=(), context=CONTEXT):
    with transaction(engine) as session:
        return queue_other(
            session, kind=kind, key=key, night=NIGHT, to=to, cc=cc, context=context, establishment_code="DMI"
        )


def notice(engine, key="data-problems/DMI/2027-01-05") -> tuple[Notice, list[Delivery]]:
    with session_factory(engine)() as session:
        row = session.scalars(select(Notice).where(Notice.key == key)).one()
        return row, session.scalars(select(Delivery).where(Delivery.notice_id == row.id)).all()


def test_a_digest_goes_once_to_each_recipient_with_its_message_id(engine, smtp_sink):
    assert queue(engine, cc=("head.omu@justice.gov.uk", OMU.upper())) is not None
    assert queue(engine) is None  # the same key again queues nothing
    report = deliver(mailer(engine, smtp_sink), "run-1")
    assert sorted(m["To"] for m in smtp_sink.messages) == ["head.omu@justice.gov.uk", OMU]
    message = smtp_sink.messages[0]
    assert message["Subject"] == "MAPPA data problems: HMP Durham (DMI), night 05/01/2027: 1 new, 0 fixed, 1 open"
    assert message["X-MAPPA-Notices"] == "data-problems/DMI/2027-01-05"
    assert "A1234BC: No release date" in message.get_body(("plain",)).get_content()
    assert report.sent_other == ["data-problems/DMI/2027-01-05"] * 2
    row, deliveries = notice(engine)
    assert row.kind == "data-problems" and row.prison_number is None and row.status == "sent"
    assert row.message_id and all(d.message_id and d.attempts == 1 for d in deliveries)
    deliver(mailer(engine, smtp_sink), "run-2")
    assert len(smtp_sink.messages) == 2  # never twice


def test_it_shares_the_allow_list_and_the_case_e_mails_are_unchanged(engine, smtp_sink):
    b.durham(engine)
    b.prisoner(engine, "A1234BC", crd=date(2027, 10, 13))
    run_night(engine, date(2027, 3, 15))
    queue(engine, to=("someone@gmail.com", OMU))
    report = deliver(mailer(engine, smtp_sink), "run-1")
    assert {"prison_number": None, "step": "data-problems", "reason": "domain gmail.com is not in "
            "MAPPA_ALLOWED_RECIPIENT_DOMAINS"} in report.blocked  # fmt: skip
    assert notice(engine)[0].status == "blocked"
    subjects = sorted(m["Subject"] for m in smtp_sink.messages)
    assert len(subjects) == 3 and sum("data problems" in s for s in subjects) == 1
    assert sum("MAPPA information request: A1234BC" in s for s in subjects) == 2


def test_a_server_down_keeps_it_pending_for_the_next_night(engine, smtp_sink):
    queue(engine)
    smtp_sink.stop()
    assert deliver(mailer(engine, smtp_sink), "night-1").counts["retry-later"] == 1
    assert notice(engine)[0].status == "pending"
    smtp_sink.start()
    deliver(mailer(engine, smtp_sink), "night-2")
    assert len(smtp_sink.messages) == 1 and notice(engine)[0].status == "sent"


@pytest.fixture
def report_kind():
    chart = Attachment("chart.png", b"\x89PNG fake", "image", "png", inline_id="chart@mappa")
    pdf = Attachment("report.pdf", b"%PDF-1.4 fake", "application", "pdf")
    register("test-report", Kind("data-problems", extras=lambda context: [chart, pdf]))
    yield
    KINDS.pop("test-report")


def test_a_kind_can_add_inline_images_and_attachments(engine, smtp_sink, report_kind):
    queue(engine, key="test-report/2027-01-05", kind="test-report")
    deliver(mailer(engine, smtp_sink), "run-1")
    (message,) = smtp_sink.messages
    parts = {part.get_content_type(): part for part in message.walk()}
    assert parts["image/png"]["Content-ID"] == "<chart@mappa>"
    assert parts["application/pdf"].get_filename() == "report.pdf"
    assert parts["application/pdf"].get_content() == b"%PDF-1.4 fake"


def test_an_unknown_kind_is_blocked_not_crashed(engine, smtp_sink):
    queue(engine, key="nobody-knows/1", kind="nobody-knows")
    report = deliver(mailer(engine, smtp_sink), "run-1")
    assert smtp_sink.messages == [] and "no renderer" in report.blocked[0]["reason"]


def test_a_context_that_does_not_fit_its_template_is_blocked(engine, smtp_sink):
    queue(engine, context={"establishment": "HMP Durham (DMI)"})
    report = deliver(mailer(engine, smtp_sink), "run-1")
    assert smtp_sink.messages == [] and "template cannot show" in report.blocked[0]["reason"]


def test_a_case_kind_or_no_recipient_is_refused(engine):
    with pytest.raises(ValueError, match="chase"):
        queue(engine, kind="case")
    with pytest.raises(ValueError, match="someone"):
        queue(engine, to=())
