"""`mappa sync`: read the prisons and probation from HMPPS's APIs (Prisoner Search, nDelius)."""

from __future__ import annotations

import typer

from cli.common import UserError, database, parse_date_option, settings


def sync(
    establishment: list[str] | None = typer.Option(
        None, "--establishment", metavar="CODE", help="Sync only this establishment (repeatable; default: all)."
    ),
    as_of: str | None = typer.Option(
        None, "--as-of", help="The night the sync stands for (default: today in Europe/London)."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Fetch and compare; write nothing."),
) -> None:
    """Sync establishments from HMPPS Auth, Prisoner Search and the probation integration API.

    Every change is written and audited as a feed import would be. An establishment whose
    fetch fails keeps its last data; the command then exits 1 naming it.
    """
    from db.session import session_factory
    from feeds.hmpps.runner import SyncNotConfigured, check_configured, establishment_codes

    night = parse_date_option(as_of, "--as-of")
    try:
        check_configured(settings())
        with session_factory(database())() as session:
            establishment_codes(session, establishment or None)
    except SyncNotConfigured as error:
        raise UserError(str(error)) from None
    from flows.sync import sync_hmpps

    state = sync_hmpps(establishments=establishment or None, as_of=night, dry_run=dry_run, return_state=True)
    rows = state.data if isinstance(getattr(state, "data", None), list) else state.result(raise_on_failure=False)
    if not isinstance(rows, list):
        raise UserError(f"the sync ended {state.name}: {state.message}")
    verb = "would change" if dry_run else "changed"
    for row in rows:
        if row.get("failed"):
            typer.echo(f"{row['code']}: FAILED, data kept as it was: {row['failed']}")
            continue
        typer.echo(
            f"{row['code']}: {row['seen']} prisoners seen, {row['new']} new, {verb} {row['changed']}, "
            f"{row['transferred']} transferred, {row['released']} released, "
            f"{row['probation_asked']} asked at probation, {row['calls']} calls, {row['error_count']} errors"
        )
    if state.is_failed():
        typer.echo(f"mappa: {state.message}", err=True)
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("sync")(sync)
