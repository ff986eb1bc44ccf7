"""The audit trail: append-only rows, each hashed together with the one before.

Writers lock the chain's head row for the length of their transaction, so two
processes never build on the same tip; on SQLite, BEGIN IMMEDIATE does the same.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.bulk import insert_rows
from db.models import AuditEvent, AuditHead
from db.types import utcnow

GENESIS = "0" * 64


@dataclass(frozen=True)
class Event:
    kind: str
    actor: str
    prison_number: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


def jsonable(value: Any) -> Any:
    """Dates as ISO strings, tuples as lists: what JSON will give back, so hashes match."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    return value


def digest(
    prev_hash: str, seq: int, at: datetime, actor: str, prison_number: str | None, kind: str, detail: Any
) -> str:
    return _Chain(at, actor).link(prev_hash, seq, prison_number, kind, canonical(detail))


def canonical(detail: Any) -> str:
    """The detail as the hash sees it (sorted keys, no spaces); also what is stored, so it is made once.

    Dates and sets become what `jsonable` makes of them, by json's own hook rather than a walk of the
    whole detail first. The text must never change for a given detail: `verify` re-encodes every
    stored detail and compares hashes. orjson writes it (an eighth of the cost) when the detail holds
    only what both encoders write identically (str enums whose text is their value, such as a case's
    state, included); anything else (floats, whose exponents orjson spells differently, NaN, other
    subclasses such as int enums, integers past 64 bits) goes to json, as before.
    """
    if _orjson_safe(detail, 0):
        try:
            return orjson.dumps(detail, default=_plain, option=_ORJSON_OPTIONS).decode()
        except TypeError:  # orjson's own limits (an integer past 64 bits): json can write it
            pass
    return json.dumps(detail, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain)


_ORJSON_OPTIONS = (
    orjson.OPT_SORT_KEYS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_SUBCLASS
    | orjson.OPT_PASSTHROUGH_DATACLASS
)
_LEAVES = frozenset({str, int, bool, type(None), date, datetime})
_CONTAINERS = frozenset({list, tuple, set, frozenset})


def _orjson_safe(value: Any, depth: int) -> bool:
    """Only exact built-in types both encoders agree on, string keys, and no deeper than orjson goes."""
    kind = type(value)
    if kind in _LEAVES:
        return True
    if isinstance(value, Enum):  # a case's state: both write a str enum's text (here, also its value)
        return isinstance(value, str) and type(value.value) is str and str.__str__(value) == value.value
    if depth > 200:
        return False
    if kind is dict:
        return all(type(k) is str for k in value) and all(_orjson_safe(v, depth + 1) for v in value.values())
    if kind in _CONTAINERS:
        return all(_orjson_safe(v, depth + 1) for v in value)
    return False


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


class _Chain:
    """Each event's hash: sha256 of the JSON list [prev_hash, seq, at, actor, prison_number, kind, detail]
    (no spaces, not ASCII-escaped, the detail already encoded by `canonical`). What every event of one
    append shares (its time, its actor) is encoded once; JSON's own string encoder quotes the rest."""

    def __init__(self, at: datetime, actor: str):
        self.shared = f"{_quoted(at.isoformat())},{_quoted(actor)}"
        self.kinds: dict[str, str] = {}

    def link(self, prev_hash: str, seq: int, prison_number: str | None, kind: str, detail_json: str) -> str:
        quoted_kind = self.kinds.get(kind) or self.kinds.setdefault(kind, _quoted(kind))
        number = "null" if prison_number is None else _quoted(prison_number)
        text = f"[{_quoted(prev_hash)},{int(seq)},{self.shared},{number},{quoted_kind},{detail_json}]"
        return hashlib.sha256(text.encode()).hexdigest()


_quoted = json.encoder.encode_basestring  # type: ignore[attr-defined]  # json.dumps(ensure_ascii=False) of a str


def append(session: Session, events: Iterable[Event]) -> int:
    """Append events to the chain inside the caller's transaction; returns how many."""
    events = list(events)
    if not events:
        return 0
    head = session.scalars(select(AuditHead).where(AuditHead.id == 1).with_for_update()).one()
    seq, prev, at = head.seq, head.hash, utcnow()
    rows, chains = [], {}  # by actor: an append is nearly always one actor's
    for event in events:
        seq += 1
        detail = canonical(event.detail)
        chain = chains.get(event.actor) or chains.setdefault(event.actor, _Chain(at, event.actor))
        current = chain.link(prev, seq, event.prison_number, event.kind, detail)
        rows.append(
            dict(
                seq=seq,
                at=at,
                actor=event.actor,
                prison_number=event.prison_number,
                kind=event.kind,
                detail=detail,
                prev_hash=prev,
                hash=current,
            )
        )
        prev = current
    insert_rows(session, AuditEvent.__table__, rows, encoded=("detail",))
    head.seq, head.hash = seq, prev
    return len(rows)


@dataclass(frozen=True)
class Verdict:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str | None = None


def verify(session: Session) -> Verdict:
    """Walk the whole chain; name the first row whose hash, link or number is wrong."""
    prev, expected_seq, checked = GENESIS, 1, 0
    for row in _chain(session):
        if row.seq != expected_seq:
            return Verdict(False, checked, expected_seq, f"row {expected_seq} is missing (next is {row.seq})")
        if row.prev_hash != prev:
            return Verdict(False, checked, row.seq, "its link to the previous row does not match")
        if digest(prev, row.seq, row.at, row.actor, row.prison_number, row.kind, row.detail) != row.hash:
            return Verdict(False, checked, row.seq, "its content does not match its hash (altered)")
        prev, expected_seq, checked = row.hash, expected_seq + 1, checked + 1
    head = session.get(AuditHead, 1)
    if head is not None and (head.seq != checked or head.hash != prev):
        return Verdict(False, checked, checked + 1, f"the chain ends at row {checked} but its head says {head.seq}")
    return Verdict(True, checked)


def _chain(session: Session) -> Iterator[AuditEvent]:
    statement = select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=2000)
    yield from session.scalars(statement)


def trail(session: Session, prison_number: str) -> list[AuditEvent]:
    statement = select(AuditEvent).where(AuditEvent.prison_number == prison_number).order_by(AuditEvent.seq)
    return list(session.scalars(statement))
