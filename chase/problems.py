"""What the nightly check knows about data problems beyond one case: which establishments and PDUs
exist, whose HMPPS sync is stale, which addresses the allow-list refuses. Set-based: a few queries
per batch, never one per case.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime

import pendulum
from sqlalchemy import Engine, select

from chase.load import Snapshot
from config.policy import PolicyBook
from db.models import Establishment, Pdu, SourceSync
from db.session import session_factory
from notifications.addresses import check_address
from rules.problems import Known
from rules.sync_problems import sync_problems

LONDON = "Europe/London"


def london_date(moment: datetime) -> date:
    return pendulum.instance(moment).in_timezone(LONDON).date()


def stale_establishments(engine: Engine, book: PolicyBook, now: datetime) -> dict[str, str]:
    """Establishments fed by the HMPPS sync whose last success is older than their policy allows.

    Only establishments with a `source_syncs` row are judged: CSV-fed prisons never go stale.
    By the real clock: a simulated night is not a real night, so simulate never calls this.
    """
    today = london_date(now)
    with session_factory(engine)() as session:
        rows = session.execute(select(SourceSync.establishment_code, SourceSync.last_success_at)).all()
    stale = {}
    for code, last in rows:
        allowed = book.for_establishment(code).problems.stale_after_nights
        if last is None:
            stale[code] = "never"
        elif (today - london_date(last)).days > allowed:
            stale[code] = london_date(last).isoformat()
    return stale


def known_for(
    engine: Engine,
    snapshots: Iterable[Snapshot],
    stale: dict[str, str] | None,
    allowed_domains: tuple[str, ...] | None,
) -> Callable[[str, str | None], Known]:
    """A lookup (prison number, establishment code) -> Known for one batch of loaded cases."""
    with session_factory(engine)() as session:
        establishments = set(session.scalars(select(Establishment.code)))
        pdus = set(session.scalars(select(Pdu.code)))
    # Read from each case's row only when asked: cases whose decision still stands are never asked.
    by_number = {snapshot.prison_number: snapshot for snapshot in snapshots}
    stale = stale or {}
    verdicts: dict[str | None, str | None] = {}  # a batch names the same mailboxes thousands of times

    def refused(address: str | None) -> str | None:
        if address not in verdicts:
            verdicts[address] = check_address(address, allowed_domains or ())
        return verdicts[address]

    def lookup(prison_number: str, establishment_code: str | None) -> Known:
        snapshot = by_number.get(prison_number)
        pdu = snapshot.pdu_code if snapshot else None
        return Known(
            establishment_known=establishment_code in establishments,
            pdu_code=pdu,
            pdu_known=pdu in pdus,
            stale_since=stale.get(establishment_code or ""),
            synced=sync_problems(snapshot.sync) if snapshot else (),
            **({"address_problem": refused} if allowed_domains is not None else {}),
        )

    return lookup


def now_utc() -> datetime:
    return datetime.now(pendulum.UTC)
