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


COMMAND_MODULES = ["cli.setup", "cli.feeds", "cli.views", "cli.chase", "cli.audit", "cli.mail", "cli.demo"]
COMMAND_MODULES += ["cli.problems"]
COMMAND_MODULES += ["cli.sync"]
COMMAND_MODULES += ["cli.web_command"]
COMMAND_MODULES += ["cli.deliveries"]
COMMAND_MODULES += ["cli.report"]


def _register_commands() -> None:
    for name in COMMAND_MODULES:  # a group missing from the install is an error, never silently absent
        importlib.import_module(name).register(app)


def _quiet_prefect_defaults() -> None:
    """Local, offline-friendly Prefect defaults, set before Prefect is imported."""
    from config.settings import SettingsError, get_settings

    try:
        home = get_settings().data_dir / "prefect"
    except SettingsError as error:
        raise UserError(str(error)) from None
    os.environ.setdefault("PREFECT_HOME", str(home))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    # Without a server, the first flow run starts a temporary one and migrates its database (~20 s on
    # a fresh home); Prefect gives up after 20 s, which a busy laptop misses. Wait longer instead.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    _make_home(os.environ["PREFECT_HOME"])


def _make_home(home: str) -> None:
    """Prefect creates its home without parents and then fails in 600 lines: make it, or say what to set."""
    from pathlib import Path

    try:
        Path(home).expanduser().mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(
            f"cannot create the Prefect home {home} ({error.strerror or type(error).__name__}): "
            "set PREFECT_HOME or MAPPA_DATA_DIR to a folder you can write"
        ) from None


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
