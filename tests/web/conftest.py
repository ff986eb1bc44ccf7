"""The web pages end to end: real Chromium, the app under uvicorn and a real OpenID provider, all on loopback.

Chromium is Debian's (`chromium`), driven by Playwright; without it these tests skip with the
reason, except under CI=true where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import date

import pytest
import uvicorn

from config.settings import get_settings, load_settings
from db.session import make_engine
from tests.support import builders as b

IDLE_MINUTES = 30
USERS = {
    "recorder": ("rita.recorder@justice.gov.uk", {"groups": []}),
    "viewer": ("vic.viewer@justice.gov.uk", {"groups": []}),
    "grouped": ("gail.group@justice.gov.uk", {"groups": ["omu-durham"]}),
    "admin": ("ada.admin@justice.gov.uk", {"groups": []}),
    "stranger": ("sam.stranger@justice.gov.uk", {"groups": ["someone-else"]}),
}
ACCESS = """
[[user]]
email = "rita.recorder@justice.gov.uk"
role = "recorder"
establishments = ["DMI"]

[[user]]
email = "vic.viewer@justice.gov.uk"
role = "viewer"
establishments = ["dmi"]

[[group]]
name = "omu-durham"
role = "viewer"
establishments = ["DMI"]

[[user]]
email = "ada.admin@justice.gov.uk"
role = "admin"
establishments = ["*"]
"""


def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Debian's chromium is not installed (apt-get install chromium); CI must run the browser tests")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    return path


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module: Playwright's sync API keeps an asyncio loop running in this thread
    while it is open, and any later test that runs its own loop (asyncio.run) must not find it."""
    path = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def identity_provider():
    """oidc-provider-mock on loopback; each user is a button on its sign-in page, with the claims above."""
    from oidc_provider_mock import User, run_server_in_thread

    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # the provider speaks plain HTTP on loopback
    users = [User(sub=email, claims={"email": email, **claims}) for email, claims in USERS.values()]
    with run_server_in_thread(user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


@dataclass
class Clock:
    """The app's clock, so a test can let a session go idle without waiting half an hour."""

    offset: float = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


@dataclass
class Site:
    url: str
    issuer: str
    engine: object
    clock: Clock
    contexts: list = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed(engine) -> None:
    b.durham(engine)
    b.prison(engine, "LEI", "HMP Leeds")
    b.prisoner(engine, "A1234BC", crd=date(2027, 9, 15))
    b.prisoner(engine, "B2345CD", crd=date(2027, 8, 4), first_name="<script>alert(1)</script>", last_name="Tester")
    b.prisoner(engine, "C3456DE", crd=date(2027, 7, 7), establishment="LEI", first_name="Leo", last_name="Leeds")


def first_night(engine) -> None:
    """The caseload reads the case rows the nightly check stores: run tonight's check once, as production would.

    In a thread of its own: Playwright's sync API runs an event loop in this one, and Prefect would
    then hand back coroutines."""
    from concurrent.futures import ThreadPoolExecutor

    from flows.nightly import nightly_check

    with ThreadPoolExecutor(1) as pool:
        state = pool.submit(nightly_check, return_state=True).result()
    assert state.is_completed(), state.message


@pytest.fixture
def site(mappa_env, identity_provider, prefect_api, tmp_path, monkeypatch):
    access = tmp_path / "access.toml"
    access.write_text(ACCESS)
    secret = tmp_path / "secret"
    secret.write_text("a-test-secret-key-of-enough-length-0123456789")
    for name, value in {
        "MAPPA_OIDC_ISSUER": identity_provider,
        "MAPPA_OIDC_CLIENT_ID": "mappa-tracker",
        "MAPPA_OIDC_CLIENT_SECRET": "client-secret",
        "MAPPA_WEB_ACCESS_FILE": str(access),
        "MAPPA_WEB_SECRET_KEY_FILE": str(secret),
        "MAPPA_WEB_IDLE_MINUTES": str(IDLE_MINUTES),
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    engine = make_engine(mappa_env)
    seed(engine)
    first_night(engine)
    from cli.web.app import create_app

    clock = Clock()
    port = free_port()
    app = create_app(load_settings(), host="127.0.0.1", clock=clock)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield Site(f"http://127.0.0.1:{port}", identity_provider, engine, clock)
    server.should_exit = True
    thread.join(10)
    engine.dispose()


@pytest.fixture
def sign_in(browser, site):
    """Open a fresh browser context signed in as one of USERS (by pressing its button at the provider)."""
    contexts = []

    def signed_in(who: str, path: str = "/"):
        context = browser.new_context()
        contexts.append(context)
        page = context.new_page()
        page.goto(site.url + path)
        assert page.url.startswith(site.issuer), page.url  # sent to the identity provider first
        page.locator(f'button[name="sub"][value="{USERS[who][0]}"]').click()
        page.wait_for_url(site.url + "/**")
        page.wait_for_load_state()
        return page

    yield signed_in
    for context in contexts:
        context.close()
