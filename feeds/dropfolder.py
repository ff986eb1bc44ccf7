"""The drop folder: find the feed files, import each once (by content hash), archive it with its report.

A file's import and its `imported_files` row commit in one transaction, so a file
is either imported and remembered, or neither. A refused file is not remembered:
put right and dropped again (or dropped unchanged after a fix to the importer) it
is tried again. The archive move happens after the commit; if it fails, the next
run finds the file already imported and archives it then.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from db.models import ImportedFile
from db.session import transaction
from feeds.importer import import_feed
from feeds.kinds import FEED_ORDER
from feeds.report import ImportReport

ORDER = FEED_ORDER
ARCHIVE = "archive"
IMPORTED, ROWS_REJECTED, REFUSED, DUPLICATE = "imported", "rows-rejected", "refused", "already-processed"
MAX_REPORTED = 5000  # rejections written to the report file; the count is always exact


@dataclass
class FileOutcome:
    kind: str
    name: str
    sha256: str
    outcome: str
    rows: int = 0
    accepted: int = 0
    rejected: int = 0
    message: str = ""
    archived_as: str = ""
    rejections: list[dict] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.outcome in (REFUSED, DUPLICATE)


def find_feeds(drop: Path) -> list[tuple[str, Path]]:
    """Feed files in import order; within a kind, by name (so dated names go oldest first)."""
    found = []
    for kind in ORDER:
        found += [(kind, path) for path in sorted(drop.glob(f"{kind}*.csv")) if path.is_file()]
    return found


def ignored_files(drop: Path, found: list[tuple[str, Path]]) -> list[str]:
    taken = {path for _, path in found}
    return sorted(p.name for p in drop.iterdir() if p.is_file() and p not in taken and not p.name.startswith("."))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def import_once(engine: Engine, kind: str, path: Path) -> FileOutcome:
    sha = sha256_of(path)
    with transaction(engine) as session:
        earlier = session.get(ImportedFile, sha)
        if earlier is not None:
            when = f"{earlier.imported_at:%Y-%m-%d %H:%M} UTC"
            return FileOutcome(
                kind,
                path.name,
                sha,
                DUPLICATE,
                message=f"{path.name}: refused: the same content was already imported as {earlier.name} "
                f"({earlier.kind}) on {when}; nothing imported",
            )
        report = import_feed(session, kind, path, actor=f"drop-folder:{kind}:{path.name}")
        outcome = outcome_of(report, sha)
        if not outcome.failed:
            session.add(
                ImportedFile(
                    sha256=sha,
                    kind=kind,
                    name=path.name[:255],
                    accepted=outcome.accepted,
                    rejected=outcome.rejected,
                    outcome=outcome.outcome,
                )
            )
    return outcome


def outcome_of(report: ImportReport, sha: str) -> FileOutcome:
    if report.exit_code == 2:
        return FileOutcome(report.kind, report.file, sha, REFUSED, rows=report.rows, message=report.summary())
    rejections = [{"line": r.line, "column": r.column, "reason": r.reason} for r in report.rejected[:MAX_REPORTED]]
    return FileOutcome(
        report.kind,
        report.file,
        sha,
        ROWS_REJECTED if report.rejected else IMPORTED,
        rows=report.rows,
        accepted=report.accepted,
        rejected=len(report.rejected),
        message=report.summary(),
        rejections=rejections,
    )


def archive(path: Path, outcome: FileOutcome, night: date) -> Path:
    """Move the file to <drop>/archive/<night>/ and write <file>.report.json beside it."""
    folder = path.parent / ARCHIVE / night.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    counter = 1
    while target.exists() or target.with_name(target.name + ".report.json").exists():
        counter += 1
        target = folder / f"{path.stem}.{counter}{path.suffix}"
    path.replace(target)
    report = asdict(outcome) | {"archived_as": str(target)}
    target.with_name(target.name + ".report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return target


def imports_summary_markdown(drop: Path, outcomes: list[FileOutcome], ignored: list[str]) -> str:
    lines = ["# Drop-folder import", "", f"Folder `{drop}`: {len(outcomes)} feed files.", ""]
    if outcomes:
        lines += ["| kind | file | outcome | rows | accepted | rejected |", "|---|---|---|---|---|---|"]
        lines += [f"| {o.kind} | {o.name} | {o.outcome} | {o.rows} | {o.accepted} | {o.rejected} |" for o in outcomes]
        lines.append("")
    failed = [o for o in outcomes if o.failed]
    if failed:
        lines += ["## Refused", ""] + [f"* {o.name}: {o.message}" for o in failed] + [""]
    if ignored:
        lines += ["## Left in the folder (not a feed name)", ""] + [f"* {name}" for name in ignored] + [""]
    return "\n".join(lines)
