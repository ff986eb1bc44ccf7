"""The drop folder as a Prefect task: one task run per feed file, logged and announced.

What a drop-folder import means (import once by content hash, archive with its report) is
feeds/dropfolder.py; this module only runs it inside Prefect.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.events import emit_event

from config import runtime
from feeds.dropfolder import FileOutcome, archive, import_once


@task(name="import-feed-file", cache_policy=NO_CACHE, task_run_name="import-{kind}-{path.name}")
def import_file(kind: str, path: Path, night: date) -> FileOutcome:
    """Import one file unless its content was imported before; archive it either way."""
    logger = get_run_logger()
    outcome = import_once(runtime.database(), kind, path)
    outcome.archived_as = str(archive(path, outcome, night))
    log = logger.error if outcome.failed else logger.warning if outcome.rejected else logger.info
    log("%s feed %s", kind, outcome.message)
    if outcome.failed:
        announce_refusal(outcome)
    return outcome


def announce_refusal(outcome: FileOutcome) -> None:
    """An event operators can hang an automation on (file names and counts only)."""
    emit_event(
        event="mappa.feed.refused",
        resource={"prefect.resource.id": f"mappa.feed.{outcome.kind}", "prefect.resource.name": outcome.name},
        payload={
            "kind": outcome.kind,
            "file": outcome.name,
            "outcome": outcome.outcome,
            "reason": outcome.message,
            "sha256": outcome.sha256,
            "archived_as": outcome.archived_as,
        },
    )
