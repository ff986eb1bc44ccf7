"""Where the demo writes, and the marker that lets a second run reset only what a demo made."""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url

from config.settings import Settings
from db.session import engine_for

MARKER = "demo.json"


class NotOurs(Exception):
    """The folder holds a database or e-mails the demo did not make; we leave them alone."""


@dataclass
class Workspace:
    data_dir: Path
    database: Path
    mail: Path
    feeds: Path
    prefect_home: Path | None
    url: str
    notes: list[str] = field(default_factory=list)

    @property
    def marker(self) -> Path:
        return self.data_dir / MARKER

    def made_by_demo(self) -> bool:
        try:
            made = json.loads(self.marker.read_text())
        except (OSError, ValueError):
            return False
        return made.get("database") == str(self.database) and made.get("mail") == str(self.mail)

    def mark(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.marker.write_text(json.dumps({"database": str(self.database), "mail": str(self.mail)}, indent=2))


def workspace(settings: Settings, prefect_home: str | None) -> Workspace:
    url = make_url(settings.database)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise NotOurs(
            f"the demo runs on a SQLite file, but MAPPA_DATABASE_URL points at "
            f"{url.render_as_string(hide_password=True)}; unset it (or run the demo in another folder)"
        )
    data_dir = settings.data_dir.resolve()
    return Workspace(
        data_dir,
        Path(url.database).resolve(),
        settings.mail_folder.resolve(),
        data_dir / "demo" / "feeds",
        Path(prefect_home).resolve() if prefect_home else None,
        settings.database,
    )


def prepare(space: Workspace, reset: bool) -> None:
    """Reset what an earlier demo made; refuse (unless `reset`) to touch anything else."""
    ours = space.made_by_demo()
    db_in_use = _holds_data(space.database)
    mails = sorted(space.mail.glob("*.eml")) if space.mail.is_dir() else []
    if not ours and not reset and (db_in_use or mails):
        what = [
            w
            for w in (
                f"the database {space.database}" if db_in_use else "",
                f"{len(mails)} e-mails in {space.mail}" if mails else "",
            )
            if w
        ]
        raise NotOurs(
            f"{' and '.join(what)} {'were' if len(what) > 1 or mails else 'was'} not made by the demo, "
            "so it leaves them alone. "
            "Run the demo in another folder (MAPPA_DATA_DIR=/tmp/mappa-demo mappa demo) "
            "or replace them with `mappa demo --reset`"
        )
    if space.database.exists():
        engine_for(space.url).dispose()  # close pooled connections to the file we are about to remove
        for path in (space.database, *(space.database.with_name(space.database.name + s) for s in ("-wal", "-shm"))):
            path.unlink(missing_ok=True)
        space.notes.append(
            f"reset the database {space.database} ({'made by an earlier demo' if ours else 'replaced: --reset'})"
        )
    if mails:
        for path in mails:
            path.unlink()
        space.notes.append(
            f"removed {len(mails)} e-mails from {space.mail} ({'an earlier demo' if ours else '--reset'})"
        )
    if space.feeds.exists():
        shutil.rmtree(space.feeds)
    if space.prefect_home and (space.prefect_home / "prefect.db").exists():
        space.notes.append(f"reused the Prefect home {space.prefect_home} (earlier runs stay browsable)")
    space.mark()


def _holds_data(path: Path) -> bool:
    """A database file with any prisoner or case in it (an empty or schema-only file is fair game)."""
    if not path.exists():
        return False
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            tables = {row[0] for row in connection.execute("select name from sqlite_master where type='table'")}
            return any(
                connection.execute(f"select 1 from {t} limit 1").fetchone()
                for t in ("prisoners", "cases")
                if t in tables
            )
    except sqlite3.DatabaseError:
        return True  # not a database we understand: certainly not ours to remove
