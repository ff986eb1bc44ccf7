"""`mappa check` and `mappa simulate`: run the nightly chase now, or over a range of nights."""

from __future__ import annotations

import typer

from cli.common import UserError, database, parse_date_option
from cli.output import print_table


def check(
    as_of: str | None = typer.Option(None, "--as-of", help="The night to run (default: today in Europe/London)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would be queued; change nothing, send nothing."),
) -> None:
    """Run one nightly check now: queue and send what is due tonight, and record every decision."""
    night = parse_date_option(as_of, "--as-of")
    database()
    from flows.nightly import nightly_check

    state = nightly_check(as_of=night, dry_run=dry_run, return_state=True)
    report = _report_of(state)
    _print_report(report)
    if report.dry_run and report.queued:
        print_table(report.queued, ["prison_number", "establishment_code", "step", "night"])
    if state.is_failed():
        raise UserError(state.message or "the nightly check failed")


def simulate(
    start: str = typer.Option(..., "--from", help="First night (YYYY-MM-DD or DD/MM/YYYY)."),
    end: str = typer.Option(..., "--to", help="Last night, inclusive."),
    send: bool = typer.Option(True, "--send/--no-send", help="Deliver each night's e-mails, as the real nights would."),
) -> None:
    """Run one nightly check per day from --from to --to, in one process (fast policy trials and demos)."""
    first, last = parse_date_option(start, "--from"), parse_date_option(end, "--to")
    if last < first:
        raise typer.BadParameter("--to is before --from", param_hint="--to")
    database()
    from flows.simulate import simulate_nights

    state = simulate_nights(first, last, send, progress=_progress, return_state=True)
    reports = state.result(raise_on_failure=False) if not state.is_failed() else getattr(state, "data", None)
    if isinstance(reports, list):
        typer.echo(f"simulated {len(reports)} nights: {sum(len(r.queued) for r in reports)} notices queued")
    if state.message and not state.is_failed():
        typer.echo(state.message)
    if state.is_failed():
        raise UserError(state.message or "the simulation failed")


def _progress(report) -> None:
    if report.queued or report.closed:
        steps = ", ".join(f"{step} {n}" for step, n in sorted(report.steps().items()))
        closed = ", ".join(f"{state} {n}" for state, n in sorted(report.closed.items()))
        typer.echo(f"{report.night}  {steps}{'  closed: ' + closed if closed else ''}")


def _report_of(state):
    from chase.night import NightReport

    result = state.result(raise_on_failure=False)
    if isinstance(result, NightReport):
        return result
    data = getattr(state, "data", None)
    if isinstance(data, NightReport):
        return data
    raise UserError(f"the nightly check ended {state.name}: {state.message}")


def _print_report(report) -> None:
    if report.unchanged:
        typer.echo(f"night {report.night}: already checked and nothing has changed since; nothing new to decide")
        return
    verb = "would queue" if report.dry_run else "queued"
    typer.echo(
        f"night {report.night}: {report.cases} tracked cases, {verb} {len(report.queued)} notices, "
        f"{report.superseded} superseded, {report.already_queued} already queued"
    )
    for state, count in sorted(report.states.items()):
        typer.echo(f"  {state:<22} {count}")
    shown = report.shown_problems()
    if shown:
        typer.echo(f"  data problems: {len(shown)}, {report.blocking_problems()} blocking (see `mappa problems`)")


def register(app: typer.Typer) -> None:
    app.command("check")(check)
    app.command("simulate")(simulate)
