"""What the reliability trials share: the scenario, the nightly process, and counting what arrived.

Used by the reduced tests (tests/reliability/test_*.py) and by the full run
(scripts/reliability.py), so both measure the same thing.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select

from db.audit import verify
from db.models import Notice
from db.session import make_engine, session_factory
from outbox.send import deliver
from scripts.harness import builders as b
from scripts.harness.night_entry import mailer
from scripts.harness.nights import BOOK, run_night

ROOT = Path(__file__).resolve().parents[2]
SETUP_NIGHT = date(2027, 3, 15)  # requests go out for the October releases
NIGHT = date(2027, 4, 20)  # escalations, a superseded reminder, final warnings, a resolution, new requests
KILLED = -signal.SIGKILL

# (prison number, CRD, COM, SPO, prison, pdu); names are invented and distinctive, for the leak scan.
CASES = [
    ("A1234BC", date(2027, 10, 13), "com.one", "spo.one", "DMI", "N07DUR"),
    ("B2345CD", date(2027, 10, 1), "com.two", "spo.one", "DMI", "N07DUR"),
    ("C3456DE", date(2027, 4, 30), "com.three", "spo.two", "DMI", "N07DUR"),
    ("D4567EF", date(2027, 11, 19), "com.four", "spo.two", "LEI", "N03LDS"),
    ("E5678FG", date(2027, 10, 13), "com.five", "spo.one", "LEI", "N03LDS"),
    ("F6789GH", date(2027, 10, 20), None, None, "LEI", "N03LDS"),
    ("G7890HJ", date(2027, 5, 7), "com.six", "spo.three", "LEI", "N03LDS"),
]
NAMES = {
    "A1234BC": ("Oswaldine", "Threepwood"),
    "B2345CD": ("Marisol", "Vantablack"),
    "C3456DE": ("Evander", "Quillfeather"),
    "D4567EF": ("Perpetua", "Gravesend"),
    "E5678FG": ("Lysander", "Mockingbird"),
    "F6789GH": ("Ottoline", "Fairweather"),
    "G7890HJ": ("Barnabus", "Kettleworth"),
}
BIRTH = date(1979, 2, 28)


def build_cases(engine) -> None:
    b.durham(engine)
    b.prison(engine, "LEI", "HMP Leeds")
    b.pdu(engine, "N03LDS")
    for number, crd, com, spo, prison, pdu in CASES:
        first, last = NAMES[number]
        b.prisoner(
            engine,
            number,
            crd=crd,
            com=com,
            spo=spo,
            establishment=prison,
            pdu_code=pdu,
            first_name=first,
            last_name=last,
            date_of_birth=BIRTH,
        )


def prepare(engine, sink) -> None:
    """The cases, and a first night already checked and delivered (so tonight has a history)."""
    build_cases(engine)
    run_night(engine, SETUP_NIGHT)
    deliver(mailer(engine, sink.port, BOOK), "setup")
    b.information(engine, "E5678FG", category=2, level=1, on=date(2027, 4, 16))
    sink.clear()


# -- what arrived ---------------------------------------------------------------------------------


def pairs_of(message, envelope) -> set[tuple[str, str]]:
    """(recipient, "A1234BC/step") for every notice an e-mail carried to its one recipient."""
    items = [item.strip() for item in str(message["X-MAPPA-Notices"] or "").split(",") if item.strip()]
    return {(rcpt.lower(), item) for rcpt in envelope.rcpt_tos for item in items}


def received(sink) -> list[set[tuple[str, str]]]:
    return [pairs_of(m, e) for m, e in zip(list(sink.messages), list(sink.envelopes))]


@dataclass
class Tally:
    expected: int
    lost: int = 0
    duplicate_emails: int = 0  # e-mails that repeated a (notice, recipient) already received
    duplicate_pairs: int = 0
    unexpected: int = 0  # (notice, recipient) the clean run never sent
    lost_pairs: list = field(default_factory=list)


def tally(expected: set[tuple[str, str]], messages: list[set[tuple[str, str]]]) -> Tally:
    seen: Counter = Counter()
    result = Tally(expected=len(expected))
    for pairs in messages:
        if any(seen[p] for p in pairs):
            result.duplicate_emails += 1
        seen.update(pairs)
    result.duplicate_pairs = sum(n - 1 for n in seen.values() if n > 1)
    result.lost_pairs = sorted(expected - set(seen))
    result.lost = len(result.lost_pairs)
    result.unexpected = len(set(seen) - expected)
    return result


def notice_states(engine) -> list[tuple[str, str]]:
    with session_factory(engine)() as session:
        return sorted(session.execute(select(Notice.key, Notice.status)).tuples())


def audit_ok(engine) -> bool:
    with session_factory(engine)() as session:
        return verify(session).ok


# -- the nightly process ------------------------------------------------------------------------


def night_env(
    url: str,
    port: int,
    *,
    failpoint: str | None = None,
    start_at: float | None = None,
    batch: int = 2,
    night: date = NIGHT,
) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAPPA_", "RELIABILITY_"))}
    env.update(
        MAPPA_DATABASE_URL=url,
        RELIABILITY_NIGHT=night.isoformat(),
        RELIABILITY_SMTP_PORT=str(port),
        RELIABILITY_BATCH=str(batch),
        PYTHONPATH=str(ROOT),
    )
    if failpoint:
        env["MAPPA_FAILPOINT"] = failpoint
    if start_at:
        env["RELIABILITY_START_AT"] = repr(start_at)
    return env


def start_night(url: str, port: int, **options) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "scripts.harness.night_entry"],
        cwd=ROOT,
        env=night_env(url, port, **options),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_night_process(url: str, port: int, timeout: float = 120, **options) -> tuple[int, str]:
    process = start_night(url, port, **options)
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out + err


# -- trials ----------------------------------------------------------------------------------------


@dataclass
class CrashTrial:
    database: str
    how: str  # "MAPPA_FAILPOINT=...", or "random kill after N ms"
    died: bool
    tally: Tally
    states_match: bool
    audit_ok: bool
    rerun_output: str = ""


class Databases:
    """Fresh migrated databases of one kind, and copies of a prepared one (the scenario before tonight)."""

    def __init__(self, kind: str, folder: Path):
        from scripts.harness.databases import PostgresFactory, SqliteFactory

        self.kind, self.folder = kind, folder
        self.factory = SqliteFactory(folder) if kind == "sqlite" else PostgresFactory()
        self.made: list[str] = []
        self.template: str | None = None
        self.expected: set = set()
        self.expected_states: list = []

    def create(self) -> str:
        url = self.factory.create(self.folder)
        self.made.append(url)
        return url

    def prepared(self) -> str:
        """A copy of the scenario with its setup night done; the first call also runs the clean reference."""
        if self.template is None:
            self._prepare()
        return self._clone(self.template)

    def _prepare(self) -> None:
        from scripts.harness.smtp import SmtpSink

        self.template = self.create()
        with SmtpSink() as sink:
            engine = make_engine(self.template)
            prepare(engine, sink)
            engine.dispose()
            url = self._clone(self.template)
            code, output = run_night_process(url, sink.port)
            assert code == 0, output
            self.expected = set().union(*received(sink))
            engine = make_engine(url)
            self.expected_states = notice_states(engine)
            engine.dispose()

    def _clone(self, source: str) -> str:
        from sqlalchemy.engine import make_url

        if self.kind == "sqlite":
            import shutil
            import uuid

            target = self.folder / f"clone-{uuid.uuid4().hex[:8]}.db"
            shutil.copyfile(make_url(source).database, target)
            url = f"sqlite:///{target}"
        else:
            import uuid

            name = f"mappa_r_{uuid.uuid4().hex[:12]}"
            self.factory._execute(f'CREATE DATABASE "{name}" TEMPLATE "{make_url(source).database}" STRATEGY FILE_COPY')
            url = self.factory._url(name)
        self.made.append(url)
        return url

    def close(self) -> None:
        for url in self.made:
            self.factory.drop(url)
        self.factory.close()


def crash_trial(
    databases: Databases, sink, *, failpoint: str | None = None, kill_after: float | None = None
) -> CrashTrial:
    """Tonight dies (a fail point, or SIGKILL after `kill_after` seconds), then runs again cleanly."""
    url = databases.prepared()
    expected, expected_states, database = databases.expected, databases.expected_states, databases.kind
    engine = make_engine(url)
    sink.clear()
    process = start_night(url, sink.port, failpoint=failpoint)
    if kill_after is not None:
        try:
            process.wait(timeout=kill_after)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
    process.communicate(timeout=120)
    died = process.returncode == KILLED
    code, output = run_again(url, sink.port)
    how = f"MAPPA_FAILPOINT={failpoint}" if failpoint else f"SIGKILL after {kill_after * 1000:.0f} ms"
    trial = CrashTrial(
        database,
        how,
        died,
        tally(expected, received(sink)),
        notice_states(engine) == expected_states,
        audit_ok(engine),
        output if code else "",
    )
    engine.dispose()
    databases.factory.drop(url)
    sink.clear()
    return trial


def run_again(url: str, port: int) -> tuple[int, str]:
    """The next run, in this process (no fail point here): saves a process start per trial."""
    from scripts.harness.night_entry import run

    try:
        run(url, NIGHT, port, 2, "reliability re-run")
    except Exception as error:  # reported by the trial, not raised: the trial records what broke
        return 1, f"{type(error).__name__}: {error}"
    return 0, ""


# -- concurrency ----------------------------------------------------------------------------------


@dataclass
class RaceTrial:
    runs: int
    mode: str
    tally: Tally
    duplicate_notices: int  # two live notices for the same case, step and night
    duplicate_deliveries: int  # two deliveries of one notice to one address
    states_match: bool
    audit_ok: bool
    repeated_audit_events: int  # the same case event written by two runs (noise in the trail, not a duplicate e-mail)
    errors: list[str] = field(default_factory=list)


def race_trial(databases: Databases, sink, runs: int, mode: str = "threads") -> RaceTrial:
    """`runs` nightly runs of the same night, started together behind a barrier."""
    url = databases.prepared()
    sink.clear()
    errors = _race_threads(url, sink.port, runs) if mode == "threads" else _race_processes(url, sink.port, runs)
    engine = make_engine(url)
    trial = RaceTrial(
        runs,
        mode,
        tally(databases.expected, received(sink)),
        *_duplicates(engine),
        notice_states(engine) == databases.expected_states,
        audit_ok(engine),
        _repeated_events(engine),
        errors,
    )
    engine.dispose()
    databases.factory.drop(url)
    sink.clear()
    return trial


def _race_threads(url: str, port: int, runs: int) -> list[str]:
    import threading

    from scripts.harness.night_entry import run

    barrier, errors = threading.Barrier(runs), []

    def one(number: int) -> None:
        barrier.wait()
        try:
            run(url, NIGHT, port, 2, f"race run {number}")
        except Exception as error:
            errors.append(f"run {number}: {type(error).__name__}: {error}")

    threads = [threading.Thread(target=one, args=(n,)) for n in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def _race_processes(url: str, port: int, runs: int) -> list[str]:
    start_at = time.time() + 3.0  # every process imports first, then waits for the same instant
    processes = [start_night(url, port, start_at=start_at) for _ in range(runs)]
    errors = []
    for number, process in enumerate(processes):
        out, err = process.communicate(timeout=180)
        if process.returncode:
            errors.append(f"run {number}: exit {process.returncode}: {err.strip().splitlines()[-1:]}")
    return errors


def _duplicates(engine) -> tuple[int, int]:
    from sqlalchemy import func

    from db.models import Delivery

    with session_factory(engine)() as session:
        notices = session.execute(
            select(Notice.prison_number, Notice.step, Notice.night, func.count())
            .where(Notice.status != "superseded")
            .group_by(Notice.prison_number, Notice.step, Notice.night)
            .having(func.count() > 1)
        ).all()
        deliveries = session.execute(
            select(Delivery.notice_id, func.lower(Delivery.address), func.count())
            .group_by(Delivery.notice_id, func.lower(Delivery.address))
            .having(func.count() > 1)
        ).all()
    return sum(row[-1] - 1 for row in notices), sum(row[-1] - 1 for row in deliveries)


def _repeated_events(engine) -> int:
    from db.models import AuditEvent

    kinds = ("case-tracked", "state-changed", "data-problem", "re-planned", "case-closed", "case-establishment-changed")
    with session_factory(engine)() as session:
        rows = session.execute(
            select(AuditEvent.prison_number, AuditEvent.kind, AuditEvent.detail).where(AuditEvent.kind.in_(kinds))
        ).all()
    seen = Counter((pn, kind, repr(sorted(detail.items()))) for pn, kind, detail in rows)
    return sum(n - 1 for n in seen.values() if n > 1)
