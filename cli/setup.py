"""`mappa init`: create or upgrade the database schema."""

from __future__ import annotations

import typer

from cli.common import database, settings
from db.migrate import upgrade
from db.session import safe_url


def init() -> None:
    """Create the database schema, or upgrade it to this version. Safe to run again."""
    engine = database(migrated=False)
    revision = upgrade(engine)
    typer.echo(f"database {safe_url(settings().database)} is at schema revision {revision}")


def register(app: typer.Typer) -> None:
    app.command("init")(init)
