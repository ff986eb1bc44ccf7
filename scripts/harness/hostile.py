"""Hostile feed files: good rows we know, bad rows we know, and the checks an import must pass.

Shared by tests/reliability/test_hostile_input.py (Hypothesis) and scripts/reliability.py (the 100 MB file).
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import inspect, text

from feeds.kinds import FEEDS, RELEASE_DATES
from scripts.harness.trials import ROOT

FORMULAS = ["=cmd|' /C calc'!A0", "+SUM(1,2)", "@SUM(A1:A9)", '=HYPERLINK("http://x.example","y")']
CONTROLS = ["ab\x00cd", "x\x1b[2Jy", "\u202eevil", "line\nbreak", "tab\there", "del\x7f"]
BAD_DATES = ["31/02/2027", "2027-13-01", "00/00/0000", "29/02/2027", "12/31/2027", "tomorrow", "2027-02-30"]
HUGE = ["x" * 12_000, "y" * 150_000]


def is_date(column: str) -> bool:
    return column in ("date_of_birth", "released_on", "mapp_meeting_date", "confirmed_on", *RELEASE_DATES)


def hostile_values(column: str) -> list[str]:
    """Cells that must get their row rejected in this column."""
    values = CONTROLS + HUGE
    return values + (BAD_DATES if is_date(column) else FORMULAS)


def good_row(kind: str, n: int) -> dict[str, str]:
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    a, b, c = letters[n % 23], letters[(n // 23) % 23], letters[(n // 529) % 23]
    if kind == "establishments":
        return {
            "code": f"{a}{b}{c}",
            "name": f"HMP Example {n}",
            "omu_mailbox": f"omu.{n}@justice.gov.uk",
            "head_of_omu_email": f"head.{n}@justice.gov.uk",
        }
    if kind == "pdus":
        return {
            "code": f"P{n:05d}",
            "name": f"PDU {n}",
            "mailbox": f"pdu.{n}@justice.gov.uk",
            "head_email": f"head.{n}@justice.gov.uk",
            "mappa_coordinator_email": f"mc.{n}@justice.gov.uk",
        }
    number = f"{a}{n % 10000:04d}{b}{c}"
    if kind == "releases":
        row = {
            "prison_number": number,
            "first_name": f"Firstname{n}",
            "last_name": f"O'Lastname-{n}",
            "date_of_birth": "28/02/1979",
            "establishment_code": "DMI",
            "sentence_type": "determinate",
            "mappa_category": "2",
            "crn": f"X{n % 1_000_000:06d}",
            "released_on": "",
        }
        return row | {name: "" for name in RELEASE_DATES} | {"crd": "13/10/2027"}
    return {
        "prison_number": number,
        "crn": f"X{n % 1_000_000:06d}",
        "com_name": f"Com Name {n}",
        "com_email": f"com.{n}@justice.gov.uk",
        "spo_name": "",
        "spo_email": "",
        "pdu_code": "N07DUR",
        "mappa_category": "2",
        "mappa_level": "",
        "mapp_meeting_date": "",
        "confirmed_on": "01/03/2027",
    }


def key_of(kind: str, row: dict[str, str]) -> str:
    return row[FEEDS[kind].key]


def csv_text(kind: str, rows: list[dict[str, str]], header: list[str] | None = None) -> str:
    header = header or [column.name for column in FEEDS[kind].columns]
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return stream.getvalue()


# -- what the database holds afterwards -------------------------------------------------------------

TABLES = ("establishments", "pdus", "prisoners", "allocations", "mappa_information", "audit_events")


def counts(engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {t: connection.execute(text(f"select count(*) from {t}")).scalar() for t in TABLES}


def keys_in(engine, kind: str) -> set[str]:
    table = {"establishments": "establishments", "pdus": "pdus"}.get(
        kind, "prisoners" if kind == "releases" else "allocations"
    )
    column = "code" if kind in ("establishments", "pdus") else "prison_number"
    with engine.connect() as connection:
        return {row[0] for row in connection.execute(text(f"select {column} from {table}"))}


def dangerous_cells(engine) -> list[str]:
    """Stored text that a spreadsheet would run, or that carries control characters."""
    from feeds.values import CONTROL

    found = []
    with engine.connect() as connection:
        for table in TABLES[:-1]:
            columns = [c["name"] for c in inspect(connection).get_columns(table)]
            for row in connection.execute(text(f"select {', '.join(columns)} from {table}")):
                for value in row:
                    if isinstance(value, str) and (value.startswith(("=", "+", "@")) or CONTROL.search(value)):
                        found.append(f"{table}: {value[:30]!r}")
    return found


# -- the command line, as a user runs it --------------------------------------------------------------


def mappa(args: list[str], url: str, data_dir: Path, timeout: float = 900) -> tuple[int, str, str, int]:
    """Run `mappa ARGS` in a subprocess; (exit status, stdout, stderr, its peak RSS in kB)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAPPA_")}
    env.update(MAPPA_DATABASE_URL=url, MAPPA_DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT))
    script = (
        "import resource, subprocess, sys; done = subprocess.run(sys.argv[1:]); "
        "print('\\nPEAK_RSS_KB', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
        "sys.exit(done.returncode)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, sys.executable, "-m", "cli.main", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=timeout,
    )
    stderr, _, peak = done.stderr.rpartition("\nPEAK_RSS_KB ")
    return done.returncode, done.stdout, stderr, int(peak.strip() or 0)


def big_releases_file(path: Path, megabytes: int) -> int:
    """A releases file of about `megabytes` MB: mostly good rows, every 50th hostile. Returns its rows."""
    rows, size, n = 0, 0, 0
    target = megabytes * 1_000_000
    with path.open("w", encoding="utf-8", newline="") as stream:
        header = csv_text("releases", [])
        stream.write(header)
        size += len(header)
        while size < target:
            chunk_rows = []
            for _ in range(1000):
                row = good_row("releases", n)
                row["prison_number"] = (
                    f"B{n % 10000:04d}{'ABCDEFGHJKLMNPRSTUVWXYZ'[(n // 10000) % 23]}"
                    f"{'ABCDEFGHJKLMNPRSTUVWXYZ'[(n // 230000) % 23]}"
                )
                if n % 50 == 7:
                    row["first_name"] = FORMULAS[0]
                chunk_rows.append(row)
                n += 1
            body = csv_text("releases", chunk_rows).split("\r\n", 1)[1]
            stream.write(body)
            size += len(body.encode())
            rows += len(chunk_rows)
    return rows
