"""National-scale benchmarks: import, first night, rerun, the next day's re-import, 30 nights, the yearly report, SMTP delivery, each against its floor.

    python bench/run.py [--scale 1] [--db sqlite|postgres|both] [--quick] [--scales 1,2,4]

Figures are printed, saved to bench/results/<db>-x<scale>.json and docs/performance.md is
rewritten from every saved result plus bench/analysis.md (so separate runs add up). The
Prefect flows (flows.nightly.nightly_check, flows.simulate.simulate_nights) run against a
Prefect server this script starts (and stops); PostgreSQL uses a database it creates on
postgresql://postgres@127.0.0.1:5432 (mappa_bench_<pid>_<scale>) and drops afterwards.
"""

from __future__ import annotations

import argparse
import atexit
import dataclasses
import os
import platform
import shutil
import sys
import tempfile
import traceback
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="mappa-bench-"))
atexit.register(shutil.rmtree, WORK, True)  # feeds, SQLite files, Prefect home, .eml files: all scratch
os.environ.setdefault("PREFECT_HOME", str(WORK / "prefect"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")
os.environ["MAPPA_DATA_DIR"] = str(WORK / "var")
os.environ["MAPPA_MAIL_TRANSPORT"] = "file"

from bench import steps  # noqa: E402
from bench.report import save, write_markdown  # noqa: E402
from bench.server import PrefectServer  # noqa: E402

TODAY = date(2027, 1, 4)


def code_version() -> str:
    """The commit the product code was read from (modules load lazily: taken at start), and whether it was dirty."""
    import subprocess

    try:
        run = lambda *a: subprocess.run(["git", "-C", str(ROOT), *a], capture_output=True, text=True).stdout.strip()
        dirty = run("status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench", ":!docs")
        return run("rev-parse", "--short", "HEAD") + (" + uncommitted product changes" if dirty else "")
    except OSError:
        return "unknown"


CODE = code_version()
POSTGRES_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="1 = national (90,000 prisoners)")
    parser.add_argument("--scales", default=None, help="several scales, e.g. 1,2,4 (overrides --scale)")
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="sqlite")
    parser.add_argument("--quick", action="store_true", help="5 nights instead of 30, and no SMTP step")
    parser.add_argument(
        "--nights", type=int, default=None, help="nights for the multi-night step (default 30, 5 with --quick)"
    )
    parser.add_argument("--no-smtp", action="store_true", help="skip the SMTP delivery step")
    parser.add_argument(
        "--no-write", action="store_true", help="print only; save nothing, leave docs/performance.md alone"
    )
    args = parser.parse_args()
    scales = [float(s) for s in args.scales.split(",")] if args.scales else [args.scale]
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    figures, failed = [], []
    print(f"working in {WORK}; starting a Prefect server ...", flush=True)
    (WORK / "prefect").mkdir(parents=True, exist_ok=True)
    with PrefectServer(WORK / "prefect") as server:
        os.environ["PREFECT_API_URL"] = server.api
        for scale in scales:
            feeds, generated = steps.make_feeds(WORK / f"feeds-{scale:g}", scale, TODAY)
            for db in dbs:
                figures.append(dataclasses.replace(generated, db=db))  # shown in each database's table
                with database(db, scale) as url:
                    try:
                        for figure in steps.run_all(
                            db,
                            scale,
                            url,
                            feeds,
                            TODAY,
                            nights=args.nights if args.nights is not None else (5 if args.quick else 30),
                            smtp=not (args.quick or args.no_smtp),
                        ):
                            figures.append(figure)
                    except Exception:  # keep (and write) what was measured; the traceback says what broke
                        traceback.print_exc()
                        failed.append(f"{db} x{scale:g}")
        flush_prefect_logs()
    command = "python bench/run.py " + " ".join(sys.argv[1:])
    if not args.no_write:
        save(figures, command, machine(), f"{date.today()} at commit {CODE} (load average at the end {load()})")
        write_markdown(ROOT / "docs" / "performance.md")
        print(f"wrote {ROOT / 'docs' / 'performance.md'}")
    shutil.rmtree(WORK, ignore_errors=True)
    if failed:
        sys.exit(f"steps failed on {', '.join(failed)} (see the traceback above); the figures measured were kept")


def flush_prefect_logs() -> None:
    """Send buffered run logs while the server is still up (else they are retried against nothing)."""
    try:
        from prefect.logging.handlers import APILogWorker

        APILogWorker.drain_all(timeout=15)
    except Exception as error:  # a benchmark must not fail on its own bookkeeping
        print(f"(could not flush Prefect logs: {error})")


def load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def machine() -> str:
    return f"{os.cpu_count()} cores, {platform.processor() or platform.machine()}, Python {platform.python_version()}"


class database:
    """A fresh database for one run: a SQLite file, or a PostgreSQL database created and dropped here."""

    def __init__(self, kind: str, scale: float):
        self.kind, self.name = kind, f"mappa_bench_{os.getpid()}_{str(scale).replace('.', '_')}"

    def __enter__(self) -> str:
        if self.kind == "sqlite":
            return f"sqlite:///{WORK / (self.name + '.db')}"
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        self.admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
        with self.admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{self.name}"')
        return make_url(POSTGRES_ADMIN).set(database=self.name).render_as_string(hide_password=False)

    def __exit__(self, *exc_info) -> None:
        if self.kind == "postgres":
            from db.session import engine_for

            engine_for.cache_clear()
            with self.admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            self.admin.dispose()


if __name__ == "__main__":
    main()
