"""What every command shares: settings, the database, clear errors."""

from __future__ import annotations

import sys
from datetime import date

import click
import typer
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from config.settings import SettingsError, get_settings
from db.migrate import current_revision, head_revision
from db.session import engine_for, safe_url


class UserError(click.ClickException):
    """Something the user can put right; printed as one line, exit status 2."""

    exit_code = 2


def console_error(message: str) -> None:
    typer.echo(f"mappa: {message}", err=True)


def settings():
    try:
        return get_settings()
    except SettingsError as error:
        raise UserError(str(error)) from None


def database(*, migrated: bool = True) -> Engine:
    """The configured database, checked to be reachable and (by default) initialised."""
    url = settings().database
    engine = engine_for(url)
    try:
        revision = current_revision(engine)
    except OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__
        raise UserError(f"cannot reach the database {safe_url(url)}: {reason}") from None
    if migrated and revision != head_revision():
        raise UserError(f"the database {safe_url(url)} is not initialised or is out of date: run `mappa init`")
    return engine


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
