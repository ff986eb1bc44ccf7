"""`mappa deliveries refresh`: ask GOV.UK Notify now what became of the last 7 days' e-mails."""

from __future__ import annotations

import typer

from cli.common import UserError, database, settings
from notifications.failures import DeliveryError

deliveries = typer.Typer(help="E-mails sent through GOV.UK Notify: what became of them.", no_args_is_help=True)


@deliveries.command("refresh")
def refresh_command() -> None:
    """Record Notify's status of every e-mail not final yet; re-address bounces, send temporary failures again."""
    from tasks.deliver import refresh_statuses

    if settings().mail_transport != "notify":
        raise UserError(
            f"MAPPA_MAIL_TRANSPORT is {settings().mail_transport}: only GOV.UK Notify says whether e-mails arrived"
        )
    database()  # reachable and migrated, or a clear error
    try:
        found = refresh_statuses("mappa deliveries refresh")
    except DeliveryError as error:
        raise UserError(f"GOV.UK Notify: {error.summary}") from None
    assert found is not None
    typer.echo(found["summary"])
    if found["rerouted"] or found["resent"]:
        typer.echo("the next nightly check sends them", err=True)


def register(app: typer.Typer) -> None:
    app.add_typer(deliveries, name="deliveries")
