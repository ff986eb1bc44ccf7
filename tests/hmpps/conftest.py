from __future__ import annotations

from datetime import date

import pytest

from config.policy import load_policy
from config.settings import get_settings
from feeds.hmpps import runner
from rules.calendar import WorkingCalendar
from tests.support import builders
from tests.support.hmpps_server import ContractServer, World

NIGHT = date(2027, 1, 4)  # a Monday
BOOK = load_policy()
CALENDAR = WorkingCalendar.england_and_wales()


@pytest.fixture
def world() -> World:
    return World()


@pytest.fixture
def api(world):
    with ContractServer(world) as server:
        yield server


@pytest.fixture
def hmpps_env(mappa_env, api, monkeypatch):
    """This test's database and the contract server, in the environment as an operator would set them."""
    for name, value in api.settings_env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("MAPPA_HMPPS_TIMEOUT", "0.5")
    runner._tokens.clear()
    get_settings.cache_clear()
    yield get_settings()
    runner._tokens.clear()
    get_settings.cache_clear()


@pytest.fixture
def sync(hmpps_env, engine):
    """sync(code, night) straight through the sync (no Prefect), with short backoffs."""
    for code in ("DMI", "LPI"):
        builders.prison(engine, code, f"HMP {code}")

    def run(code: str = "DMI", night: date = NIGHT, dry_run: bool = False):
        return runner.sync_one(engine, get_settings(), BOOK, CALENDAR, code, night, dry_run, backoff=0.01)

    return run
