"""The web pages at national scale: each page's 95th percentile, one user seeing every prison.

    python bench/web.py [--scale 1] [--requests 20] [--db sqlite|postgres|both]

Synthetic feeds (synth/, 90,000 prisoners at scale 1) are imported into a fresh database (a SQLite
file, or a PostgreSQL database created on 127.0.0.1:5432 and dropped afterwards, as bench/run.py
does) and the first nightly check runs (on a Prefect server this script starts), so the case rows
the caseload reads are there; the app is driven in-process through httpx's ASGI transport with a
signed session cookie (the sign-in itself is the identity provider's time, not ours), so the
figures are the app's own: routing, queries, the live decisions and rendering; a download is timed
until its last byte. Printed as Markdown tables for docs/performance.md, with the load average.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="mappa-bench-web-"))
os.environ.setdefault("PREFECT_HOME", str(WORK / "prefect"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")
os.environ["MAPPA_DATA_DIR"] = str(WORK / "var")
os.environ["MAPPA_MAIL_TRANSPORT"] = "file"
SECRET = "bench-secret-key-not-a-real-one-0123456789"


def prepare(url: str, feeds: dict) -> float:
    """The data set imported and checked once into `url`: the seconds this took are printed, not judged."""
    from db.migrate import upgrade
    from db.session import make_engine
    from feeds.importer import import_feed
    from feeds.kinds import FEED_ORDER

    engine = make_engine(url)
    upgrade(engine)
    started = time.perf_counter()
    for kind in FEED_ORDER:
        if kind in feeds:
            import_feed(engine, kind, feeds[kind])
    engine.dispose()
    os.environ["MAPPA_DATABASE_URL"] = url
    from config.settings import get_settings
    from flows.nightly import nightly_check

    get_settings.cache_clear()
    state = nightly_check(return_state=True)
    if not state.is_completed():
        raise SystemExit(f"the first nightly check ended {state.name}: {state.message}")
    return time.perf_counter() - started


def session_cookie() -> str:
    """What Starlette's SessionMiddleware would set after a sign-in by an admin of every prison."""
    from itsdangerous import TimestampSigner

    session = {"user": {"identity": "bench@justice.gov.uk", "role": "admin", "establishments": ["*"]}}
    session["seen"] = time.time() + 3600  # type: ignore[assignment]
    data = base64.b64encode(json.dumps(session).encode())
    return TimestampSigner(SECRET).sign(data).decode()


async def measure(app, paths: list[str], requests: int) -> dict[str, list[float]]:
    import httpx

    timings: dict[str, list[float]] = {}
    transport = httpx.ASGITransport(app=app)
    cookies = {"mappa_session": session_cookie()}
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1", cookies=cookies) as client:
        for path in paths:
            answer = await client.get(path)  # warm-up, and proof the page answers
            if answer.status_code != 200:
                raise SystemExit(f"{path} answered {answer.status_code}")
            for _ in range(requests):
                started = time.perf_counter()
                await client.get(path)
                timings.setdefault(path, []).append((time.perf_counter() - started) * 1000)
    return timings


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1] if len(values) > 1 else values[0]


PATHS = ["/", "/?page=100", "/?due_within_weeks=4", "/cases/{number}", "/cases/{number}/record", "/problems"]
PATHS += ["/problems?page=10", "/?format=csv", "/access-log", "/health"]


def pages(url: str, requests: int) -> tuple[int, dict[str, list[float]], str]:
    """(open cases, each path's timings, the prison number the case pages showed) for the app on `url`."""
    access = WORK / "access.toml"
    access.write_text('[[user]]\nemail = "bench@justice.gov.uk"\nrole = "admin"\nestablishments = ["*"]\n')
    os.environ.update(
        MAPPA_DATABASE_URL=url,
        MAPPA_DATA_DIR=str(WORK / "var"),
        MAPPA_OIDC_ISSUER="http://127.0.0.1:9",  # never contacted: no one signs in during the run
        MAPPA_OIDC_CLIENT_ID="bench",
        MAPPA_WEB_ACCESS_FILE=str(access),
        MAPPA_WEB_SECRET_KEY=SECRET,
    )
    from sqlalchemy import func, select

    from cli.web.app import create_app
    from config.settings import get_settings
    from db.models import Case, Prisoner
    from db.session import make_engine, session_factory

    get_settings.cache_clear()
    engine = make_engine(url)
    with session_factory(engine)() as session:
        number = session.scalars(select(Prisoner.prison_number).order_by(Prisoner.prison_number).limit(1)).one()
        cases = session.scalar(select(func.count()).select_from(Case).where(Case.closed_state.is_(None))) or 0
    engine.dispose()
    paths = [path.format(number=number) for path in PATHS]
    return cases, asyncio.run(measure(create_app(get_settings()), paths, requests)), number


def table(title: str, timings: dict[str, list[float]], number: str) -> str:
    lines = [title, "", "| page | median ms | p95 ms | under 300 ms |", "|---|---|---|---|"]
    for path, values in timings.items():
        shown = path.replace(number, "{prison_number}")
        verdict = "yes" if p95(values) < 300 else "no"
        lines.append(f"| `{shown}` | {statistics.median(values):.0f} | {p95(values):.0f} | {verdict} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="sqlite")
    args = parser.parse_args()
    import bench.run
    from bench.run import CODE, database, flush_prefect_logs, load
    from bench.server import PrefectServer
    from synth.write import generate

    shutil.rmtree(bench.run.WORK, ignore_errors=True)  # importing bench.run made a scratch folder: ours is WORK
    bench.run.WORK = WORK
    os.environ["MAPPA_DATA_DIR"] = str(WORK / "var")  # bench.run pointed it at its own folder
    feeds = generate(WORK / "feeds", seed=1, scale=args.scale, today=date.today())
    (WORK / "prefect").mkdir(parents=True, exist_ok=True)
    with PrefectServer(WORK / "prefect") as server:
        os.environ["PREFECT_API_URL"] = server.api
        for db in ["sqlite", "postgres"] if args.db == "both" else [args.db]:
            with database(db, args.scale) as url:
                seconds = prepare(url, feeds)
                cases, timings, number = pages(url, args.requests)
            name = "SQLite" if db == "sqlite" else "PostgreSQL"
            title = (
                f"web pages, {name}, scale {args.scale:g}, {cases} open cases (import and first night {seconds:.0f} s), "
                f"{args.requests} requests each; {date.today()} at commit {CODE}, load average after {load()}:"
            )
            print(table(title, timings, number) + "\n", flush=True)
        flush_prefect_logs()
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
