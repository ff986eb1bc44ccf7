"""Syncing one establishment from Prisoner Search and probation, written as a CSV import would be.

Failure never becomes data: if the prison's list (or the lookup of who left it) cannot be
fetched whole, nothing is written but the failed attempt, so nobody is marked released or
transferred from a partial answer. A probation call that fails leaves that prisoner's
allocation as it was and is asked again next night.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Engine

from config.policy import PolicyBook
from db.session import session_factory, transaction
from feeds.hmpps import mapping, prisoner_search, probation, store
from feeds.hmpps.calls import Caller, SourceError
from feeds.hmpps.changes import changes_tonight
from feeds.hmpps.targets import ALLOCATIONS_TARGET, MAPPA, PRISONER_ACTOR, PRISONERS, PROBATION_ACTOR
from rules.asking import AskFacts, ask_tonight
from rules.calendar import WorkingCalendar
from rules.release import ReleaseDates, key_release_date, planning_date

ERRORS_KEPT = 5


@dataclass
class Sources:
    prisoner_search: str
    probation: str


@dataclass
class EstablishmentResult:
    code: str
    seen: int = 0
    new: int = 0
    changed: int = 0
    transferred: int = 0
    released: int = 0
    probation_asked: int = 0
    calls: int = 0
    errors: list[str] = field(default_factory=list)
    error_count: int = 0
    unreadable: int = 0
    failed: str | None = None  # the whole establishment failed: its data is as it was
    data_age_nights: int | None = None

    def error(self, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < ERRORS_KEPT:
            self.errors.append(message)


@dataclass
class SyncRun:
    engine: Engine
    caller: Caller
    sources: Sources
    book: PolicyBook
    calendar: WorkingCalendar
    night: date
    dry_run: bool = False


async def sync_establishment(run: SyncRun, code: str) -> EstablishmentResult:
    result = EstablishmentResult(code)
    before = sum(run.caller.calls.values())
    try:
        seen, moved = await _fetch_prison(run, code, result)
    except SourceError as error:
        result.failed = str(error)
        result.calls = sum(run.caller.calls.values()) - before
        if not run.dry_run:
            with transaction(run.engine) as session:
                store.record_sync(session, code, None, result.failed)
        return result
    asks = _who_to_ask(run, code, seen)
    answers = await _ask_all(run, asks, result)
    _write(run, code, seen, moved, answers, result)
    result.calls = sum(run.caller.calls.values()) - before
    return result


async def _fetch_prison(run: SyncRun, code: str, result: EstablishmentResult):
    listed = await prisoner_search.prison(run.caller, run.sources.prisoner_search, code)
    policy = run.book.for_establishment(code).sync
    seen = {}
    for item in listed:
        person = mapping.prisoner(item, run.night, policy)
        if person is None:
            result.unreadable += 1
        else:
            seen[person.prison_number] = person
    result.seen = len(seen)
    with session_factory(run.engine)() as session:
        known = store.known_prisoners(session, code, list(seen))
    gone = sorted(
        n for n, k in known.items() if k.establishment_code == code and k.released_on is None and n not in seen
    )
    moved = {}
    for item in await prisoner_search.by_numbers(run.caller, run.sources.prisoner_search, gone) if gone else []:
        person = mapping.prisoner(item, run.night, policy)
        if person is not None and person.prison_number in known:
            moved[person.prison_number] = person
    return (seen, known), moved


def _who_to_ask(run: SyncRun, code: str, seen_known) -> list[str]:
    seen, known = seen_known
    policy = run.book.for_establishment(code)
    with session_factory(run.engine)() as session:
        checks = store.probation_checks(session, list(seen))
    asks = []
    for number, person in seen.items():
        held = known.get(number)
        row = person.row
        dates = ReleaseDates(
            row["sentence_type"],
            *(row[n] for n in ("crd", "ard", "ped", "hdced", "hdcad", "prrd", "ted")),
            held.thd if held else None,
        )
        key = key_release_date(dates, run.night)
        planning = planning_date(key, run.calendar, policy.dates.friday_release_days) if key else None
        tracked = person.identified or (held is not None and held.tracked)
        last = checks.get(number)
        facts = AskFacts(
            number,
            sentenced=bool(person.sentenced),
            released=person.released,
            planning_date=planning,
            tracked=tracked,
            open_case=tracked and not (held is not None and held.closed),
            last_asked=last[0] if last else None,
            asked_here=last is not None and last[1] == code,
            complete=held is not None and held.complete,
        )
        if ask_tonight(facts, run.night, policy.sync.horizon_months, policy.sync.recheck_days):
            asks.append(number)
    return asks


async def _ask_all(run: SyncRun, numbers: list[str], result: EstablishmentResult) -> dict[str, probation.Answer]:
    answers: dict[str, probation.Answer] = {}
    pending = iter(numbers)

    async def worker() -> None:
        for number in pending:  # one shared iterator: each number is taken once
            try:
                answers[number] = await probation.ask(run.caller, run.sources.probation, number)
            except SourceError as error:
                result.error(str(error))

    await asyncio.gather(*(worker() for _ in range(run.caller.concurrency)))
    result.probation_asked = len(answers)
    return answers


class _DryRun(Exception):
    """Raised to roll a dry run's writes back."""


def _write(run: SyncRun, code: str, seen_known, moved: dict, answers: dict, result: EstablishmentResult) -> None:
    try:
        _write_all(run, code, seen_known, moved, answers, result)
    except _DryRun:
        pass


def _write_all(run: SyncRun, code: str, seen_known, moved: dict, answers: dict, result: EstablishmentResult) -> None:
    seen, known = seen_known
    with transaction(run.engine) as session:
        changes = changes_tonight(code, run.night, seen, known, moved, answers, store.teams(session))
        new, changed = store.write(session, PRISONERS, changes.prisoners, PRISONER_ACTOR)
        _, allocation_changes = store.write(session, ALLOCATIONS_TARGET, changes.allocations, PROBATION_ACTOR)
        _, information_changes = store.write(session, MAPPA, changes.informations, PROBATION_ACTOR)
        store.record_asks(session, changes.asks)
        store.record_sync(session, code, run.night, None)
        result.new, result.changed = new, changed + allocation_changes + information_changes
        result.released, result.transferred, result.data_age_nights = changes.released, changes.transferred, 0
        if run.dry_run:
            raise _DryRun
