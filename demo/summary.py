"""What the demo left behind, read back from the database and the mail folder: counts and prison numbers only."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, func, select

from db.models import Case, Notice
from db.session import session_factory
from rules.states import State


@dataclass
class Summary:
    sent: Counter = field(default_factory=Counter)  # notices per step that went out
    closed: Counter = field(default_factory=Counter)  # cases per closing state
    open_cases: int = 0
    emails: list[Path] = field(default_factory=list)
    resolved_example: str | None = None  # a case resolved after escalation
    unconfirmed_example: str | None = None  # a case released without confirmation


def summarise(engine: Engine, mail: Path) -> Summary:
    summary = Summary(emails=sorted(mail.glob("*.eml")) if mail.is_dir() else [])
    with session_factory(engine)() as session:
        rows = session.execute(select(Notice.step, func.count()).where(Notice.status == "sent").group_by(Notice.step))
        summary.sent.update(dict(rows.tuples().all()))
        for state, count in session.execute(select(Case.closed_state, func.count()).group_by(Case.closed_state)):
            if state is None:
                summary.open_cases = count
            else:
                summary.closed[state] = count
        summary.resolved_example = _most_chased(session, "complete")
        summary.unconfirmed_example = _most_chased(session, State.RELEASED_UNCONFIRMED)
    return summary


def _most_chased(session, state: str) -> str | None:
    """The case in `state` that went furthest up the ladder: the richest history to look at."""
    statement = (
        select(Case.prison_number)
        .join(Notice, Notice.prison_number == Case.prison_number)
        .where(Case.closed_state == state)
        .group_by(Case.prison_number)
        .order_by(func.count().desc(), Case.prison_number)
        .limit(1)
    )
    return session.scalar(statement)
