"""`mappa`: the command OMU staff and operators use.

Each command group lives in its own module and registers itself here. Errors a
user can fix (bad settings, an unreachable database) end with one clear line and
exit status 2, never a traceback.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

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
    if not os.environ.get("PREFECT_API_URL"):
        _quiet_temporary_server(Path(os.environ["PREFECT_HOME"]))


def _quiet_temporary_server(home: Path) -> None:
    """With no Prefect server configured, a flow run starts a temporary one and stops it at the end.
    As it stops it logs tracebacks for the task-run records it drops (a known cost of that mode) and
    SQLAlchemy's pool logs "Exception during reset" for the connections its cancelled tasks held:
    nothing of the tracker's is lost, but a user reads them as a failure. The temporary server
    inherits this environment, so it alone is quietened; a real server is not touched."""
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")
    if "PREFECT_LOGGING_SETTINGS_PATH" not in os.environ:
        os.environ["PREFECT_LOGGING_SETTINGS_PATH"] = str(_logging_settings(home))


def _logging_settings(home: Path) -> Path:
    """Prefect's own logging settings, plus SQLAlchemy's pool at CRITICAL."""
    from importlib.util import find_spec

    import yaml

    spec = find_spec("prefect")  # found, not imported: Prefect reads its settings when imported
    assert spec is not None and spec.submodule_search_locations
    shipped = Path(next(iter(spec.submodule_search_locations))) / "logging" / "logging.yml"
    config = yaml.safe_load(shipped.read_text())
    config["loggers"]["sqlalchemy.pool"] = {"level": "CRITICAL"}
    path = home / "mappa-logging.yml"
    path.write_text(yaml.safe_dump(config))
    return path


def _make_home(home: str) -> None:
    """Prefect creates its home without parents and then fails in 600 lines: make it, or say what to set."""
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
