"""The nightly data-problems digest: one e-mail per establishment to its OMU mailbox.

It lists problems new since the last digest, problems fixed since then, e-mails that failed or
were held since then, and (on the policy's reminder weekday) every problem still open. Problems
of cases whose establishment is unknown (or has no OMU mailbox) go to MAPPA_DATA_PROBLEMS_TO;
without it they are reported as untold, and the nightly run fails saying so.

Each digest is a notice of kind "data-problems" keyed `data-problems/<establishment>/<night>`, so
reruns and crashes never send it twice. Its context keeps what it reported, which is how the next
digest knows what is new and what was fixed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Engine, select

from chase.problem_list import open_problems
from config.policy import WEEKDAYS, PolicyBook
from db.audit import Event, append
from db.models import Delivery, Establishment, Notice
from db.session import session_factory, transaction
from notifications import wording
from outbox.other import queue_other

KIND = "data-problems"
NATIONAL = "national"


@dataclass
class DigestResult:
    queued: list[str] = field(default_factory=list)  # notice keys
    untold: dict[str, int] = field(default_factory=dict)  # group -> items nobody could be told about


def undelivered(engine: Engine) -> list[dict]:
    """Copies of e-mails that failed for good, bounced (GOV.UK Notify) or were held (blocked), not yet re-addressed."""
    statement = (
        select(
            Delivery.id,
            Delivery.address,
            Delivery.status,
            Delivery.last_error,
            Notice.key,
            Notice.prison_number,
            Notice.step,
            Notice.establishment_code,
            Notice.night,
        )
        .join(Notice, Notice.id == Delivery.notice_id)
        .where(Delivery.status.in_(("failed", "blocked", "bounced")), Notice.kind != KIND)
        .order_by(Delivery.id)
    )
    with session_factory(engine)() as session:
        return [row._asdict() for row in session.execute(statement)]


def queue_digests(engine: Engine, night: date, actor: str, book: PolicyBook, national_to: str | None) -> DigestResult:
    with session_factory(engine)() as session:
        mailboxes = dict(session.execute(select(Establishment.code, Establishment.omu_mailbox)).all())
        names = dict(session.execute(select(Establishment.code, Establishment.name)).all())
    groups: dict[str, dict[str, list]] = defaultdict(lambda: {"problems": [], "undelivered": []})
    for problem in open_problems(engine):
        groups[_group(problem["establishment_code"], mailboxes)]["problems"].append(problem)
    for row in undelivered(engine):
        groups[_group(row["establishment_code"], mailboxes)]["undelivered"].append(row)
    result, earlier = DigestResult(), _last_digests(engine, night)
    to_queue: list[tuple[str, str | None, str, dict]] = []  # key, establishment, mailbox, context
    for group in sorted(set(groups) | earlier.keys()):
        code = None if group == NATIONAL else group
        to = national_to if group == NATIONAL else mailboxes.get(group)
        policy, name = book.for_establishment(code), names.get(group)
        context = _context(group, earlier.get(group, {}), night, groups[group], policy, name)
        if context is None:
            continue
        if not to:
            result.untold[group] = context["new"] + len(context["undelivered_ids"])
            continue
        to_queue.append((f"{KIND}/{group}/{night.isoformat()}", code, to, context))
    result.queued = _queue(engine, to_queue, night, actor)
    return result


def _queue(engine: Engine, digests: list[tuple[str, str | None, str, dict]], night: date, actor: str) -> list[str]:
    """Every digest of the night and its audit in one transaction: all are queued, or none."""
    if not digests:
        return []
    queued, events = [], []
    with transaction(engine) as session:
        for key, code, to, context in digests:
            if queue_other(
                session, kind=KIND, key=key, night=night, to=[to], context=context, establishment_code=code, actor=actor
            ):
                queued.append(key)
                counts = {"new": context["new"], "fixed": context["fixed"], "open": context["open"]}
                events.append(Event("digest-queued", actor, None, {"key": key, **counts}))
        append(session, events)
    return queued


def _group(code: str | None, mailboxes: dict[str, str | None]) -> str:
    return code if code and mailboxes.get(code) else NATIONAL


def _last_digests(engine: Engine, night: date) -> dict[str, dict]:
    """Each group's last digest before tonight, by group: its context, which says what it reported.

    Two reads for every group at once: the keys and nights of all earlier digests (small), then the
    context of each group's latest only (a context lists every problem it reported).
    """
    with session_factory(engine)() as session:
        earlier = session.execute(
            select(Notice.id, Notice.key, Notice.night).where(Notice.kind == KIND, Notice.night < night)
        ).all()
        latest: dict[str, tuple[date, int]] = {}
        for notice_id, key, on in earlier:
            group = key.split("/")[1]
            if group not in latest or (on, notice_id) > latest[group]:
                latest[group] = (on, notice_id)
        ids = {notice_id: group for group, (_, notice_id) in latest.items()}
        contexts = (
            session.execute(select(Notice.id, Notice.context).where(Notice.id.in_(list(ids)))).all() if ids else []
        )
    return {ids[notice_id]: context or {} for notice_id, context in contexts}


def _context(group: str, before: dict, night: date, items: dict, policy, name: str | None) -> dict | None:
    was_open = {row["key"]: row for row in before.get("open_rows", [])}
    reported = set(before.get("undelivered_ids", []))
    problems, failed = items["problems"], items["undelivered"]
    now_open = {p["key"] for p in problems}
    new = [p for p in problems if p["key"] not in was_open]
    fixed = [row for key, row in was_open.items() if key not in now_open]
    fresh_failures = [row for row in failed if row["id"] not in reported]
    reminder = WEEKDAYS[night.weekday()] == policy.problems.reminder_weekday
    still_open = [p for p in problems if p["key"] in was_open] if reminder else []
    if not (new or fixed or fresh_failures or still_open):
        return None
    sections = [
        _section("New problems", "Found since the last digest.", [_line(p) for p in new]),
        _section("Fixed since the last digest", "", [_line(row, fixed=True) for row in fixed]),
        _section(
            "E-mails not delivered",
            "Failed for good, bounced, or held as not allowed.",
            [_failure(r) for r in fresh_failures],
        ),
        _section("Still open (weekly reminder)", "", [_line(p) for p in still_open]),
    ]
    return {
        "establishment": wording.establishment(group, name) if group != NATIONAL else "establishments not in the feed",
        "night_uk": wording.uk_date(night),
        "new": len(new),
        "fixed": len(fixed),
        "open": len(problems),
        "sections": [s for s in sections if s["rows"]],
        "open_rows": [_line(p) | {"key": p["key"]} for p in problems],
        "undelivered_ids": sorted({row["id"] for row in failed} | reported),
    }


def _section(heading: str, intro: str, rows: list[dict]) -> dict:
    return {"heading": heading, "intro": intro, "rows": rows}


def _line(problem: dict, fixed: bool = False) -> dict:
    if fixed:
        return {k: problem[k] for k in ("who", "reason", "detail", "since")}
    who = problem["prison_number"] or "-"
    kind = "blocking: not chased" if problem["blocking"] else "warning"
    return {
        "who": who,
        "reason": f"{problem['reason']} ({kind})",
        "detail": problem["detail"],
        "since": problem["since"] or "",
    }


def _failure(row: dict) -> dict:
    about = f"{row['prison_number']}/{row['step']}" if row["prison_number"] else row["key"]
    return {
        "who": about,
        "reason": f"E-mail {row['status']} to {row['address']}",
        "detail": row["last_error"] or "",
        "since": row["night"].isoformat() if row["night"] else "",
    }
