"""A fingerprint of everything a night's decisions read, to know when a rerun can change nothing.

It covers each feed table (row count and latest change), the audit chain's tip
(every recorded receipt and audited change moves it) and the policy. It is taken
when a night finishes, after the night's own writes, so an identical fingerprint
at the start of a rerun means nothing has happened since.
"""

from __future__ import annotations

import hashlib
from datetime import date
from functools import lru_cache
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import rules
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
from rules.calendar import WorkingCalendar

# Each table the decisions read, with the column that moves when a row changes. The sync's probation
# checks are rewritten each night they are asked (asked_on), and they carry the sync's data problems.
FEEDS = (
    *((model, model.updated_at) for model in (Establishment, Pdu, Prisoner, Allocation, MappaInformation, Team)),
    (ProbationCheck, ProbationCheck.asked_on),
)


# What a case's decision reads beyond its own row (chase.load.inputs_of): which establishments and PDUs
# exist, and the teams (the data problems' `known`).
SHARED_FEEDS = tuple((model, moved) for model, moved in FEEDS if model in (Establishment, Pdu, Team))


def fingerprint(session: Session, night: date, book: PolicyBook, extra: str = "") -> str:
    """`extra`: anything else tonight's decisions read (which sources are stale, the allow-list)."""
    parts = [night.isoformat(), extra, *_policy_parts(book), *_feed_parts(session, FEEDS)]
    head = session.get(AuditHead, 1)
    parts.append(f"audit:{head.seq}:{head.hash}" if head else "audit:none")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def decision_context(session: Session, book: PolicyBook, calendar: WorkingCalendar, extra: str = "") -> str:
    """A digest of what every case's decision reads besides its own inputs: the policy, the bank holidays,
    the establishments, PDUs and teams, and `extra` (as for `fingerprint`). Stored with each decision,
    combined with the case's own inputs, so that a change to any of them decides every case again."""
    parts = [rules_version(), extra, *_policy_parts(book), repr(calendar.bank_holidays)]
    parts += _feed_parts(session, SHARED_FEEDS)
    return hashlib.sha1("|".join(parts).encode()).hexdigest()


@lru_cache(maxsize=1)
def rules_version() -> str:
    """A digest of the rules' own source: a decision kept by one release is not trusted by the next."""
    sources = sorted(Path(rules.__file__).parent.glob("*.py"))
    return hashlib.sha1(b"".join(path.read_bytes() for path in sources)).hexdigest()


def _policy_parts(book: PolicyBook) -> list[str]:
    return [repr(book.base), *(repr(book.for_establishment(c)) for c in book.establishments)]


def _feed_parts(session: Session, feeds) -> list[str]:
    parts = []
    for model, moved in feeds:
        count, latest = session.execute(select(func.count(), func.max(moved))).one()
        parts.append(f"{model.__tablename__}:{count}:{latest}")
    return parts


def unchanged_since_checked(session: Session, night: date, book: PolicyBook, extra: str = "") -> bool:
    checked = session.get(CheckedNight, night)
    return checked is not None and checked.fingerprint == fingerprint(session, night, book, extra)


def record_checked(session: Session, night: date, book: PolicyBook, cases: int, extra: str = "") -> None:
    print_ = fingerprint(session, night, book, extra)
    row = {"night": night, "fingerprint": print_, "cases": cases, "completed_at": utcnow()}
    if not insert_new(session, CheckedNight, [row], "night", returning=(CheckedNight.night,)):
        checked = session.get(CheckedNight, night)
        checked.fingerprint, checked.cases, checked.completed_at = print_, cases, row["completed_at"]
