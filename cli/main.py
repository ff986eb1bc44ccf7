"""`mappa`: the command OMU staff and operators use.

Each command group lives in its own module and registers itself here. Errors a
user can fix (bad settings, an unreachable database) end with one clear line and
exit status 2, never a traceback.
"""

from __future__ import annotations

import importlib
import os
import sys

import typer

from cli.common import UserError, console_error

app = typer.Typer(
    name="mappa",
    help="Track MAPPA information before release and chase it up the escalation ladder.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _group() -> None:
    """Track MAPPA information before release and chase it up the escalation ladder.

    Settings come from MAPPA_* environment variables (see docs/operations.md).
    """


COMMAND_MODULES = ["cli.setup", "cli.feeds", "cli.views", "cli.chase", "cli.audit", "cli.mail", "cli.demo", "cli.sync"]


def _register_commands() -> None:
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name == name:  # a group not built yet; its siblings still work
                continue
            raise
        module.register(app)


def _quiet_prefect_defaults() -> None:
    """Local, offline-friendly Prefect defaults, set before Prefect is imported."""
    from config.settings import get_settings

    home = get_settings().data_dir / "prefect"
    os.environ.setdefault("PREFECT_HOME", str(home))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")


def main() -> None:
    try:
        _quiet_prefect_defaults()
        _register_commands()
        app()
    except UserError as error:
        console_error(str(error))
        sys.exit(2)


if __name__ == "__main__":
    main()
