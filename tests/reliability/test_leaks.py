"""No names, dates of birth or SMTP password in logs, Prefect artifacts, run messages, subjects or errors.

The same scan over a whole `mappa demo` run is in `python scripts/reliability.py --only leaks`.
"""

from __future__ import annotations

from datetime import date

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
from sqlalchemy import select

from config.settings import get_settings
from db.models import AuditEvent, Delivery, Notice
from db.session import make_engine, session_factory
from scripts.harness import trials as h
from scripts.harness.leaks import leaks, needles
from tests.support.smtp import SmtpSink

SECRET = "Pa55-Leak-Probe-7Q"


@pytest.fixture
def secret_sink():
    with SmtpSink(auth=("mappa", SECRET)) as sink:
        yield sink


@pytest.fixture
def leak_env(sqlite_url, tmp_path, monkeypatch, secret_sink, prefect_api):
    for name, value in {
        "DATABASE_URL": sqlite_url,
        "DATA_DIR": str(tmp_path / "var"),
        "MAIL_TRANSPORT": "smtp",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(secret_sink.port),
        "SMTP_SECURITY": "none",
        "SMTP_USERNAME": "mappa",
        "SMTP_PASSWORD": SECRET,
        "SMTP_TIMEOUT": "3",
    }.items():
        monkeypatch.setenv(f"MAPPA_{name}", value)
    get_settings.cache_clear()
    engine = make_engine(sqlite_url)
    h.build_cases(engine)
    yield engine
    engine.dispose()
    get_settings.cache_clear()


def everything_shown(flow_run_ids, engine, sink, states, captured) -> dict[str, str]:
    shown = {
        "stdout": captured.out,
        "stderr": captured.err,
        "subjects": "\n".join(str(m["Subject"]) for m in sink.messages),
        "run messages": "\n".join(str(s.message) for s in states),
    }
    with get_client(sync_client=True) as client:
        for run_id in flow_run_ids:
            logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run_id])))
            shown[f"logs {run_id}"] = "\n".join(log.message for log in logs)
            from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

            artifacts = client.read_artifacts(
                artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run_id]))
            )
            shown[f"artifacts {run_id}"] = "\n".join(str(a.data) + str(a.description) for a in artifacts)
    with session_factory(engine)() as session:
        shown["errors recorded"] = "\n".join(str(e) for e in session.scalars(select(Delivery.last_error)))
        shown["notice errors"] = "\n".join(str(e) for e in session.scalars(select(Notice.last_error)))
        shown["audit trail"] = "\n".join(f"{e.actor} {e.detail}" for e in session.scalars(select(AuditEvent)))
    return shown


def test_nothing_a_run_shows_carries_a_name_a_birth_date_or_the_smtp_password(leak_env, secret_sink, capfd):
    from flows.nightly import nightly_check

    secret_sink.fail_with(550, "5.7.1 relaying denied", times=1)  # an error message, too
    states = [nightly_check(as_of=date(2027, 3, 15), return_state=True)]
    states.append(nightly_check(as_of=h.NIGHT, return_state=True))
    assert states[0].is_failed() and states[1].is_completed() and secret_sink.messages
    shown = everything_shown(
        [s.state_details.flow_run_id for s in states], leak_env, secret_sink, states, capfd.readouterr()
    )
    wanted = needles(list(h.NAMES.values()), [h.BIRTH], SECRET)
    assert leaks(shown, wanted) == []
    assert any(
        "Threepwood".upper() in m.get_body(("plain",)).get_content() for m in secret_sink.messages
    )  # scan sees names
