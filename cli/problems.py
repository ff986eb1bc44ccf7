"""`mappa problems`: the open data problems, oldest first (docs/problems.md explains each code)."""

from __future__ import annotations

import typer

from chase.problem_list import COLUMNS, blocking_count, open_problems
from cli.common import database
from cli.output import Format, print_rows

TABLE = ["since", "establishment_code", "prison_number", "code", "blocking", "detail"]


def problems(
    establishment: str | None = typer.Option(
        None, "--establishment", "-e", help="Only this prison (3-letter code, e.g. DMI)."
    ),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table for reading, json or csv for other tools."),
) -> None:
    """List open data problems as the last nightly check and the imports left them, oldest first."""
    code = establishment.strip().upper() if establishment else None
    rows = open_problems(database(), frozenset({code}) if code else None)
    if fmt is Format.table:
        print_rows(rows, TABLE, fmt)
        typer.echo(f"{len(rows)} open data problems, {blocking_count(rows)} blocking", err=True)
    else:
        print_rows([{k: row[k] for k in COLUMNS} for row in rows], list(COLUMNS), fmt)


def register(app: typer.Typer) -> None:
    app.command("problems")(problems)
