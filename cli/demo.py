"""`mappa demo`: the first five minutes. Synthetic prisons, the real import, months of nights, a summary."""

from __future__ import annotations

import os

import typer

from cli.common import UserError, parse_date_option, settings
from config import runtime


def demo(
    seed: int = typer.Option(7, "--seed", help="Seed for the synthetic data: the same seed gives the same demo."),
    start: str | None = typer.Option(None, "--start", help="First simulated night (default: today)."),
    reset: bool = typer.Option(
        False, "--reset", help="Replace a database or e-mails in the data folder that the demo did not make."
    ),
    prisoners: int = typer.Option(180, "--prisoners", hidden=True, min=1),  # smaller runs for tests
    nights: int = typer.Option(249, "--nights", hidden=True, min=1),
) -> None:
    """Create synthetic prisons and cases, import them, and simulate months of nightly checks.

    Writes a SQLite database and .eml files under the data folder (MAPPA_DATA_DIR, default ./var).
    Running it again resets what the previous demo made; it never touches a database it did not make
    unless you pass --reset.
    """
    from config.runtime import london_today
    from demo.run import run_demo
    from demo.workspace import NotOurs, workspace

    first = parse_date_option(start, "--start") or london_today()
    configured = settings().mail_transport
    if configured != "file":
        typer.echo(f"(the demo writes e-mails as files; MAPPA_MAIL_TRANSPORT={configured} is ignored)")
    with runtime.overridden(mail_transport="file") as current:  # the demo's e-mails always go to .eml files
        try:
            space = workspace(current, os.environ.get("PREFECT_HOME"))
            run_demo(space, seed=seed, start=first, reset=reset, echo=typer.echo, prisoners=prisoners, nights=nights)
        except NotOurs as refusal:
            raise UserError(str(refusal)) from None


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
