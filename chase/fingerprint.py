"""A fingerprint of everything a night's decisions read, to know when a rerun can change nothing.

It covers each feed table (row count and latest change), the audit chain's tip
(every recorded receipt and audited change moves it) and the policy. It is taken
when a night finishes, after the night's own writes, so an identical fingerprint
at the start of a rerun means nothing has happened since.
"""

from __future__ import annotations

import hashlib
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from config.policy import PolicyBook
from db.conflicts import insert_new
from db.models import (
    Allocation,
    AuditHead,
    CheckedNight,
    Establishment,
    MappaInformation,
    Pdu,
    Prisoner,
    ProbationCheck,
    Team,
)
from db.types import utcnow

# Each table the decisions read, with the column that moves when a row changes. The sync's probation
# checks are rewritten each night they are asked (asked_on), and they carry the sync's data problems.
FEEDS = (
    *((model, model.updated_at) for model in (Establishment, Pdu, Prisoner, Allocation, MappaInformation, Team)),
    (ProbationCheck, ProbationCheck.asked_on),
)


def fingerprint(session: Session, night: date, book: PolicyBook, extra: str = "") -> str:
    """`extra`: anything else tonight's decisions read (which sources are stale, the allow-list)."""
    parts = [night.isoformat(), extra, repr(book.base), *(repr(book.for_establishment(c)) for c in book.establishments)]
    for model, moved in FEEDS:
        count, latest = session.execute(select(func.count(), func.max(moved))).one()
        parts.append(f"{model.__tablename__}:{count}:{latest}")
    head = session.get(AuditHead, 1)
    parts.append(f"audit:{head.seq}:{head.hash}" if head else "audit:none")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def unchanged_since_checked(session: Session, night: date, book: PolicyBook, extra: str = "") -> bool:
    checked = session.get(CheckedNight, night)
    return checked is not None and checked.fingerprint == fingerprint(session, night, book, extra)


def record_checked(session: Session, night: date, book: PolicyBook, cases: int, extra: str = "") -> None:
    print_ = fingerprint(session, night, book, extra)
    row = {"night": night, "fingerprint": print_, "cases": cases, "completed_at": utcnow()}
    if not insert_new(session, CheckedNight, [row], "night", returning=(CheckedNight.night,)):
        checked = session.get(CheckedNight, night)
        checked.fingerprint, checked.cases, checked.completed_at = print_, cases, row["completed_at"]
