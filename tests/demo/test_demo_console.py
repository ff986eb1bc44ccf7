"""Finding 4: a successful demo, run as a newcomer types it, prints no traceback and no ERROR line.

A real process with a real terminal's streams (the in-process CLI tests cannot see what the
temporary Prefect server prints as it stops).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.alone

MAPPA = str(Path(sys.executable).with_name("mappa"))


def test_a_successful_demo_prints_no_traceback_and_no_error(tmp_path):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path)}
    done = subprocess.run(
        [MAPPA, "demo", "--prisoners", "40", "--nights", "40"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    assert "var/mail/" in done.stdout  # it ran to its summary
    for noise in ("Traceback", "ERROR", "CancelledError", "Exception during reset"):
        assert noise not in output, (noise, output[-3000:])
