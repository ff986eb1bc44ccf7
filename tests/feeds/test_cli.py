"""`mappa import` and `mappa record` end to end: output, exit statuses, the report file."""

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import cli.feeds
from tests.feeds.conftest import RELEASES, release

MAPPA = Path(sys.executable).parent / "mappa"


@pytest.fixture
def mappa(mappa_env):
    app = typer.Typer()
    cli.feeds.register(app)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, [str(arg) for arg in args])


def test_import_exits_0_1_or_2_and_lists_rejections(mappa, feed_file, tmp_path):
    good = mappa("import", "releases", feed_file("good.csv", RELEASES, release("A1234BC")))
    assert (good.exit_code, good.stdout) == (
        0,
        "good.csv: 1 rows: 1 accepted (1 new, 0 updated, 0 unchanged), 0 rejected\n",
    )

    mixed = feed_file("mixed.csv", RELEASES, release("A1234BC"), release("B2345CD", crd="13/31/2027"))
    result = mappa("import", "releases", mixed, "--report", tmp_path / "report.csv")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "mixed.csv: 2 rows: 1 accepted (0 new, 0 updated, 1 unchanged), 1 rejected",
        "mixed.csv:3: column crd: not a date: '13/31/2027' has no month 31 (dates are day first: DD/MM/YYYY)",
    ]
    with (tmp_path / "report.csv").open(newline="") as stream:
        assert list(csv.reader(stream)) == [
            ["file", "line", "column", "reason"],
            ["mixed.csv", "3", "crd", "not a date: '13/31/2027' has no month 31 (dates are day first: DD/MM/YYYY)"],
        ]

    refused = mappa("import", "releases", feed_file("bad.csv", "prison_number", "A1234BC"))
    assert refused.exit_code == 2 and refused.stdout == ""
    assert refused.stderr.startswith(
        "mappa: bad.csv: refused, nothing imported: the header row lacks the required column(s)"
    )


def test_record_says_what_is_still_missing(mappa, feed_file):
    mappa("import", "releases", feed_file("releases.csv", RELEASES, release("A1234BC")))
    partial = mappa("record", "a1234bc", "--by", "Pat Omu", "--category", "2", "--on", "1/3/2025")
    assert (partial.exit_code, partial.stdout) == (0, "recorded for A1234BC\nstill missing: level\n")
    more = mappa("record", "A1234BC", "--by", "Pat Omu", "--level", "3")
    assert more.stdout.splitlines()[-1] == "still missing: MAPP meeting date"
    done = mappa("record", "A1234BC", "--by", "Pat Omu", "--meeting-date", "2027-05-01")
    assert done.stdout.splitlines()[-1] == "MAPPA information is complete: the chase closes at the next nightly check"


def test_record_refuses_bad_input_with_one_clear_line(mappa, feed_file):
    mappa("import", "releases", feed_file("releases.csv", RELEASES, release("A1234BC")))
    conflict = mappa("record", "A1234BC", "--by", "Pat Omu", "--not-eligible", "--level", "2")
    assert (conflict.exit_code, conflict.stderr) == (2, "mappa: not MAPPA-eligible cannot come with level 2\n")
    us_date = mappa("record", "A1234BC", "--by", "Pat Omu", "--level", "1", "--on", "12/31/2026")
    assert us_date.exit_code == 2 and "has no month 31" in us_date.stderr
    out_of_range = mappa("record", "A1234BC", "--by", "Pat Omu", "--level", "4")
    assert out_of_range.exit_code == 2 and "--level" in out_of_range.stderr


def test_the_mappa_command_has_import_and_record(mappa_env, feed_file):
    path = feed_file("releases.csv", RELEASES, release("A1234BC"), release("A12"))
    done = subprocess.run(
        [str(MAPPA), "import", "releases", str(path)], capture_output=True, text=True, env=os.environ.copy(), timeout=60
    )
    assert done.returncode == 1, done.stderr
    assert (
        done.stdout.splitlines()[-1]
        == "releases.csv:3: column prison_number: not a prison number: 'A12' (expected like A1234BC)"
    )
