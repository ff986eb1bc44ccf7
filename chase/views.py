"""How a case looks to staff right now: the rules applied live, nothing written.

`mappa status` and `mappa case` read this, so what they show is always what the
next nightly check would act on, even before the first check has run.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, select

from chase.night import decide_cases, load_cases
from chase.outcome import Outcome, plan_fields, problem_rows
from chase.problems import known_for, now_utc, stale_establishments
from config.policy import PolicyBook
from db.models import Delivery, Notice
from db.session import session_factory
from rules.calendar import WorkingCalendar

FIELDS = (
    "prison_number",
    "establishment_code",
    "state",
    "key_date",
    "key_source",
    "planning_date",
    "request_date",
    "due_date",
    "final_warning_date",
    "last_step",
    "next_step",
    "next_step_date",
    "missing",
    "problems",
)


def case_views(
    engine: Engine,
    as_of: date,
    book: PolicyBook,
    calendar: WorkingCalendar,
    establishment: str | None = None,
    prison_numbers=None,
    allowed_domains: tuple[str, ...] | None = None,
) -> list[dict]:
    snapshots = load_cases(engine, prison_numbers, include_closed=True, establishment=establishment)
    known = known_for(engine, snapshots, stale_establishments(engine, book, now_utc()), allowed_domains)
    return [view(outcome) for outcome in decide_cases(snapshots, as_of, book, calendar, known)]


def view(outcome: Outcome) -> dict:
    decision, history = outcome.decision, outcome.snapshot.history
    sent = [h for h in history.handled if not h.superseded]
    due_now = decision.notice
    return {
        "prison_number": outcome.prison_number,
        "establishment_code": outcome.snapshot.facts.establishment_code,
        "state": decision.state,
        **plan_fields(decision.plan),
        "last_step": sent[-1].step if sent else None,
        "next_step": due_now.step if due_now else decision.next_step,
        "next_step_date": outcome.night if due_now else decision.next_step_date,
        "missing": list(decision.missing),
        "problems": problem_rows(outcome),
    }


def notices_of(engine: Engine, prison_number: str) -> list[dict]:
    with session_factory(engine)() as session:
        rows = session.scalars(select(Notice).where(Notice.prison_number == prison_number).order_by(Notice.id))
        return [
            {
                "step": n.step,
                "night": n.night,
                "status": n.status,
                "to": list(n.to or []),
                "cc": list(n.cc or []),
                "sent_at": n.sent_at,
                "message_id": n.message_id,
                "reason": n.reason,
                "last_error": n.last_error,
                "deliveries": _deliveries_of(session, n.id),
            }
            for n in rows
        ]


def _deliveries_of(session, notice_id: int) -> list[dict]:
    """Each copy: where it went and what became of it (Notify's status when sent through GOV.UK Notify)."""
    rows = session.scalars(select(Delivery).where(Delivery.notice_id == notice_id).order_by(Delivery.id))
    return [
        {
            "address": d.address,
            "role": d.role,
            "status": d.status,
            "notify_status": d.notify_status,
            "sent_at": d.sent_at,
            "last_error": d.last_error,
        }
        for d in rows
    ]
