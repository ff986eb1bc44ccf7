"""One night of the chase, as plain functions the Prefect tasks wrap (and tests call directly)."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Engine

from chase.apply import apply_batch
from chase.load import Snapshot, load_snapshots
from chase.outcome import Outcome
from config.collector import collector_paused
from config.failpoints import failpoint
from config.policy import PolicyBook
from db.session import session_factory, transaction
from rules.calendar import WorkingCalendar
from rules.decide import CLOSED_STATES, decide
from rules.problems import Found, Known, blocked, from_rule, merged, standing
from rules.stands import decide_again_on
from rules.steps import Step


@dataclass
class NightReport:
    """What a night did, in prison numbers and counts only (it ends up in the Prefect UI)."""

    night: date
    dry_run: bool = False
    unchanged: bool = False  # already checked, nothing changed since: skipped
    cases: int = 0
    standing: int = 0  # of `cases`: decisions that still stood, not made again (rules.stands)
    queued: list[dict] = field(default_factory=list)  # prison_number, establishment_code, step, night, key
    already_queued: int = 0
    superseded: int = 0
    retired: int = 0
    states: Counter = field(default_factory=Counter)
    closed: Counter = field(default_factory=Counter)
    problems: list[dict] = field(default_factory=list)  # prison_number, establishment_code, code, detail, blocking
    open_problems: list[dict] | None = None  # after the night: every open problem, as `mappa problems` lists them

    def add(self, other: NightReport) -> NightReport:
        self.cases += other.cases
        self.standing += other.standing
        self.queued += other.queued
        self.already_queued += other.already_queued
        self.superseded += other.superseded
        self.retired += other.retired
        self.states.update(other.states)
        self.closed.update(other.closed)
        self.problems += other.problems
        return self

    def shown_problems(self) -> list[dict]:
        """The open problems when known (the summary then counts what `mappa problems` shows), else tonight's."""
        return self.problems if self.open_problems is None else self.open_problems

    def blocking_problems(self) -> int:
        return sum(1 for p in self.shown_problems() if p["blocking"])

    def steps(self) -> Counter:
        return Counter(item["step"] for item in self.queued)

    def by_establishment(self) -> dict[str, Counter]:
        table: dict[str, Counter] = {}
        for item in self.queued:
            table.setdefault(item["establishment_code"] or "unknown", Counter())[item["step"]] += 1
        return table


def load_cases(
    engine: Engine, prison_numbers=None, include_closed: bool = False, establishment: str | None = None
) -> list[Snapshot]:
    with collector_paused(), session_factory(engine)() as session:
        snapshots = load_snapshots(session, prison_numbers, include_closed, establishment)
    failpoint("night.after-load")
    return snapshots


def decide_cases(
    snapshots: list[Snapshot],
    night: date,
    book: PolicyBook,
    calendar: WorkingCalendar,
    known: Callable[[str, str | None], Known] | None = None,
    context: str | None = None,
) -> list[Outcome]:
    """`context`: chase.fingerprint.decision_context, to keep with each decision (None: keep nothing)."""
    with collector_paused():  # decisions allocate thousands of objects and form no cycles
        roles: dict[int, tuple] = {}  # by policy: the same few policies for every case
        return [_decide_one(s, night, book, calendar, known, roles, context) for s in snapshots]


def _decide_one(
    snapshot: Snapshot, night: date, book: PolicyBook, calendar: WorkingCalendar, known, roles: dict, context
) -> Outcome:
    """The rules' decision, then the data problems: a blocking one stops the chase (rules.problems)."""
    facts = snapshot.facts
    policy = book.for_establishment(facts.establishment_code)
    decision = decide(facts, snapshot.history, night, policy, calendar)
    found = tuple(from_rule(text) for text in decision.problems)
    if known is not None and decision.state not in CLOSED_STATES:
        entry = roles.get(id(policy))
        if entry is None or entry[0] is not policy:  # kept with its policy, so an id reused is not trusted
            entry = roles[id(policy)] = (policy, policy_roles(policy))
        found = merged(standing(facts, known(facts.prison_number, facts.establishment_code), entry[1]), found)
    if context is None or snapshot.stored is None:
        # a case's first night stands one night (its history then gains the night it was first tracked),
        # so there is nothing worth keeping
        return Outcome(snapshot, blocked(decision, found), night, found)
    again = decide_again_on(decision, facts, snapshot.history, night)
    return Outcome(snapshot, blocked(decision, found), night, found, decided_inputs(snapshot, context), again)


def decided_inputs(snapshot: Snapshot, context: str) -> str:
    return hashlib.sha1((context + snapshot.inputs).encode()).hexdigest()


def still_stands(snapshot: Snapshot, night: date, context: str | None) -> bool:
    """The stored decision was made from these very inputs, and tonight lies in the nights it holds for."""
    decided_on, again = snapshot.stored_value("decided_on"), snapshot.stored_value("decide_again_on")
    if context is None or decided_on is None or again is None or not decided_on <= night < again:
        return False
    return snapshot.stored_value("decided_inputs") == decided_inputs(snapshot, context)


@collector_paused()  # as a decorator: the collector resumes after the frame, and its decisions, are gone
def check_batch(
    engine: Engine,
    snapshots: list[Snapshot],
    night: date,
    actor: str,
    book: PolicyBook,
    calendar: WorkingCalendar,
    dry_run: bool = False,
    known: Callable[[str, str | None], Known] | None = None,
    context: str | None = None,
) -> NightReport:
    """Decide a batch and write what changed. With `context`, a case whose stored decision still stands
    (the same inputs, a night before it must be decided again: rules.stands) is not decided again: its
    stored state and problems are tonight's, and there is nothing to write.

    The collector is paused for the whole batch and resumes only once the batch's decisions are gone:
    its first pass then walks what survived, where resuming between deciding and writing made it walk
    every decision of the batch (a twentieth of a national night)."""
    stands = [s for s in snapshots if still_stands(s, night, context)] if context is not None else []
    if stands:
        kept = {id(s) for s in stands}
        snapshots = [s for s in snapshots if id(s) not in kept]
    outcomes = decide_cases(snapshots, night, book, calendar, known, context)
    report = NightReport(night, dry_run, cases=len(outcomes) + len(stands), standing=len(stands))
    for snapshot in stands:
        report.states[snapshot.stored_value("state")] += 1
        report.problems += [_stored_problem(snapshot, problem) for problem in snapshot.stored_value("problems") or []]
    for outcome in outcomes:
        report.states[outcome.decision.state] += 1
        if outcome.decision.closes:
            report.closed[outcome.decision.closes] += 1
        report.problems += [_problem(outcome, problem) for problem in outcome.problems]
    if dry_run:
        fresh = [o for o in outcomes if o.decision.notice]
        report.superseded = sum(len(o.decision.superseded) for o in outcomes)
    else:
        with transaction(engine) as session:
            written = apply_batch(session, outcomes, night, actor)
        failpoint("night.after-batch")
        fresh = written.queued
        report.already_queued, report.superseded, report.retired = written.already, written.superseded, written.retired
    report.queued = [_queued(o) for o in fresh]
    return report


def _queued(outcome: Outcome) -> dict:
    notice = outcome.decision.notice
    return {
        "prison_number": outcome.prison_number,
        "establishment_code": outcome.snapshot.facts.establishment_code,
        "step": notice.step,
        "night": outcome.night.isoformat(),
        "key": notice.key,
        "recipients": len(notice.to) + len(notice.cc),
    }


def _stored_problem(snapshot: Snapshot, problem: dict) -> dict:
    found = Found(problem["code"], problem.get("detail") or "")
    return {
        "prison_number": snapshot.prison_number,
        "establishment_code": snapshot.establishment_code,
        "code": found.code,
        "detail": found.detail,
        "blocking": found.blocking,
    }


def _problem(outcome: Outcome, problem) -> dict:
    return {
        "prison_number": outcome.prison_number,
        "establishment_code": outcome.snapshot.facts.establishment_code,
        "code": problem.code,
        "detail": problem.detail,
        "blocking": problem.blocking,
    }


def policy_roles(policy) -> tuple[str, ...]:
    ladder = (Step(rung.step) for rung in policy.ladder)
    steps = (Step.REQUEST, Step.REMINDER, *ladder, Step.FINAL_WARNING, Step.RELEASED_UNCONFIRMED, Step.RESOLVED)
    return tuple(dict.fromkeys(role for step in steps for group in policy.recipients(step) for role in group))


def batches(items: list, size: int) -> list[list]:
    return [items[start : start + size] for start in range(0, len(items), size)]
