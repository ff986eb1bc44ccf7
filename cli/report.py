"""`mappa report`: whether each prison gets MAPPA information in place before release (docs/report.md)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path

import typer

from chase.compliance import build_report
from cli.common import UserError, database, parse_date_option
from config import runtime
from db.session import session_factory


class ReportFormat(StrEnum):
    html = "html"
    pdf = "pdf"
    csv = "csv"
    json = "json"


def report(
    period_from: str = typer.Option(..., "--from", help="First due date reported on (e.g. 2027-01-04)."),
    period_to: str = typer.Option(..., "--to", help="Last due date reported on; not after --as-of."),
    as_of: str | None = typer.Option(None, "--as-of", help="The night whose knowledge is reported (default today)."),
    establishment: list[str] = typer.Option(
        [], "--establishment", "-e", help="Only cases held by this prison on their due date (repeatable)."
    ),
    fmt: ReportFormat = typer.Option(ReportFormat.html, "--format", "-f", help="html, pdf, csv or json."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write here instead of standard output."),
) -> None:
    """The compliance report: cases due in the period confirmed on time, late, released unconfirmed or open."""
    night = parse_date_option(as_of, "--as-of") or runtime.london_today()
    start, end = parse_date_option(period_from, "--from"), parse_date_option(period_to, "--to")
    assert start is not None and end is not None
    codes = {code.strip().upper() for code in establishment} or None
    try:
        with session_factory(database())() as session:
            result = build_report(session, period_from=start, period_to=end, as_of=night, establishments=codes)
    except ValueError as error:
        raise UserError(str(error)) from None
    content = render(result, fmt)
    if output is not None:
        output.write_bytes(content)
        typer.echo(f"report written to {output}", err=True)
    elif fmt is ReportFormat.pdf:
        raise UserError("a PDF goes to a file: add --output FILE")
    else:
        sys.stdout.write(content.decode())


def render(result, fmt: ReportFormat) -> bytes:
    if fmt is ReportFormat.json:
        return (result.to_json() + "\n").encode()
    if fmt is ReportFormat.csv:
        from notifications.report.formats import render_csv

        return render_csv(result).encode()
    if fmt is ReportFormat.pdf:
        from notifications.report.pdf import render_pdf

        return render_pdf(result)
    from notifications.report.formats import render_html

    return render_html(result).encode()


def register(app: typer.Typer) -> None:
    app.command("report")(report)
