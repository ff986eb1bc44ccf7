"""Finding 3: every `mappa` command works from an empty folder with only MAPPA_DATABASE_URL set.

Each command runs as a user would type it, in a new process whose environment holds nothing else
(no PREFECT_HOME, no MAPPA_DATA_DIR), and no output may hold a traceback or an ERROR line.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.alone  # every command starts its own processes, three of them a Prefect server

MAPPA = str(Path(sys.executable).with_name("mappa"))
COMMANDS = [
    ["--help"],
    ["init"],
    ["import", "releases", "releases.csv"],  # a file that is not there: one line
    ["record", "A1234BC", "--by", "J Smith", "--category", "2"],  # nobody imported: one line
    ["status"],
    ["case", "A1234BC"],
    ["problems"],
    ["problems", "--format", "csv"],
    ["preview", "request"],
    ["audit", "verify"],
    ["audit", "show", "A1234BC"],
    ["check", "--as-of", "2027-01-05"],
    ["simulate", "--from", "2027-01-05", "--to", "2027-01-06"],
    ["demo", "--prisoners", "3", "--nights", "2"],  # refuses a database it did not make: one line
]


def run(folder: Path, url: str, args: list[str]) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(folder), "MAPPA_DATABASE_URL": url}
    return subprocess.run([MAPPA, *args], cwd=folder, env=env, capture_output=True, text=True, timeout=300)


def test_every_command_in_an_empty_folder(db_url, tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    for args in COMMANDS:
        result = run(folder, db_url, args)
        output = result.stdout + result.stderr
        assert "Traceback" not in output, (args, output[-3000:])
        assert "| ERROR" not in output and "UserWarning" not in output, (args, output[-3000:])
        assert result.returncode in (0, 1, 2), (args, result.returncode, output[-2000:])
        if result.returncode == 2:
            assert len(result.stderr.strip().splitlines()) == 1, (args, result.stderr)
