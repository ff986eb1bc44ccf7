"""Running `mappa` in-process, as a user would type it."""

from __future__ import annotations

from dataclasses import dataclass

from typer.testing import CliRunner

from cli import main as cli_main
from cli.common import UserError

_registered = False


@dataclass
class Outcome:
    exit_code: int
    output: str
    stderr: str = ""


def mappa(*args: str) -> Outcome:
    """Like the `mappa` console script: a UserError ends with its one line and exit status 2."""
    global _registered
    if not _registered:
        cli_main._register_commands()
        _registered = True
    result = CliRunner().invoke(cli_main.app, list(args), catch_exceptions=True)
    if isinstance(result.exception, UserError):
        return Outcome(2, result.output + f"mappa: {result.exception.message}\n")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Outcome(result.exit_code, result.output)
