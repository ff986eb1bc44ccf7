"""The floor: the least work that gives the same result, with no Prefect, no ORM objects, no audit trail.

Import: csv rows straight into a scratch table with executemany. Re-import: the file and the held rows
compared as text, the rows that differ updated with one executemany. A night: one plain SQL
read of the cases and their notices, the pure rules (rules.decide.decide) for each, and
the e-mails rendered once each (notifications.compose.render) and, for a night that delivers,
written once each to a scratch folder as plain files. Nothing is written back to the database.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date
from itertools import islice
from pathlib import Path

from sqlalchemy import Engine

from notifications.compose import envelopes, render
from notifications.model import CaseItem, Delivery
from notifications.wire import wire_bytes
from rules.decide import CaseFacts, Handled, History, People, decide
from rules.information import Information
from rules.release import ReleaseDates

CASES_SQL = """
select p.prison_number, p.first_name, p.last_name, p.establishment_code, p.sentence_type, p.crd, p.ard, p.ped,
       p.hdced, p.hdcad, p.prrd, p.ted, p.thd, p.released_on,
       a.com_email, a.spo_email, e.name, e.omu_mailbox, e.head_of_omu_email,
       d.mailbox, d.head_email, d.mappa_coordinator_email,
       m.category, m.level, m.meeting_date, m.not_eligible, c.tracked_since, c.closed_state, c.closed_on
from prisoners p
left join mappa_information m on m.prison_number = p.prison_number
left join cases c on c.prison_number = p.prison_number
left join allocations a on a.prison_number = p.prison_number
left join establishments e on e.code = p.establishment_code
left join pdus d on d.code = a.pdu_code
where (p.mappa_category between 1 and 4 or m.category between 1 and 4 or m.level between 1 and 3
       or c.prison_number is not null)
  and (c.prison_number is null or c.closed_state is null or c.next_step is not null)
"""
# The same cases chase.load reads (closed cases whose closing notice has gone are left out), joined in
# the same order (the filter's two tables first, so SQLite joins the rest only for tracked prisoners), and
# the same notice columns: a request's context carries the COM it asked, which the rules compare.
NOTICES_SQL = (
    'select prison_number, step, night, key, status, "to", '
    "case when step = 'request' then context end from notices order by id"
)


def import_floor(engine: Engine, kind: str, path: Path) -> int:
    """Rows of `path` into a scratch table of text columns, in one transaction."""
    with path.open(encoding="utf-8", newline="") as stream:
        reader = csv.reader(stream)
        header = next(reader)
        table = f"floor_{kind}"
        columns = ", ".join(f'"{name}" text' for name in header)
        marks = ", ".join(["?" if engine.dialect.name == "sqlite" else "%s"] * len(header))
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute(f"drop table if exists {table}")
            cursor.execute(f"create table {table} ({columns})")
            rows = list(reader)
            cursor.executemany(f"insert into {table} values ({marks})", rows)
            cursor.execute(f"drop table {table}")
            connection.commit()
        finally:
            connection.close()
    return len(rows)


def reimport_floor(engine: Engine, kind: str, path: Path, table: str, key: str, chunk: int = 5_000) -> int:
    """The least work of a re-import: read the file and what `table` holds of its columns, compare them as
    text, and write the rows that differ with one executemany per chunk of keys (the import's own chunk,
    so that neither holds a whole national table in memory). Returns the rows written.

    Only the feed's first table is compared (the daily copy changes only that table's columns)."""
    postgres = engine.dialect.name == "postgresql"
    mark = "%s" if postgres else "?"
    connection = engine.raw_connection()
    written = 0
    try:
        cursor = connection.cursor()
        if not postgres:
            cursor.execute("begin")  # the engine runs sqlite3 without implicit transactions: open one to roll back
        cursor.execute(f"select * from {table} where 1 = 0")
        held_columns = {column[0] for column in cursor.description}
        with path.open(encoding="utf-8", newline="") as stream:
            reader = csv.reader(stream)
            header = next(reader)
            names = [name for name in header if name in held_columns]
            at = [header.index(name) for name in names]
            select = f"select {', '.join(names)} from {table} where {key} "
            update = f"update {table} set {', '.join(f'{name} = {mark}' for name in names[1:])} where {key} = {mark}"
            while rows := [tuple(row[i] for i in at) for row in islice(reader, chunk)]:
                keys = [row[0] for row in rows]
                if postgres:
                    cursor.execute(select + "= any(%s)", (keys,))
                else:
                    cursor.execute(select + f"in ({', '.join('?' * len(keys))})", keys)
                held = {row[0]: tuple("" if v is None else str(v) for v in row) for row in cursor.fetchall()}
                changed = [[v or None for v in row[1:]] + [row[0]] for row in rows if held.get(row[0]) != row]
                cursor.executemany(update, changed)
                written += len(changed)
        connection.rollback()  # the import under test writes the same rows for real
    finally:
        connection.close()
    return written


def read_cases(engine: Engine):
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(CASES_SQL)
        cases = cursor.fetchall()
        cursor.execute(NOTICES_SQL)
        notices = cursor.fetchall()
    finally:
        connection.close()
    return cases, notices


def night_floor(
    engine: Engine, night: date, book, calendar, render_mail: bool = True, mail_folder: Path | None = None
) -> tuple[int, int]:
    """(cases decided, e-mails rendered) for one night, nothing written to the database.

    With `mail_folder`, each e-mail's bytes are also written there as a plain file (what the night's
    file transport delivers, without its temporary file and rename), so that the floor of a night
    that delivers includes delivering.
    """
    cases, notices = read_cases(engine)
    handled = defaultdict(list)
    for number, step, on, key, status, to, context in notices:
        handled[number].append(
            Handled(
                step=step,
                night=_day(on),
                key=key,
                superseded=status == "superseded",
                to=tuple(_list(to)),
                com=(_dict(context) or {}).get("com"),
            )
        )
    deliveries = []
    for row in cases:
        facts, history, names = _facts(row, handled.get(row[0], []))
        decision = decide(facts, history, night, book.for_establishment(facts.establishment_code), calendar)
        if decision.notice and render_mail:
            deliveries += _deliveries(facts, decision, names, night, len(deliveries))
    rendered = 0
    for envelope in envelopes(deliveries):
        message = render(envelope, sender="mappa-tracker@justice.gov.uk")
        rendered += 1
        if mail_folder is not None:
            (mail_folder / f"{rendered}.eml").write_bytes(wire_bytes(message))
    return len(cases), rendered


def _facts(row, handled):
    (
        number,
        first,
        last,
        code,
        kind,
        crd,
        ard,
        ped,
        hdced,
        hdcad,
        prrd,
        ted,
        thd,
        released,
        com,
        spo,
        prison_name,
        omu,
        head_omu,
        mailbox,
        head_pdu,
        coordinator,
        category,
        level,
        meeting,
        not_eligible,
        since,
        closed_state,
        closed_on,
    ) = row
    dates = ReleaseDates(kind, *(_day(d) for d in (crd, ard, ped, hdced, hdcad, prrd, ted, thd)))
    facts = CaseFacts(
        number,
        code,
        dates,
        _day(released),
        Information(category, level, _day(meeting), bool(not_eligible)),
        People(com, spo, mailbox, head_pdu, coordinator, omu, head_omu),
    )
    history = (
        History(tracked_since=_day(since), handled=tuple(handled), closed_state=closed_state, closed_on=_day(closed_on))
        if since
        else History(handled=tuple(handled))
    )
    return facts, history, (first, last, prison_name)


def _deliveries(facts, decision, names, night, start):
    notice, plan = decision.notice, decision.plan
    first, last, prison_name = names
    made = []
    for role, addresses in (("to", notice.to), ("cc", notice.cc)):
        for address in addresses:
            item = CaseItem(
                notice_key=notice.key,
                step=notice.step,
                role=role,
                prison_number=facts.prison_number,
                first_name=first,
                last_name=last,
                establishment_code=facts.establishment_code,
                establishment_name=prison_name,
                key_date=plan.key.date if plan else None,
                key_date_source=plan.key.source if plan else None,
                planning_date=plan.planning_date if plan else None,
                missing=decision.missing,
                sent_before=(),
                next_step=decision.next_step,
                next_step_date=decision.next_step_date,
                substitutes=notice.substitutes,
                night=night,
            )
            made.append(Delivery(start + len(made), address, facts.people.omu_mailbox, item))
    return made


def _day(value):
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _list(value):
    if value is None:
        return []
    if isinstance(value, str):
        import json

        return json.loads(value)
    return value


def _dict(value):
    if isinstance(value, str):
        import json

        return json.loads(value)
    return value


REPORT_SQL = """
select c.prison_number, c.due_date, c.closed_state, c.closed_on, m.confirmed_on, p.released_on
from cases c
left join prisoners p on p.prison_number = c.prison_number
left join mappa_information m on m.prison_number = c.prison_number
where c.due_date between :start and :end and c.tracked_since <= :as_of
"""
STEPS_SQL = """
select prison_number, step from notices
where night <= :as_of and status not in ('superseded', 'withdrawn', 'cancelled')
  and prison_number is not null
"""


def report_floor(engine: Engine, start: date, end: date, calendar) -> int:
    """The report's totals from two plain reads (no grouping, no moves, no at-risk list): its least work."""
    from sqlalchemy import text

    from rules.compliance import CaseDates, measures
    from rules.states import State
    from rules.steps import Step

    with engine.connect() as connection:
        rows = connection.execute(text(REPORT_SQL), {"start": start, "end": end, "as_of": end}).all()
        steps = connection.execute(text(STEPS_SQL), {"as_of": end}).all()
    highest: dict[str, Step] = {}
    closing = {Step.RESOLVED, Step.RELEASED_UNCONFIRMED}
    for number, name in steps:
        step = Step(name)
        if step in closing:
            continue
        if number not in highest or step.seniority > highest[number].seniority:
            highest[number] = step
    cases = []
    for number, due, closed_state, closed_on, confirmed_on, released_on in rows:
        completed = (confirmed_on or closed_on) if closed_state in (State.COMPLETE, State.NOT_ELIGIBLE) else None
        released = _day(released_on) or (_day(closed_on) if closed_state == State.RELEASED_UNCONFIRMED else None)
        step = highest.get(number)
        cases.append(CaseDates(_day(due), _day(completed), released, str(step) if step else None))
    measures(cases, end, calendar)
    return len(cases)
