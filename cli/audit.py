"""`mappa audit verify` and `mappa audit show`: the trail of every decision."""

from __future__ import annotations

import typer

from cli.common import database, exit_with
from cli.output import to_json
from db.audit import trail, verify
from db.session import session_factory

audit_app = typer.Typer(help="Check and read the append-only audit trail.", no_args_is_help=True)


@audit_app.command("verify")
def verify_command() -> None:
    """Check the whole hash chain; name the first broken row. Exit status 1 if it is broken."""
    with session_factory(database())() as session:
        verdict = verify(session)
    if verdict.ok:
        typer.echo(f"audit trail intact: {verdict.checked} rows verified")
        return
    typer.echo(
        f"audit trail BROKEN at row {verdict.broken_seq}: {verdict.reason} ({verdict.checked} rows before it verified)",
        err=True,
    )
    exit_with(1)


@audit_app.command("show")
def show_command(
    prison_number: str = typer.Argument(..., help="The prison number, e.g. A1234BC."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of lines."),
) -> None:
    """Print one case's audit trail, oldest first."""
    with session_factory(database())() as session:
        events = trail(session, prison_number.strip().upper())
    rows = [{"seq": e.seq, "at": e.at, "actor": e.actor, "kind": e.kind, "detail": e.detail} for e in events]
    if as_json:
        print(to_json(rows))
        return
    if not rows:
        typer.echo(f"no audit events for {prison_number.upper()}")
    for row in rows:
        typer.echo(
            f"{row['seq']:>7}  {row['at']:%Y-%m-%d %H:%M:%S}  {row['kind']:<22} {row['actor']}  "
            f"{to_json(row['detail']).replace(chr(10), '')}"
        )


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
