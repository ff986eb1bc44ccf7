"""Fixtures for the pure rules: the real England and Wales calendar, the shipped policy."""

from __future__ import annotations

import pytest

from config.policy import load_policy
from rules.calendar import WorkingCalendar


@pytest.fixture(scope="session")
def calendar() -> WorkingCalendar:
    return WorkingCalendar.england_and_wales()


@pytest.fixture(scope="session")
def policy():
    return load_policy().base
