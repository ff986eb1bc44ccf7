"""`mappa demo`, run as a newcomer would: the summary, the e-mails, and a second run that resets safely."""

from __future__ import annotations

import re
import sqlite3

import pytest
from typer.testing import CliRunner

from config.settings import get_settings

pytestmark = [pytest.mark.slow, pytest.mark.alone]


@pytest.fixture
def mappa(tmp_path, monkeypatch):
    """Invoke `mappa` in this process with its data folder in tmp_path."""
    for name in ("MAPPA_DATABASE_URL", "MAPPA_MAIL_DIR", "MAPPA_MAIL_TRANSPORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MAPPA_DATA_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    from cli.main import _register_commands, app

    if not any(command.name == "demo" for command in app.registered_commands):
        _register_commands()

    def run(*args: str, catch: bool = False):
        try:
            return CliRunner().invoke(app, list(args), catch_exceptions=catch)
        finally:
            _stop_temporary_prefect_server()

    yield run
    get_settings.cache_clear()


def _stop_temporary_prefect_server() -> None:
    """A user's `mappa demo` is a process of its own, whose exit stops the Prefect server its first flow
    run started. In this process the server would outlive the command, and a second demo would find it
    still writing the first one's thousands of task runs: its API then answers 503 (SQLite busy) until
    Prefect's client gives up. Stop it here, as the command's exit would."""
    from prefect.server.api.server import SubprocessASGIServer

    SubprocessASGIServer().stop()  # the one a flow run starts with no API configured (port None)


def test_it_shows_the_whole_ladder_and_resets_on_a_second_run(mappa, tmp_path):
    first = mappa("demo", "--start", "2027-01-04")
    assert first.exit_code == 0, first.output
    out = first.output
    for step in (
        "request",
        "reminder",
        "escalation-1",
        "escalation-2",
        "escalation-3",
        "final-warning",
        "resolved",
        "released-unconfirmed",
    ):
        assert re.search(rf"^  {step} +[1-9]", out, re.M), f"no {step} sent:\n{out}"
    assert re.search(r"released without MAPPA confirmation: +[1-9]", out)
    prison_number = re.search(r"mappa case ([A-Z][0-9]{4}[A-Z]{2})", out).group(1)
    emails = list((tmp_path / "var" / "mail").glob("*.eml"))
    assert emails and f"{len(emails)} .eml files" in out
    assert "2027-04" in out  # a progress line per month
    last_lines = out.rstrip().splitlines()[-3:]  # the demo ends by saying where its report is
    assert last_lines[0].startswith("Compliance report for cases due 2027-01-04")
    html, pdf = (tmp_path / "var" / "report" / name for name in ("compliance-report.html", "compliance-report.pdf"))
    assert str(html.name) in last_lines[1] and str(pdf.name) in last_lines[2]
    assert "Headline figures" in html.read_text() and pdf.read_bytes().startswith(b"%PDF")

    # Shorter second run: what matters is that it resets what the first made.
    second = mappa("demo", "--start", "2027-01-04", "--nights", "3")
    assert second.exit_code == 0, second.output
    assert "reset the database" in second.output and "made by an earlier demo" in second.output
    assert f"removed {len(emails)} e-mails" in second.output
    assert prison_number not in second.output or "mappa case" not in second.output.split(prison_number)[0][-20:]


def test_it_refuses_a_database_it_did_not_make(mappa, tmp_path):
    var = tmp_path / "var"
    var.mkdir()
    with sqlite3.connect(var / "mappa.db") as connection:
        connection.execute("create table prisoners (prison_number text)")
        connection.execute("insert into prisoners values ('A1234BC')")
    from cli.common import UserError

    refused = mappa("demo", "--nights", "1", catch=True)
    assert isinstance(refused.exception, UserError)  # `mappa` prints it as one line, exit status 2
    assert "was not made by the demo" in str(refused.exception) and "--reset" in str(refused.exception)
    assert (var / "mappa.db").exists()
