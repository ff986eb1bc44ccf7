"""The nightly check as production runs it: a real Prefect server, prefect.yaml deployed, a process worker.

One server for the module (its own PREFECT_HOME). A small feed is imported with
`mappa init` and `mappa import` into a template SQLite file while the server boots;
each test gets a copy. E-mail goes over SMTP to an SmtpSink in this process. Every
process started here is stopped, also on failure. About 1m45s on a busy 2-core machine.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support.smtp import SmtpSink, free_port

pytestmark = [pytest.mark.e2e, pytest.mark.alone]

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
NIGHT, NEXT_NIGHT = "2027-01-11", "2027-01-12"  # the request step is due for both cases on the 11th
RUN_ID = re.compile(r"UUID: ([0-9a-f-]{36})")

FEEDS = {
    "establishments": """code,name,omu_mailbox,head_of_omu_email
DMI,HMP Durham,omu.dmi@justice.gov.uk,head.omu.dmi@justice.gov.uk
""",
    "pdus": """code,name,mailbox,head_email,mappa_coordinator_email
N07DUR,County Durham,pdu.n07dur@justice.gov.uk,head.pdu.n07dur@justice.gov.uk,mappa.n07dur@justice.gov.uk
""",
    "releases": """prison_number,first_name,last_name,date_of_birth,establishment_code,sentence_type,crd,ard,ped,hdced,hdcad,prrd,ted,thd,mappa_category,crn,released_on
A1234BC,Jonah,Quarrie,1980-01-01,DMI,determinate,2027-08-10,,,,,,,,2,X123456,
A1235BC,Ann,Oldfield,1981-02-02,DMI,determinate,2027-08-11,,,,,,,,1,X123457,
""",
    "allocations": """prison_number,crn,com_name,com_email,spo_name,spo_email,pdu_code,mappa_category,mappa_level,mapp_meeting_date,confirmed_on
A1234BC,X123456,Casey Officer,com.one@justice.gov.uk,Sam Senior,spo.one@justice.gov.uk,N07DUR,,,,
A1235BC,X123457,Casey Officer,com.one@justice.gov.uk,Sam Senior,spo.one@justice.gov.uk,N07DUR,,,,
""",
}


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without any Prefect or MAPPA setting, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "MAPPA_"))}
    return env | {"DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"} | extra


def run(
    command: list[str], env: dict[str, str], timeout: float = 120, check: bool = True
) -> subprocess.CompletedProcess:
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    if check and done.returncode != 0:
        raise AssertionError(f"{' '.join(command)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done


def stop(process: subprocess.Popen) -> None:
    """Stop a process we started and everything it started (it leads its own session)."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory):
    """A real Prefect server on a free port, the work pool, prefect.yaml deployed to it, and a template
    database with the small feed imported (built while the server boots)."""
    home = tmp_path_factory.mktemp("prefect-home")
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    log = (home / "server.log").open("w")
    server = subprocess.Popen(
        [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port), "--analytics-off"],
        cwd=home,
        env=clean_env(PREFECT_HOME=str(home)),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        template = build_template(tmp_path_factory.mktemp("template"))
        wait_healthy(api, server, home / "server.log")
        env = clean_env(PREFECT_HOME=str(home), PREFECT_API_URL=api)
        run([str(BIN / "prefect"), "work-pool", "create", "mappa-pool", "--type", "process"], env)
        run([str(BIN / "prefect"), "--no-prompt", "deploy", "--name", "nightly", "--name", "drop-folder"], env)
        yield {"api": api, "env": env, "template": template}
    finally:
        stop(server)
        log.close()


def wait_healthy(api: str, server: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"prefect server exited {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"prefect server not healthy after {timeout}s:\n{log.read_text()[-3000:]}")


def build_template(folder: Path) -> Path:
    """`mappa init` and `mappa import` of the four feeds into a SQLite file each test copies."""
    database = folder / "mappa.db"
    env = clean_env(
        MAPPA_DATABASE_URL=f"sqlite:///{database}",
        MAPPA_DATA_DIR=str(folder / "var"),
        PREFECT_HOME=str(folder / "prefect"),
    )
    run([str(BIN / "mappa"), "init"], env)
    for kind, text in FEEDS.items():
        path = folder / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        run([str(BIN / "mappa"), "import", kind, str(path)], env)
    assert not database.with_name("mappa.db-wal").exists() or not database.with_name("mappa.db-wal").stat().st_size
    return database


@pytest.fixture
def tracker(prefect_server, tmp_path):
    """A fresh copy of the template database; returns a function giving the worker's environment."""
    database = tmp_path / "mappa.db"
    shutil.copyfile(prefect_server["template"], database)

    def env(smtp_port: int) -> dict[str, str]:
        return prefect_server["env"] | {
            "MAPPA_DATABASE_URL": f"sqlite:///{database}",
            "MAPPA_DATA_DIR": str(tmp_path / "var"),
            "MAPPA_MAIL_TRANSPORT": "smtp",
            "MAPPA_SMTP_HOST": "127.0.0.1",
            "MAPPA_SMTP_PORT": str(smtp_port),
            "MAPPA_SMTP_SECURITY": "none",
            "MAPPA_SMTP_TIMEOUT": "5",
            "MAPPA_ALLOWED_RECIPIENT_DOMAINS": "justice.gov.uk",
        }

    return env


def run_night(
    night: str,
    env: dict[str, str],
    deployment: str = "nightly-check/nightly",
    param: str = "as_of",
    extra: tuple[str, ...] = (),
) -> dict:
    """Queue a run of the deployment for `night` (and `extra` NAME=VALUE parameters), let one worker pass
    execute it, return the run."""
    params = [arg for value in (f"{param}={night}", *extra) for arg in ("--param", value)]
    created = run([str(BIN / "prefect"), "deployment", "run", deployment, *params], env)
    flow_run_id = RUN_ID.search(created.stdout).group(1)
    worker = subprocess.Popen(
        [str(BIN / "prefect"), "worker", "start", "--pool", "mappa-pool", "--run-once"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = worker.communicate(timeout=120)
    finally:
        stop(worker)
    flow_run = httpx.get(f"{env['PREFECT_API_URL']}/flow_runs/{flow_run_id}", timeout=10).json()
    assert flow_run["state"]["type"] in ("COMPLETED", "FAILED"), f"run ended {flow_run['state']}:\n{output}"
    return flow_run


def artifact_keys(api: str, flow_run_id: str) -> set[str]:
    body = {"artifacts": {"flow_run_id": {"any_": [flow_run_id]}}}
    return {a["key"] for a in httpx.post(f"{api}/artifacts/filter", json=body, timeout=10).json()}


def recipients(sink: SmtpSink) -> set[str]:
    return {address for envelope in sink.envelopes for address in envelope.rcpt_tos}


def test_it_runs_the_deployed_nightly_check_and_sends_the_requests(prefect_server, tracker):
    with SmtpSink() as sink:
        env = tracker(sink.port)
        flow_run = run_night(NIGHT, env)
        sink.wait_for(2, timeout=5)

    assert flow_run["state"]["type"] == "COMPLETED", flow_run["state"]["message"]
    assert flow_run["name"] == f"nightly-check-{NIGHT}"
    assert {"nightly-summary", "notices-queued"} <= artifact_keys(prefect_server["api"], flow_run["id"])
    assert {"com.one@justice.gov.uk", "omu.dmi@justice.gov.uk"} <= recipients(sink)
    assert not any("Quarrie" in str(message["Subject"]) for message in sink.messages)  # no names in subjects
    assert "audit trail intact" in run([str(BIN / "mappa"), "audit", "verify"], env).stdout


def test_it_fails_the_night_when_smtp_is_down_and_delivers_on_the_next(prefect_server, tracker):
    down = run_night(NIGHT, tracker(free_port()))  # nothing listens there: connection refused

    assert down["state"]["type"] == "FAILED"
    message = down["state"]["message"]
    assert re.search(r"\b2 notices could not be delivered\b", message), message  # how many
    assert "connection refused" in message.lower(), message  # and why

    with SmtpSink() as sink:
        env = tracker(sink.port)
        up = run_night(NEXT_NIGHT, env)
        sink.wait_for(2, timeout=5)

    assert up["state"]["type"] == "COMPLETED", up["state"]["message"]
    assert {"com.one@justice.gov.uk", "omu.dmi@justice.gov.uk"} <= recipients(sink)
    assert "audit trail intact" in run([str(BIN / "mappa"), "audit", "verify"], env).stdout


def test_it_imports_the_drop_folder_once_and_fails_on_a_refused_file(prefect_server, tracker, tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    pdus = "code,name,mailbox,head_email,mappa_coordinator_email\nN08TEE,Teesside,pdu.tees@justice.gov.uk,,\n"
    (drop / "pdus-1.csv").write_text(pdus, encoding="utf-8")
    (drop / "pdus-2.csv").write_text(pdus, encoding="utf-8")  # the same content again
    (drop / "releases.csv").write_bytes(b"prison_number,\xff\xfe\n")  # not UTF-8: refused whole
    env = tracker(free_port()) | {"MAPPA_DROP_DIR": str(drop)}

    flow_run = run_night(NIGHT, env, deployment="import-drop-folder/drop-folder", param="night")

    assert flow_run["state"]["type"] == "FAILED"
    message = flow_run["state"]["message"]
    assert "2 of 3 feed files refused" in message and "already imported as pdus-1.csv" in message, message
    archive = drop / "archive" / NIGHT
    outcomes = {p.name: json.loads(p.read_text())["outcome"] for p in archive.glob("*.report.json")}
    assert outcomes == {
        "pdus-1.csv.report.json": "imported",
        "pdus-2.csv.report.json": "already-processed",
        "releases.csv.report.json": "refused",
    }
    assert not list(drop.glob("*.csv"))
    assert refused_feed_events(prefect_server["api"], expected={"pdus-2.csv", "releases.csv"}) >= {
        "pdus-2.csv",
        "releases.csv",
    }


def refused_feed_events(api: str, expected: set[str], wait: float = 20.0) -> set[str]:
    """The server stores events a moment after the worker emits them: poll until they are there."""
    deadline, names = time.monotonic() + wait, set()
    while time.monotonic() < deadline:
        events = httpx.post(
            f"{api}/events/filter", timeout=10, json={"filter": {"event": {"name": ["mappa.feed.refused"]}}}
        ).json()["events"]
        names = {e["resource"]["prefect.resource.name"] for e in events}
        if names >= expected:
            break
        time.sleep(0.5)
    return names


SWITCH = ROOT / "automations" / "nightly-dead-mans-switch.yaml"
WINDOW = 40  # seconds; the shipped switch waits 26 hours


def test_the_dead_mans_switch_stays_quiet_after_a_scheduled_night_and_fires_without_one(
    prefect_server, tracker, tmp_path
):
    """A Completed deployed night keeps the switch quiet through its window. Applied afresh, with only
    a dry run of the deployment and an ad-hoc `mappa check` in its window, it fires at the window's end."""
    api = prefect_server["api"]
    switch = tmp_path / "switch.yaml"
    switch.write_text(SWITCH.read_text().replace("within: 93600", f"within: {WINDOW}"))

    announced = len(checked_events(api))  # the module's earlier nights announced theirs
    quiet, started = apply_switch(switch, prefect_server["env"])
    with SmtpSink() as sink:
        night = run_night(NIGHT, tracker(sink.port))
    assert night["state"]["type"] == "COMPLETED", night["state"]["message"]
    time.sleep(max(0.0, started + WINDOW + 15 - time.monotonic()))  # the window, and the server's 5 s cadence
    assert firings(api, quiet) == [], night_events(api)

    loud, started = apply_switch(switch, prefect_server["env"])  # replaces the first: a new window
    with SmtpSink() as sink:
        worker_env = tracker(sink.port)
        dry = run_night(NEXT_NIGHT, worker_env, extra=("dry_run=true",))
        assert dry["state"]["type"] == "COMPLETED", dry["state"]["message"]
        run([str(BIN / "mappa"), "check", "--as-of", NEXT_NIGHT], worker_env, timeout=180)
    # had either counted, the window would have moved on past this wait
    assert firings(api, loud, wait=started + WINDOW + 25 - time.monotonic()), night_events(api)
    # the scheduled night announced itself; neither the dry run nor the ad-hoc check did
    assert len(checked_events(api)) == announced + 1


def checked_events(api: str) -> list[tuple[str, str]]:
    return [event for event in night_events(api) if event[0] == "mappa.night.checked"]


def apply_switch(switch: Path, env: dict[str, str]) -> tuple[str, float]:
    """Apply the automation as an operator would; its id, and when its window began."""
    applied = run([str(BIN / "python"), str(ROOT / "automations" / "apply.py"), str(switch)], env)
    return applied.stdout.strip().rsplit(": ", 1)[1], time.monotonic()


def firings(api: str, automation_id: str, wait: float = 0.0) -> list[str]:
    """When the automation fired (its triggered events), polling up to `wait` seconds for one."""
    deadline = time.monotonic() + max(wait, 0.0)
    body = {"filter": {"event": {"name": ["prefect.automation.triggered"]}}}
    while True:
        events = httpx.post(f"{api}/events/filter", json=body, timeout=10).json()["events"]
        fired = [e["occurred"] for e in events if e["resource"]["prefect.resource.id"].endswith(automation_id)]
        if fired or time.monotonic() >= deadline:
            return fired
        time.sleep(1)


def night_events(api: str) -> list[tuple[str, str]]:
    body = {"filter": {"event": {"prefix": ["mappa.night", "prefect.automation"]}}}
    return [
        (e["event"], e["occurred"]) for e in httpx.post(f"{api}/events/filter", json=body, timeout=10).json()["events"]
    ]
