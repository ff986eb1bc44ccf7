"""The demo, phase by phase. Each phase prints one line; the simulation one more per month."""

from __future__ import annotations

import logging
import os
import shutil
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from db.migrate import upgrade
from db.session import engine_for
from demo import story
from demo.progress import ORDER, Monthly
from demo.summary import Summary, summarise
from demo.workspace import Workspace, prepare
from feeds.importer import import_feed
from rules.states import State
from synth.write import GENERATED

KINDS = GENERATED
Echo = Callable[[str], None]


def run_demo(
    space: Workspace,
    *,
    seed: int,
    start: date,
    reset: bool,
    echo: Echo,
    prisoners: int = story.PRISONERS,
    nights: int = story.NIGHTS,
) -> Summary:
    began = time.monotonic()
    echo(f"[1/5] preparing {space.data_dir}")
    prepare(space, reset)
    for note in space.notes:
        echo(f"      {note}")
    paths = story.write_feeds(space.feeds, seed, start, prisoners)
    echo(
        f"[2/5] wrote synthetic feeds (seed {seed}, fictional people): {story.PRISONS} prisons, "
        f"{prisoners} prisoners, in {_shown(space.feeds)}"
    )
    engine = engine_for(space.url)
    revision = upgrade(engine)
    echo(f"[3/5] created the database {_shown(space.database)} (schema {revision})")
    reports = [import_feed(engine, kind, paths[kind], actor=f"demo import {kind}") for kind in KINDS]
    rejected = sum(len(r.rejected) + (r.refused is not None) for r in reports)
    echo("[4/5] imported " + ", ".join(f"{r.kind} {r.accepted}" for r in reports) + f" rows; {rejected} rejected")
    last = story.last_night(start, nights)
    echo(
        f"[5/5] simulating {(last - start).days + 1} nights, {start} to {last}, in one Prefect flow run "
        "(the first flow run starts a local Prefect server: ~10-20 s)"
    )
    monthly = Monthly(engine, story.Arrivals(space.feeds, start), last, echo)
    with _quiet_prefect_console():
        from flows.simulate import simulate_nights

        simulate_nights(start, last, send=True, progress=monthly)
    summary = summarise(engine, space.mail)
    _print_summary(summary, monthly, space, echo, time.monotonic() - began)
    _print_report(engine, space, start, last, echo)
    return summary


def _print_report(engine, space: Workspace, start: date, last: date, echo: Echo) -> None:
    from demo.report import write_report

    html, pdf, totals = write_report(engine, space.data_dir / "report", start, last)
    rate = "none due" if totals["on_time_rate"] is None else f"{100 * totals['on_time_rate']:.1f}% on time"
    echo("")
    echo(f"Compliance report for cases due {start} to {last}: {totals['due']} due, {rate} (docs/report.md).")
    echo(f"  HTML: {_shown(html)}     # open in a browser")
    echo(f"  PDF:  {_shown(pdf)}")


def _print_summary(summary: Summary, monthly: Monthly, space: Workspace, echo: Echo, seconds: float) -> None:
    echo("")
    echo(
        f"Done in {seconds:.0f} s. {monthly.nights} nights checked; COMs confirmed information "
        f"{monthly.informed} times along the way."
    )
    echo("Notices sent, by step:")
    for step in [*ORDER, *sorted(set(summary.sent) - set(ORDER))]:
        if summary.sent[step]:
            echo(f"  {step:<22} {summary.sent[step]}")
    closed = ", ".join(f"{state} {n}" for state, n in sorted(summary.closed.items()))
    echo(f"Cases: {closed or 'none closed'}; still open {summary.open_cases}.")
    echo(
        f"  resolved (information complete):            {summary.closed[State.COMPLETE] + summary.closed[State.NOT_ELIGIBLE]}"
    )
    echo(f"  released without MAPPA confirmation:        {summary.closed[State.RELEASED_UNCONFIRMED]}")
    echo(f"E-mails: {len(summary.emails)} .eml files in {_shown(space.mail)}")
    echo(f"Database: {_shown(space.database)}")
    echo("")
    echo("Try next:")
    prefix = _env_prefix(space) + _command("mappa")
    echo(f"  {prefix} status")
    if summary.resolved_example:
        echo(f"  {prefix} case {summary.resolved_example}     # chased up the ladder, then resolved")
    if summary.unconfirmed_example:
        echo(f"  {prefix} case {summary.unconfirmed_example}     # released without MAPPA confirmation")
    if summary.emails:
        echo(f"  open {_shown(_example_email(summary))}     # any mail client or text editor")
    if space.prefect_home:
        echo(
            f"  PREFECT_HOME={_shown(space.prefect_home)} {_command('prefect')} server start"
            "     # then browse http://127.0.0.1:4200"
        )


def _example_email(summary: Summary) -> Path:
    """The last e-mail about the resolved example (its closing notice), else the last one written."""
    wanted = (summary.resolved_example or "").encode()
    about = [path for path in summary.emails if wanted and wanted in path.read_bytes()]
    return (about or summary.emails)[-1]


def _env_prefix(space: Workspace) -> str:
    return "" if space.data_dir == (Path.cwd() / "var").resolve() else f"MAPPA_DATA_DIR={space.data_dir} "


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class _quiet_prefect_console:
    """Hundreds of task runs would flood the terminal: Prefect's console shows warnings only
    (its API handler still records the runs' logs)."""

    def __enter__(self):
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")  # before Prefect sets up logging
        # (the temporary server's shutdown noise is quietened for every command: cli/main.py)
        self.handlers = [
            (h, h.level) for h in logging.getLogger().handlers if type(h).__name__ == "PrefectConsoleHandler"
        ]
        for handler, _ in self.handlers:  # logging already set up (an earlier flow run in this process)
            handler.setLevel(max(handler.level, logging.WARNING))
        return self

    def __exit__(self, *exc_info) -> None:
        for handler, level in self.handlers:
            handler.setLevel(level)


def _command(name: str) -> str:
    """How to type a console script here: bare if it is on PATH, else from the environment's bin folder."""
    if shutil.which(name):
        return name
    beside = Path(sys.executable).parent / name
    try:
        return str(beside.relative_to(Path.cwd()))
    except ValueError:
        return str(beside)
