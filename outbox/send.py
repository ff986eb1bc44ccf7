"""Deliver every claimable delivery: cancel the stale, hold the blocked, send the rest as digests.

1. Claim pending deliveries (and ones a dead run left behind).
2. Cancel chase notices whose case closed since they were queued.
3. Hold addresses outside the allow-list (or malformed) as blocked, with the reason.
4. Group the rest into e-mails, send each over one reused connection, and commit
   each e-mail's result on its own: a crash loses at most the one in flight.

Each roll-up onto a notice comes from the run's `Ledger` of the copies it claimed, so recording an
e-mail writes without reading its notices' copies back.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from sqlalchemy import Engine

from config.collector import collector_frozen
from config.failpoints import failpoint
from db.types import utcnow
from notifications.addresses import InvalidAddress, check_address
from notifications.compose import envelopes, render
from notifications.failures import DeliveryError, PermanentDeliveryError
from notifications.kinds import CASE, render_kind
from notifications.model import CaseItem, Delivery
from notifications.notify_transport import REFERENCE_HEADER
from notifications.transports import send_with_retry
from outbox.claim import Claimed, claim
from outbox.notify import notify_ahead, record_notify_id
from outbox.record import Ledger
from outbox.recorder import Recorder
from rules.notice_context import NoticeContext


@dataclass
class DeliveryReport:
    counts: Counter = field(default_factory=Counter)  # sent, retry-later, failed, blocked, cancelled (deliveries)
    messages: int = 0
    blocked: list[dict] = field(default_factory=list)  # prison_number, step, reason
    errors: Counter = field(default_factory=Counter)  # reason -> deliveries
    sent_notices: list[tuple[str, str]] = field(default_factory=list)  # (prison_number, step)
    sent_other: list[str] = field(default_factory=list)  # keys of e-mails not about one case
    stuck: set[int] = field(default_factory=set)  # notices with a copy not delivered
    held: set[int] = field(default_factory=set)  # of those, failed for good or blocked (not to be retried)

    @property
    def undelivered(self) -> int:
        return self.counts["retry-later"] + self.counts["failed"] + self.counts["blocked"]

    def why(self) -> str:
        parts = [
            f"{n} {what}" for what, n in sorted(self.counts.items()) if what in ("retry-later", "failed", "blocked")
        ]
        reasons = "; ".join(f"{reason} ({n})" for reason, n in self.errors.most_common(3))
        return ", ".join(parts) + (f" - {reasons}" if reasons else "")


@dataclass(frozen=True)
class Mailer:
    engine: Engine
    transport: object
    sender: str
    allowed_domains: tuple[str, ...]
    digest_for: Callable[[str | None], bool]
    attempts: int = 3
    backoff: float = 0.5
    sleep: Callable[[float], None] | None = None


def deliver(mailer: Mailer, token: str) -> DeliveryReport:
    with collector_frozen():  # each e-mail allocates thousands of objects; see config/collector.py
        return _deliver(mailer, token)


def _deliver(mailer: Mailer, token: str) -> DeliveryReport:
    report = DeliveryReport()
    claimed = claim(mailer.engine, token, utcnow())
    failpoint("deliver.after-claim")
    ledger = _ledger(mailer, claimed)
    stale = [c for c in claimed if c.stale]
    _finish(mailer.engine, stale, "cancelled", "the case closed before sending", report, ledger, "cancelled")
    fresh = [c for c in claimed if not c.stale]
    blocked = {c.delivery_id: reason for c in fresh if (reason := check_address(c.address, mailer.allowed_domains))}
    for reason in sorted(set(blocked.values())):
        _block(mailer.engine, [c for c in fresh if blocked.get(c.delivery_id) == reason], reason, report, ledger)
    sendable = [c for c in fresh if c.delivery_id not in blocked]
    _send_all(mailer, [c for c in sendable if c.kind == CASE], report, ledger)
    _send_others(mailer, [c for c in sendable if c.kind != CASE], report, ledger)
    return report


def _ledger(mailer: Mailer, claimed: list[Claimed]) -> Ledger:
    """GOV.UK Notify's status callbacks and polling change sent copies while a run goes on: there every
    roll-up reads the table."""
    if _notify(mailer.transport):
        return Ledger.empty()
    return Ledger.of_claim(mailer.engine, (c.delivery_id for c in claimed), (c.notice_id for c in claimed))


def _send_others(mailer: Mailer, claimed: list[Claimed], report: DeliveryReport, ledger: Ledger) -> None:
    """Notices not about one case: each delivery is its own e-mail, rendered by the notice's kind."""
    if not claimed:
        return
    remaining = list(claimed)
    with mailer.transport as transport, Recorder.open(mailer.engine, ledger) as recorder:
        while remaining:
            c = remaining.pop(0)
            try:
                message = render_kind(
                    c.kind,
                    c.context or {},
                    recipient=c.address,
                    sender=mailer.sender,
                    key=c.key,
                    reply_to=c.omu_mailbox if c.omu_mailbox != c.address else None,
                    allowed_domains=mailer.allowed_domains,
                    night=c.night,
                    notify=_notify(transport),
                )
            except (InvalidAddress, ValueError) as error:
                _block(mailer.engine, [c], f"cannot build the e-mail: {error}", report, ledger)
                continue
            if not _send_one(mailer, recorder, transport, message, [c], report):
                break
    _finish(mailer.engine, remaining, "pending", None, report, ledger, "retry-later")


def _send_all(mailer: Mailer, claimed: list[Claimed], report: DeliveryReport, ledger: Ledger) -> None:
    by_id = {c.delivery_id: c for c in claimed}
    mail = []
    for digest in (True, False):
        group = [c for c in claimed if mailer.digest_for(c.establishment_code) is digest]
        mail += envelopes([_delivery(c) for c in group], digest=digest)
    remaining = list(mail)
    with mailer.transport as transport, Recorder.open(mailer.engine, ledger) as recorder:
        while remaining:
            envelope = remaining.pop(0)
            members = [by_id[d.delivery_id] for d in envelope.deliveries]
            try:
                message = render(
                    envelope, sender=mailer.sender, allowed_domains=mailer.allowed_domains, notify=_notify(transport)
                )
            except (InvalidAddress, ValueError) as error:
                _block(mailer.engine, members, f"cannot address the e-mail: {error}", report, ledger)
                continue
            if not _send_one(mailer, recorder, transport, message, members, report):
                break
    leftover = [by_id[d.delivery_id] for envelope in remaining for d in envelope.deliveries]
    _finish(mailer.engine, leftover, "pending", None, report, ledger, "retry-later")


def _send_one(
    mailer: Mailer, recorder: Recorder, transport, message, members: list[Claimed], report: DeliveryReport
) -> bool:
    """Send one e-mail and record it in a commit of its own; False when the server itself is down."""
    kwargs = {"attempts": mailer.attempts, "backoff": mailer.backoff}
    if mailer.sleep is not None:
        kwargs["sleep"] = mailer.sleep
    notify_id = None
    recorder.settle()
    try:
        if _notify(transport):
            notify_id = notify_ahead(mailer.engine, transport, message, members)
        if notify_id is None:
            send_with_retry(transport, message, **kwargs)
    except DeliveryError as error:
        permanent = isinstance(error, PermanentDeliveryError) and not error.about_server
        report.errors[error.summary] += len(members)
        _finish(
            mailer.engine,
            members,
            "failed" if permanent else "pending",
            error.summary,
            report,
            recorder.ledger,
            "failed" if permanent else "retry-later",
            attempts=1,
        )
        return not error.about_server
    failpoint("deliver.after-send")
    ids = [c.delivery_id for c in members]
    also = None
    if _notify(transport):
        notify_id = notify_id or transport.sent_ids.get(message[REFERENCE_HEADER])
        also = partial(record_notify_id, delivery_ids=ids, notify_id=notify_id)
    recorder.sent(ids, [c.notice_id for c in members], message["Message-ID"], utcnow(), also)
    report.messages += 1
    report.counts["sent"] += len(members)
    report.sent_notices += [(c.prison_number, c.step) for c in members if c.kind == CASE]
    report.sent_other += [c.key for c in members if c.kind != CASE]
    return True


def _notify(transport) -> bool:
    """A transport that wants Notify bodies and references (GOV.UK Notify)."""
    return getattr(transport, "notify", False) is True


def _finish(
    engine: Engine,
    members: list[Claimed],
    status: str,
    error: str | None,
    report: DeliveryReport,
    ledger: Ledger,
    counted_as: str,
    attempts: int = 0,
) -> None:
    if not members:
        return
    ids = [c.delivery_id for c in members]
    with engine.begin() as connection:
        ledger.mark(connection, ids, status, error=error, attempts=attempts)
        ledger.roll_up(connection, [c.notice_id for c in members])
    report.counts[counted_as] += len(members)
    if counted_as in ("retry-later", "failed", "blocked"):
        report.stuck.update(c.notice_id for c in members)
    if counted_as in ("failed", "blocked"):
        report.held.update(c.notice_id for c in members)


def _block(engine: Engine, members: list[Claimed], reason: str, report: DeliveryReport, ledger: Ledger) -> None:
    """Hold deliveries that must not go, all for one reason, in one transaction."""
    _finish(engine, members, "blocked", reason, report, ledger, "blocked")
    report.blocked += [{"prison_number": c.prison_number, "step": c.step, "reason": reason} for c in members]


def _delivery(c: Claimed) -> Delivery:
    context = NoticeContext.from_json(c.context)
    item = CaseItem(
        notice_key=c.key,
        step=c.step,
        role=c.role,
        prison_number=c.prison_number,
        first_name=c.first_name,
        last_name=c.last_name,
        establishment_code=c.establishment_code or "",
        establishment_name=c.establishment_name,
        key_date=context.key_date,
        key_date_source=context.key_source,
        planning_date=context.planning_date,
        missing=context.missing,
        sent_before=context.sent_before,
        next_step=context.next_step,
        next_step_date=context.next_step_date,
        substitutes=context.substitutes,
        allocate_com=context.allocate_com,
        night=c.night,
    )
    return Delivery(c.delivery_id, c.address, c.omu_mailbox, item)
