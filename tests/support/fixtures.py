"""Fixtures to import into a conftest: ``from tests.support.fixtures import smtp_sink  # noqa: F401``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from scripts.harness.smtp import SmtpSink


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    """A real SMTP server on 127.0.0.1 and a free port, stopped after the test."""
    with SmtpSink() as sink:
        yield sink
