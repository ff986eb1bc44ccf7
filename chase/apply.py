"""Write one batch of nightly decisions in one transaction.

1. Lock the audit chain's head first: batches of concurrent runs then queue up
   behind each other instead of interleaving (and cannot deadlock).
2. Insert tonight's notices and superseded steps with ON CONFLICT DO NOTHING on
   their unique key, so a re-run or a concurrent run adds nothing.
3. Retire pending notices that tonight's step outranks; cancel them on closing.
4. Update the changed case rows, then append the audit events for what
   actually changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from chase.load import STORED
from chase.outcome import Outcome, case_fields, notice_context
from config.failpoints import failpoint
from db.audit import Event, append
from db.bulk import one_of, update_rows
from db.conflicts import insert_new
from db.models import AuditHead, Case, Delivery, Notice
from rules.decide import step_rank
from rules.steps import CLOSING_STEPS, Step
from rules.trail import left_behind, stored_context

MOVED = "case-establishment-changed"  # the report reads these to know where a case was on its due date


@dataclass
class Written:
    queued: list[Outcome] = field(default_factory=list)  # notices this run inserted
    already: int = 0  # notices another run had queued
    superseded: int = 0
    retired: int = 0  # pending notices withdrawn or cancelled


def apply_batch(session: Session, outcomes: list[Outcome], night: date, actor: str) -> Written:
    session.execute(select(AuditHead.id).where(AuditHead.id == 1).with_for_update())
    stored = _stored_now(session, outcomes, night)
    written, events = Written(), []
    inserted = _insert_notices(session, [o for o in outcomes if o.decision.notice], night, actor)
    failpoint("apply.after-notices")
    for outcome in outcomes:
        if outcome.decision.notice and outcome.decision.notice.key in inserted:
            written.queued.append(outcome)
            events.append(
                _event(
                    outcome,
                    "step-queued",
                    actor,
                    step=outcome.decision.notice.step,
                    key=outcome.decision.notice.key,
                    to=list(outcome.decision.notice.to),
                    cc=list(outcome.decision.notice.cc),
                )
            )
        elif outcome.decision.notice:
            written.already += 1
    superseded = _insert_superseded(session, outcomes, night, actor)
    written.superseded = len(superseded)
    events += [
        Event("step-superseded", actor, pn, {"step": step, "key": key, "night": night}) for pn, step, key in superseded
    ]
    written.retired = _retire_pending(session, outcomes, inserted)
    events += _save_cases(session, outcomes, stored, night, actor)
    append(session, events)
    failpoint("apply.before-commit")
    return written


def _event(outcome: Outcome, kind: str, actor: str, **detail) -> Event:
    return Event(kind, actor, outcome.prison_number, detail)


def _insert_notices(session: Session, outcomes: list[Outcome], night: date, actor: str) -> set[str]:
    rows = [_notice_row(o, night, actor) for o in outcomes]
    inserted = dict(insert_new(session, Notice, rows, "key", returning=(Notice.key, Notice.id)))
    deliveries = [
        {"notice_id": inserted[o.decision.notice.key], "address": address, "role": role, "status": "pending"}
        for o in outcomes
        if o.decision.notice.key in inserted
        for address, role in _addresses(o.decision.notice)
    ]
    if deliveries:
        session.execute(insert(Delivery.__table__), deliveries)
    return set(inserted)


def _notice_row(outcome: Outcome, night: date, actor: str) -> dict:
    notice, facts = outcome.decision.notice, outcome.snapshot.facts
    return {
        "key": notice.key,
        "prison_number": facts.prison_number,
        "establishment_code": facts.establishment_code,
        "step": notice.step,
        "night": night,
        "status": "pending",
        "to": list(notice.to),
        "cc": list(notice.cc),
        "context": notice_context(outcome).to_json(),
        "run": actor[:80],
        "attempts": 0,
    }


def _addresses(notice) -> list[tuple[str, str]]:
    """Each address once, as "to" if it is both: one person, one copy of the case."""
    seen, pairs = set(), []
    for role, addresses in (("to", notice.to), ("cc", notice.cc)):
        for address in addresses:
            if address and address.lower() not in seen:
                seen.add(address.lower())
                pairs.append((address, role))
    return pairs


def _insert_superseded(session: Session, outcomes: list[Outcome], night: date, actor: str) -> list[tuple]:
    """The superseded rows of rules.trail.left_behind, stored so history_of reads back the same Handled."""
    rows = [
        {
            "key": h.key,
            "prison_number": o.snapshot.facts.prison_number,
            "step": h.step,
            "night": night,
            "establishment_code": o.snapshot.facts.establishment_code,
            "status": "superseded",
            "to": list(h.to),
            "cc": [],
            "context": stored_context(h),
            "run": actor[:80],
            "attempts": 0,
            "reason": f"superseded by {o.decision.notice.step if o.decision.notice else 'a later step'}",
        }
        for o in outcomes
        for h in left_behind(o.decision, o.snapshot.facts, night)
        if h.superseded
    ]
    keys = {key for (key,) in insert_new(session, Notice, rows, "key", returning=(Notice.key,))}
    return [(row["prison_number"], row["step"], row["key"]) for row in rows if row["key"] in keys]


def _retire_pending(session: Session, outcomes: list[Outcome], inserted: set[str]) -> int:
    """Pending notices overtaken tonight are never sent late.

    An unsent reminder or escalation that a more senior step replaced is withdrawn;
    a case that closed cancels its unsent chase notices. The step still counts as
    taken for the rules (it was decided); only its e-mail is dropped. The request
    is never withdrawn: it is the COM's first contact and what later steps refer to.
    """
    changes: dict[str, list[int]] = {"withdrawn": [], "cancelled": []}
    for outcome in outcomes:
        decision = outcome.decision
        if decision.closes:
            changes["cancelled"] += [nid for nid, step, key in outcome.snapshot.pending if step not in CLOSING_STEPS]
        elif decision.notice and decision.notice.key in inserted:
            rank = step_rank(decision.notice.step)
            changes["withdrawn"] += [
                nid
                for nid, step, key in outcome.snapshot.pending
                if step != Step.REQUEST
                and (step_rank(step) < rank or (step == decision.notice.step and key != decision.notice.key))
            ]
    for status, ids in changes.items():
        if ids:
            session.execute(
                update(Notice)
                .where(Notice.id.in_(ids), Notice.status == "pending")
                .values(status=status, reason=f"{status} at the nightly check")
            )
            session.execute(
                update(Delivery).where(Delivery.notice_id.in_(ids), Delivery.status == "pending").values(status=status)
            )
    return sum(len(ids) for ids in changes.values())


def _stored_now(session: Session, outcomes: list[Outcome], night: date) -> dict[str, dict | None]:
    """The case rows as they are now, under the lock.

    Another run of tonight may have written some since we loaded them; those rows
    carry tonight as `last_night`, so only they are read again.
    """
    stored = {o.prison_number: o.snapshot.stored for o in outcomes}
    columns = [getattr(Case, name) for name in STORED]
    touched = select(Case.prison_number, *columns).where(
        one_of(session, Case.prison_number, list(stored)), Case.last_night == night
    )
    stored.update({row[0]: dict(zip(STORED, row[1:])) for row in session.execute(touched)})
    return stored


def _save_cases(
    session: Session, outcomes: list[Outcome], now: dict[str, dict], night: date, actor: str
) -> list[Event]:
    new_rows, changed_rows, events = [], [], []
    for outcome in outcomes:
        fields, stored = case_fields(outcome), now.get(outcome.prison_number)
        if stored is None:
            new_rows.append({"prison_number": outcome.prison_number, "last_night": night, **fields})
            events.append(
                _event(outcome, "case-tracked", actor, state=fields["state"], tracked_since=fields["tracked_since"])
            )
        elif any(stored.get(name) != value for name, value in fields.items()):
            changed_rows.append({"prison_number": outcome.prison_number, "last_night": night, **fields})
        else:
            continue
        events += _change_events(outcome, stored, fields, actor)
    insert_new(session, Case, new_rows, "prison_number")
    update_rows(session, Case.__table__, "prison_number", changed_rows)
    return events


def _change_events(outcome: Outcome, stored: dict | None, fields: dict, actor: str) -> list[Event]:
    before = stored or {}
    events = []
    if stored is not None and before.get("state") != fields["state"]:
        events.append(_event(outcome, "state-changed", actor, before=before.get("state"), after=fields["state"]))
    if fields["closed_state"] and before.get("closed_state") != fields["closed_state"]:
        events.append(_event(outcome, "case-closed", actor, state=fields["closed_state"], on=fields["closed_on"]))
    seen = {(p.get("code"), p.get("detail")) for p in before.get("problems") or [] if isinstance(p, dict)}
    for problem in fields["problems"]:
        if (problem["code"], problem["detail"]) not in seen:
            events.append(_event(outcome, "data-problem", actor, code=problem["code"], detail=problem["detail"]))
    if stored is not None and before.get("establishment_code") != fields["establishment_code"]:
        # dated by the night, not the feed's clock: the report asks where a case was on its due date
        events.append(
            _event(
                outcome,
                MOVED,
                actor,
                before=before.get("establishment_code"),
                after=fields["establishment_code"],
                night=outcome.night,
            )
        )
    if stored is not None and before.get("planning_date") != fields["planning_date"]:
        events.append(
            _event(outcome, "re-planned", actor, before=before.get("planning_date"), after=fields["planning_date"])
        )
    return events
