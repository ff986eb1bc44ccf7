"""`mappa preview`: see an e-mail before anyone receives one."""

from __future__ import annotations

import typer

from cli.common import settings
from notifications.notify_format import body_of
from notifications.preview import STEPS_WITH_TEMPLATES, preview


def preview_command(
    step: str = typer.Argument(..., help=f"One of: {', '.join(STEPS_WITH_TEMPLATES)}."),
    part: str = typer.Option("text", "--part", help="text, html, or eml (the whole message as sent)."),
    transport: str = typer.Option("smtp", "--transport", help="smtp, or notify (the body GOV.UK Notify formats)."),
) -> None:
    """Render an example e-mail for a step, with made-up sample data."""
    if step not in STEPS_WITH_TEMPLATES:
        raise typer.BadParameter(f"choose one of: {', '.join(STEPS_WITH_TEMPLATES)}", param_hint="STEP")
    if transport not in ("smtp", "notify"):
        raise typer.BadParameter("choose smtp or notify", param_hint="--transport")
    message = preview(step, sender=settings().mail_from, notify=transport == "notify")
    if transport == "notify":
        typer.echo(f"subject: {message['Subject']}\nnotices: {message['X-MAPPA-Notices']}\nbody:\n")
        typer.echo(body_of(message))
        return
    if part == "eml":
        typer.echo(message.as_string())
    elif part in ("text", "html"):
        typer.echo(f"Subject: {message['Subject']}\nTo: {message['To']}\nReply-To: {message['Reply-To']}\n")
        typer.echo(message.get_body(("plain" if part == "text" else "html",)).get_content())
    else:
        raise typer.BadParameter("choose text, html or eml", param_hint="--part")


def register(app: typer.Typer) -> None:
    app.command("preview")(preview_command)
