"""`import_feed`: one CSV feed file into the database, in one transaction.

The file is streamed and applied in chunks of CHUNK rows. Bad rows are rejected
and reported while good rows land; a file refused whole (unreadable, not UTF-8,
empty, missing required columns) rolls back and writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from config.collector import collector_paused
from db import audit
from db.session import transaction
from feeds import single_source
from feeds.kinds import FEEDS, Feed
from feeds.problems import about_whom, mark_fixed, record_rejections
from feeds.reader import FileRefused, header_name, records
from feeds.report import ImportReport, Rejection
from feeds.rows import RowParser
from feeds.upsert import INSERTED, UPDATED, upsert

CHUNK = 5_000


def import_feed(
    engine_or_session: Engine | Session, kind: str, path: Path | str, actor: str | None = None
) -> ImportReport:
    """Import the feed file `path` of `kind`; the audit actor defaults to "import:KIND:FILE NAME"."""
    path = Path(path)
    if kind not in FEEDS:
        raise ValueError(f"unknown feed {kind!r}: expected one of {', '.join(FEEDS)}")
    feed = FEEDS[kind]
    actor = (actor or f"import:{kind}:{path.name}")[:200]
    report = ImportReport(kind, path.name)
    try:
        with collector_paused(), _unit_of_work(engine_or_session) as session, _open(path) as stream:
            _apply(session, feed, records(stream), report, actor)
    except FileRefused as refusal:
        return ImportReport(kind, path.name, refused=str(refusal))
    return report


@contextmanager
def _unit_of_work(engine_or_session: Engine | Session) -> Iterator[Session]:
    """Our own transaction, or a savepoint in the caller's so a refusal leaves theirs intact."""
    if isinstance(engine_or_session, Session):
        with engine_or_session.begin_nested():
            yield engine_or_session
    else:
        with transaction(engine_or_session) as session:
            yield session


@contextmanager
def _open(path: Path) -> Iterator[Any]:
    try:
        stream = path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise FileRefused(f"cannot read it ({error.strerror or type(error).__name__})") from None
    with stream:
        yield stream


def _apply(
    session: Session, feed: Feed, lines: Iterable[tuple[int, list[str] | str]], report: ImportReport, actor: str
) -> None:
    lines = iter(lines)
    _, header = next(lines)  # records() refuses a file without a header
    parser = RowParser(feed, header)
    positions = {name: index for index, name in enumerate(header_name(cell) for cell in header)}
    about: list[tuple[Rejection, tuple]] = []  # rejected rows naming a prisoner: maybe a data problem
    chunk: list[dict[str, Any]] = []
    for line, cells in lines:
        report.rows += 1
        row = parser.parse(line, cells)
        if isinstance(row, Rejection):
            report.rejected.append(row)
            if (who := about_whom(positions, cells)) is not None:
                about.append((row, who))
            continue
        chunk.append(row)
        if len(chunk) >= CHUNK:
            _flush(session, feed, chunk, report, actor)
            chunk = []
    _flush(session, feed, chunk, report, actor)
    record_rejections(session, feed.kind, report.file, about)


def _flush(session: Session, feed: Feed, chunk: list[dict[str, Any]], report: ImportReport, actor: str) -> None:
    if not chunk:
        return
    events: list[audit.Event] = []
    outcomes: list[str] = []
    chunk, meetings, skipped = single_source.split(session, feed.kind, chunk)
    report.skipped += skipped
    if meetings:  # sync-fed prisoners: only the MAPP meeting date, which no API gives
        events.extend(upsert(session, feed.targets[-1], meetings, actor)[1])
    for target in feed.targets if chunk else ():
        target_outcomes, target_events = upsert(session, target, chunk, actor)
        outcomes = target_outcomes if not outcomes else [_combined(a, b) for a, b in zip(outcomes, target_outcomes)]
        events.extend(target_events)
    audit.append(session, events)
    if chunk and "prison_number" in chunk[0]:
        mark_fixed(session, feed.kind, [row["prison_number"] for row in chunk])
    report.inserted += outcomes.count(INSERTED)
    report.updated += outcomes.count(UPDATED)
    report.unchanged += len(outcomes) - outcomes.count(INSERTED) - outcomes.count(UPDATED)


def _combined(first: str, second: str) -> str:
    """A row is new if its main table row is; updated if it changed any table."""
    return first if first == INSERTED or second not in (INSERTED, UPDATED) else UPDATED
