"""What every command shares: settings, the database, clear errors."""

from __future__ import annotations

import sys
from datetime import date

import click
import typer
from sqlalchemy import Engine
from sqlalchemy.exc import DatabaseError

from config import runtime
from config.settings import Settings, SettingsError
from db.migrate import current_revision, head_revision
from db.session import engine_for, safe_url


class UserError(click.ClickException):
    """Something the user can put right; printed as one line, exit status 2."""

    exit_code = 2


def console_error(message: str) -> None:
    typer.echo(f"mappa: {message}", err=True)


def settings() -> Settings:
    try:
        return runtime.settings()
    except SettingsError as error:
        raise UserError(str(error)) from None


def database(*, migrated: bool = True) -> Engine:
    """The configured database, checked to be reachable and (by default) initialised."""
    url = settings().database
    try:
        engine = engine_for(url)
        revision = current_revision(engine)
    except (DatabaseError, OSError) as error:  # unreachable, not a database, or a folder we cannot make
        raise UserError(f"cannot reach the database {safe_url(url)}: {_first_line(error)}") from None
    if migrated and revision != head_revision():
        raise UserError(f"the database {safe_url(url)} is not initialised or is out of date: run `mappa init`")
    return engine


def _first_line(error: Exception) -> str:
    cause = getattr(error, "orig", None) or error
    text = str(cause).strip()
    return text.splitlines()[0] if text else type(cause).__name__


def parse_date_option(value: str | None, option: str) -> date | None:
    """Dates on the command line: ISO or UK order, never US."""
    if value is None:
        return None
    from feeds.values import parse_date  # one date parser for feeds and commands

    try:
        return parse_date(value)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint=option) from None


def exit_with(code: int) -> None:
    sys.stdout.flush()
    raise typer.Exit(code)
