"""The nightly import: pick the four feeds up from the drop folder, in order, each file once.

A refused or already-processed file does not stop the others; the run then ends
Failed, naming the files, so the operator sees it before the nightly check runs
on stale data.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run
from prefect.states import Completed, Failed

from config import runtime
from feeds.dropfolder import find_feeds, ignored_files, imports_summary_markdown
from tasks.dropfolder import import_file


def run_name() -> str:
    return f"import-drop-folder-{flow_run.parameters.get('night') or runtime.london_today()}"


@flow(name="import-drop-folder", flow_run_name=run_name, log_prints=False)
def import_drop_folder(drop_dir: str | None = None, night: date | None = None):
    """Import every feed file in the drop folder (default MAPPA_DROP_DIR) and archive it with its report.

    Files are `establishments*.csv`, `pdus*.csv`, `releases*.csv` and `allocations*.csv`,
    imported in that order; `night` names the archive folder (default: today in Europe/London).
    """
    logger = get_run_logger()
    folder = drop_dir or runtime.settings().drop_dir
    if not folder or not Path(folder).is_dir():
        return Failed(message=f"no drop folder: {folder or 'MAPPA_DROP_DIR is not set'} is not a directory")
    drop = Path(folder)
    tonight = night or runtime.london_today()
    found = find_feeds(drop)
    ignored = ignored_files(drop, found)
    if ignored:
        logger.warning("left in the drop folder, not a feed file name: %s", ", ".join(ignored))
    outcomes = [import_file(kind, path, tonight) for kind, path in found]
    create_markdown_artifact(
        key="feed-imports",
        markdown=imports_summary_markdown(drop, outcomes, ignored),
        description=f"Drop-folder import {tonight}",
    )
    return verdict(outcomes)


def verdict(outcomes):
    failed = [o for o in outcomes if o.failed]
    if failed:
        names = "; ".join(o.message for o in failed)
        return Failed(
            message=f"{len(failed)} of {len(outcomes)} feed files refused - {names}",
            data=[o.__dict__ for o in outcomes],
        )
    rejected = sum(o.rejected for o in outcomes)
    note = f", {rejected} rows rejected (see the reports in the archive)" if rejected else ""
    message = f"{len(outcomes)} feed files imported{note}" if outcomes else "no feed files in the drop folder"
    return Completed(message=message, data=[o.__dict__ for o in outcomes])
