"""One nightly run in its own process, for the crash and concurrency trials.

    python -m scripts.harness.night_entry

reads MAPPA_DATABASE_URL, RELIABILITY_NIGHT (YYYY-MM-DD), RELIABILITY_SMTP_PORT,
RELIABILITY_BATCH (cases per batch, default 2: small batches make the batch fail
points recur) and, optionally, RELIABILITY_START_AT (a time.time() to wait for,
so several processes start their night together) and MAPPA_FAILPOINT. It runs
`chase.night` load + check_batch and `outbox.send.deliver`, as the nightly flow
does, without Prefect (whose start-up would dwarf the night itself).
"""

from __future__ import annotations

import json
import os
import time
from datetime import date

from chase.night import batches, check_batch, load_cases
from config.policy import load_policy
from db.session import make_engine
from notifications.smtp_transport import SmtpTransport
from outbox.send import Mailer, deliver
from rules.calendar import WorkingCalendar

ALLOWED = ("justice.gov.uk",)
SENDER = "mappa-tracker@justice.gov.uk"


def mailer(engine, port: int, book) -> Mailer:
    transport = SmtpTransport("127.0.0.1", port, security="none", timeout=5)
    return Mailer(
        engine=engine,
        transport=transport,
        sender=SENDER,
        allowed_domains=ALLOWED,
        digest_for=lambda code: book.for_establishment(code).delivery.digest,
        sleep=lambda s: None,
    )


def run(url: str, night: date, port: int, batch: int, actor: str) -> dict:
    engine = make_engine(url)
    book, calendar = load_policy(), WorkingCalendar.england_and_wales()
    queued = already = 0
    for chunk in batches(load_cases(engine), batch):
        report = check_batch(engine, chunk, night, actor, book, calendar)
        queued, already = queued + len(report.queued), already + report.already_queued
    delivery = deliver(mailer(engine, port, book), token=actor)
    engine.dispose()
    return {"queued": queued, "already": already, "messages": delivery.messages, "undelivered": delivery.undelivered}


def main() -> None:
    start_at = float(os.environ.get("RELIABILITY_START_AT") or 0)
    if start_at:
        time.sleep(max(0.0, start_at - time.time()))
    night = date.fromisoformat(os.environ["RELIABILITY_NIGHT"])
    actor = f"reliability {night} pid {os.getpid()}"
    result = run(
        os.environ["MAPPA_DATABASE_URL"],
        night,
        int(os.environ["RELIABILITY_SMTP_PORT"]),
        int(os.environ.get("RELIABILITY_BATCH") or 2),
        actor,
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
