"""The SMTP server down for three nights, then back; the database unreachable at the start."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from config.settings import get_settings
from db.session import make_engine
from scripts.harness import outages
from scripts.harness import trials as h

BACK_BY = date(2027, 5, 7)  # the full run goes on to outages.LAST


def test_three_nights_without_smtp_then_every_notice_goes_exactly_once(databases, smtp_sink):
    engine = make_engine(databases.create())
    outages.build(engine)
    run = outages.run_outage(engine, smtp_sink, last=BACK_BY)
    engine.dispose()
    assert run.failed_nights == list(outages.DOWN)
    assert all("connection refused" in why for why in run.reasons.values())
    assert run.unsent == [] and run.unrecorded == 0
    assert max(run.sent.values()) == 1  # no copy of any notice twice
    assert run.withdrawn >= 2 and run.cancelled >= 1  # the outage did overtake notices...
    assert not {key for key, _ in run.sent} & run.never_sendable  # ...and none of those ever went


@pytest.fixture
def flow_env(sqlite_url, tmp_path, monkeypatch, smtp_sink, prefect_api):
    monkeypatch.setenv("MAPPA_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("MAPPA_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("MAPPA_MAIL_TRANSPORT", "smtp")
    monkeypatch.setenv("MAPPA_SMTP_HOST", smtp_sink.host)
    monkeypatch.setenv("MAPPA_SMTP_SECURITY", "none")
    monkeypatch.setenv("MAPPA_SMTP_TIMEOUT", "3")
    get_settings.cache_clear()
    engine = make_engine(sqlite_url)
    h.build_cases(engine)
    yield engine
    engine.dispose()
    get_settings.cache_clear()


def point_at(monkeypatch, port: int) -> None:
    monkeypatch.setenv("MAPPA_SMTP_PORT", str(port))
    get_settings.cache_clear()


def test_each_night_without_smtp_ends_failed_in_prefect_and_the_fourth_sends_everything(
    flow_env, smtp_sink, monkeypatch
):
    from flows.nightly import nightly_check
    from tests.support.smtp import free_port

    for night in (date(2027, 3, 15), date(2027, 3, 16), date(2027, 3, 17)):
        point_at(monkeypatch, free_port())
        state = nightly_check(as_of=night, return_state=True)
        assert state.is_failed()
        assert "notices could not be delivered" in state.message and "connection refused" in state.message
    point_at(monkeypatch, smtp_sink.port)
    state = nightly_check(as_of=date(2027, 3, 18), return_state=True)
    assert state.is_completed(), state.message
    arrived = h.received(smtp_sink)
    assert h.tally(set().union(*arrived), arrived).duplicate_emails == 0
    states = dict(h.notice_states(flow_env))
    assert set(states.values()) <= {"sent", "superseded", "withdrawn"}
    sent = {"/".join(key.split("/")[:2]) for key, status in states.items() if status == "sent"}
    assert {item for pairs in arrived for _, item in pairs} == sent


SECRET = "Sup3rSecretPw"
UNREACHABLE = [
    pytest.param(f"postgresql://mappa:{SECRET}@127.0.0.1:1/mappa", "127.0.0.1:1/mappa", id="postgres-refused"),
    pytest.param(
        f"postgresql://postgres:{SECRET}@127.0.0.1:5432/no_such_database",
        "no_such_database",
        id="postgres-no-such-database",
    ),
    pytest.param("sqlite:////dev/null/mappa.db", "/dev/null/mappa.db", id="sqlite-folder-cannot-exist"),
    pytest.param("sqlite:///{tmp}/not-a-database.db", "not-a-database.db", id="sqlite-file-not-a-database"),
]


@pytest.mark.parametrize(("url", "named"), UNREACHABLE)
def test_an_unreachable_database_fails_in_one_clear_line_and_changes_nothing(url, named, tmp_path, smtp_sink):
    (tmp_path / "not-a-database.db").write_text("a spreadsheet saved in the wrong place\n")
    before = sorted(tmp_path.rglob("*"))
    env = h.night_env(url.format(tmp=tmp_path), smtp_sink.port)
    env.update(
        MAPPA_DATA_DIR=str(tmp_path / "var"),
        MAPPA_MAIL_TRANSPORT="smtp",
        MAPPA_SMTP_HOST="127.0.0.1",
        MAPPA_SMTP_PORT=str(smtp_sink.port),
        MAPPA_SMTP_SECURITY="none",
    )
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "check", "--as-of", "2027-03-15"],
        cwd=h.ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr[-500:]
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mappa: cannot reach the database") and named in lines[0]
    assert SECRET not in done.stdout + done.stderr and "Traceback" not in done.stderr
    assert smtp_sink.messages == [] and sorted(tmp_path.rglob("*")) == before
