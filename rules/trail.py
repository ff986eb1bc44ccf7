"""What a decision leaves behind: the one definition both the database and the pure replays use.

Every step a decision deals with becomes an outbox row, queued or superseded, and is read back as a
`Handled` in the next night's history. `left_behind` says which rows, with what in them (a request,
sent or superseded, remembers the COM it was for: a new COM is what starts a new request cycle);
`after` is the history once they are written. chase/apply.py stores exactly these rows and
chase/load.py reads them back with `handled_from`, so the rules see the same history whichever way
the nights are run.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from rules.case import CaseFacts, Handled, History
from rules.night import Decision
from rules.notice_context import NoticeContext
from rules.steps import REQUEST


def left_behind(decision: Decision, facts: CaseFacts, night: date) -> tuple[Handled, ...]:
    """The outbox rows tonight's decision writes: its superseded steps, then its notice."""
    rows = tuple(replace(h, com=facts.people.com if h.step == REQUEST else None, to=()) for h in decision.superseded)
    notice = decision.notice
    if notice is not None:
        com = facts.people.com if notice.step == REQUEST else None
        rows = (*rows, Handled(notice.step, night, notice.key, to=notice.to, com=com))
    return rows


def after(history: History, decision: Decision, facts: CaseFacts, night: date) -> History:
    """`history` as it stands once tonight's decision has been written."""
    return replace(
        history,
        tracked_since=decision.tracked_since,
        handled=(*history.handled, *left_behind(decision, facts, night)),
        closed_state=history.closed_state or decision.closes,
        closed_on=history.closed_on or (night if decision.closes else None),
    )


def stored_context(handled: Handled) -> dict[str, Any]:
    """What of a `Handled` the outbox row keeps in its context, beyond step, night, key and addresses."""
    return NoticeContext(com=handled.com).to_json() if handled.step == REQUEST else {}


def handled_from(step: str, night: date, key: str, status: str, to: Any, context: dict[str, Any] | None) -> Handled:
    """An outbox row read back as the rules see it."""
    return Handled(
        step=step,
        night=night,
        key=key,
        superseded=status == "superseded",
        to=tuple(to or ()),
        com=NoticeContext.from_json(context).com if step == REQUEST else None,
    )
