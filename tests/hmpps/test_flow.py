"""`mappa sync` through the Prefect flow: a failing prison, the artifact, events, and no secret anywhere."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import MetaData, select

from db.session import session_factory
from tests.hmpps.conftest import NIGHT
from tests.hmpps.helpers import prisoner, source_sync
from tests.hmpps.world import case_record, person
from tests.support.cli import mappa

SECRET = "s3cret-never-shown"


def everything_stored(engine) -> str:
    """Every value of every table, as text."""
    metadata = MetaData()
    metadata.reflect(engine)
    with session_factory(engine)() as session:
        return "\n".join(repr(tuple(row)) for table in metadata.sorted_tables for row in session.execute(select(table)))


def flow_logs() -> str:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return "\n".join(log.message for log in client.read_logs())


def sync_events(expected: set[str], since, wait: float = 20.0) -> list:
    """The server stores events a moment after they are emitted: poll until both kinds are there."""
    import time

    from prefect.client.orchestration import get_client
    from prefect.events.filters import EventFilter, EventNameFilter, EventOccurredFilter

    deadline, events = time.monotonic() + wait, []
    while time.monotonic() < deadline:
        with get_client(sync_client=True) as client:
            page = client.read_events(
                filter=EventFilter(
                    event=EventNameFilter(prefix=["mappa.sync."]), occurred=EventOccurredFilter(since=since)
                ),
                limit=50,
            )
        events = page.events
        if {e.event for e in events} >= expected:
            break
        time.sleep(0.5)
    return events


def latest_run_artifacts(read_artifacts):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.sorting import FlowRunSort

    with get_client(sync_client=True) as client:
        run = client.read_flow_runs(sort=FlowRunSort.START_TIME_DESC, limit=1)[0]
    return run, read_artifacts(run.id)


def test_mappa_sync_fails_naming_the_prison_keeps_its_data_and_never_shows_the_secret(
    world, api, hmpps_env, engine, prefect_api, read_artifacts, monkeypatch, caplog
):
    monkeypatch.setenv("MAPPA_HMPPS_BACKOFF", "0.01")
    monkeypatch.setenv("MAPPA_HMPPS_TASK_RETRY_DELAY", "0")
    from config.settings import get_settings

    get_settings.cache_clear()
    caplog.set_level(logging.DEBUG)
    soon = NIGHT + timedelta(days=150)
    world.prisons["DMI"] = [person("A1111AA", "DMI", crd=soon, category=2)]
    world.prisons["LPI"] = [person("A2222BB", "LPI", crd=soon, category=1)]
    world.case_records["A2222BB"] = case_record("A2222BB", "X222222", com=("Jo", "Bloggs", "jo@justice.gov.uk"))
    from tests.support import builders

    for code in ("DMI", "LPI"):
        builders.prison(engine, code, f"HMP {code}")
    import pendulum

    started = pendulum.now("UTC")
    assert mappa("sync", "--as-of", NIGHT.isoformat()).exit_code == 0
    world.failing_prisons.add("DMI")
    world.move("A1111AA", None, status="INACTIVE OUT")
    outcome = mappa("sync", "--as-of", (NIGHT + timedelta(days=1)).isoformat())
    assert outcome.exit_code == 1
    assert "DMI: FAILED, data kept as it was" in outcome.output and "LPI: 1 prisoners seen" in outcome.output
    assert prisoner(engine, "A1111AA").released_on is None
    assert source_sync(engine, "DMI").last_success_night == NIGHT
    assert api.calls["prison"] == 2 + 1 + 3 * 5  # night 1: both; night 2: LPI, and DMI 3 task tries x 5 calls
    run, artifacts = latest_run_artifacts(read_artifacts)
    assert run.state.is_failed() and "DMI" in run.state.message
    table = artifacts["hmpps-sync"].data
    assert "| DMI |" in table and "1 nights old" in table and "| LPI |" in table and "tonight" in table
    events = sync_events({"mappa.sync.establishment.failed", "mappa.sync.establishment.synced"}, started)
    assert {(e.event, e.resource["prefect.resource.name"]) for e in events} >= {
        ("mappa.sync.establishment.failed", "DMI"),
        ("mappa.sync.establishment.synced", "LPI"),
    }
    shown = "\n".join(
        [outcome.output, caplog.text, table, run.state.message, flow_logs(), everything_stored(engine)]
        + [e.model_dump_json() for e in events]
    )
    assert "A2222BB" in shown  # the haystack is real
    assert SECRET not in shown and "token-1" not in shown


def test_mappa_sync_refuses_to_start_unconfigured(mappa_env):
    outcome = mappa("sync")
    assert outcome.exit_code == 2 and "MAPPA_HMPPS_AUTH_URL" in outcome.output


def test_the_nightly_summary_says_how_old_each_establishments_data_is(
    world, api, sync, engine, prefect_api, read_artifacts
):
    world.prisons["DMI"] = [person("A1111AA", "DMI", crd=NIGHT + timedelta(days=150), category=2)]
    world.prisons["LPI"] = []
    assert sync("DMI").failed is None
    world.failing_prisons.add("LPI")
    assert sync("LPI").failed
    later = NIGHT + timedelta(days=2)
    from flows.nightly import nightly_check

    state = nightly_check(as_of=later, return_state=True)
    summary = read_artifacts(state.state_details.flow_run_id)["nightly-summary"].data
    assert "## Age of the HMPPS data" in summary
    assert f"| DMI | {NIGHT} | 2 nights |" in summary and "| LPI | never | never | " in summary


def test_the_deployment_chains_the_nightly_check_to_the_sync_whatever_its_outcome():
    from pathlib import Path

    import yaml
    from prefect.events.schemas.deployment_triggers import DeploymentEventTrigger

    from flows.sync import sync_hmpps

    config = yaml.safe_load((Path(__file__).parents[2] / "prefect.yaml").read_text())
    deployments = {d["name"]: d for d in config["deployments"]}
    assert deployments["hmpps-sync"]["entrypoint"] == "flows/sync.py:sync_hmpps"
    nightly = deployments["nightly"]
    assert nightly["schedules"][0]["cron"] == "0 2 * * *"  # the fallback
    (trigger,) = nightly["triggers"]
    parsed = DeploymentEventTrigger(**{k: v for k, v in trigger.items() if k != "type"})
    assert parsed.match_related["prefect.resource.name"] in (sync_hmpps.name, [sync_hmpps.name])
    assert set(parsed.expect) == {"prefect.flow-run.Completed", "prefect.flow-run.Failed", "prefect.flow-run.Crashed"}


def test_mappa_sync_refuses_an_establishment_not_in_the_table(hmpps_env, engine):
    outcome = mappa("sync", "--establishment", "XYZ")
    assert outcome.exit_code == 2 and "not in the establishments table: XYZ" in outcome.output
