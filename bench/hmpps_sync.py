"""Benchmark: sync the national synthetic data set from the loopback contract server.

    .venv/bin/python -m bench.hmpps_sync [--scale 1] [--delay 0.02] [--write docs/performance.md]

The server (tests/support/hmpps_server.py, in its own process) answers every call after
`delay` seconds; the sync runs with the default concurrency (8) and rate cap (20 calls/s).
It measures a first sync (empty database) and a steady night (the next night, nothing new):
wall time, calls by kind, peak memory of the syncing process.
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from bench.measure import peak_mb

TODAY = date(2027, 1, 4)
SECTION = "## HMPPS sync from the loopback contract server"
DATES = {
    "crd": "conditionalReleaseDate",
    "ard": "automaticReleaseDate",
    "ped": "paroleEligibilityDate",
    "hdced": "homeDetentionCurfewEligibilityDate",
    "hdcad": "homeDetentionCurfewActualDate",
    "prrd": "postRecallReleaseDate",
    "ted": "tariffDate",
}


def team_of(pdu: str) -> str:
    return f"{pdu}T"


def build_world(folder: Path):
    from scripts.harness.hmpps_server import World

    world = World()
    with (folder / "releases.csv").open() as stream:
        for row in csv.DictReader(stream):
            doc = {
                "prisonerNumber": row["prison_number"],
                "firstName": row["first_name"],
                "lastName": row["last_name"],
                "dateOfBirth": row["date_of_birth"],
                "prisonId": row["establishment_code"],
                "status": "ACTIVE IN",
                "legalStatus": "SENTENCED",
                "recall": row["sentence_type"] == "recall",
                "indeterminateSentence": row["sentence_type"] == "indeterminate",
                "alerts": [],
                **{api: row[name] for name, api in DATES.items() if row[name]},
            }
            if row["mappa_category"]:
                doc["alerts"].append(
                    {"alertType": "P", "alertCode": f"PC{row['mappa_category']}", "active": True, "expired": False}
                )
            if row["released_on"]:
                world.elsewhere[row["prison_number"]] = doc | {"status": "INACTIVE OUT", "prisonId": "OUT"}
            else:
                world.prisons.setdefault(row["establishment_code"], []).append(doc)
    with (folder / "allocations.csv").open() as stream:
        for row in csv.DictReader(stream):
            record = {
                "crn": row["crn"],
                "nomsId": row["prison_number"],
                "manager": {"code": "X", "team": {"code": team_of(row["pdu_code"]), "description": "Team"}},
            }
            if row["com_email"]:
                first, _, last = row["com_name"].partition(" ")
                record["manager"] |= {"name": {"forename": first, "surname": last}, "email": row["com_email"]}
            if row["mappa_level"]:
                level = int(row["mappa_level"])
                category = int(row["mappa_category"]) if row["mappa_category"] else 0
                record["mappaLevel"] = level
                world.registrations[row["crn"]] = {
                    "category": category,
                    "level": level,
                    "startDate": row["confirmed_on"] or None,
                }
            world.case_records[row["prison_number"]] = record
    return world


def serve(folder: str, delay: float, ports, stop) -> None:
    from scripts.harness.hmpps_server import ContractServer

    world = build_world(Path(folder))
    world.delay = delay
    with ContractServer(world) as server:
        ports.put(server.base)
        stop.wait()
        ports.put(dict(server.calls))


def teams_csv(folder: Path) -> Path:
    path = folder / "teams.csv"
    with (folder / "pdus.csv").open() as source, path.open("w", newline="") as target:
        writer = csv.writer(target)
        writer.writerow(["code", "name", "pdu_code", "spo_name", "spo_email"])
        for row in csv.DictReader(source):
            writer.writerow(
                [team_of(row["code"]), "Team", row["code"], "Sam Senior", f"spo.{row['code'].lower()}@probation.gov.uk"]
            )
    return path


def sync_night(engine, settings, night: date) -> dict:
    from config.policy import load_policy
    from db.session import session_factory
    from feeds.hmpps.runner import establishment_codes, sync_one
    from rules.calendar import WorkingCalendar

    book, calendar = load_policy(), WorkingCalendar.england_and_wales()
    with session_factory(engine)() as session:
        codes = establishment_codes(session)
    totals: Counter[str] = Counter()
    started = time.perf_counter()
    for code in codes:
        result = sync_one(engine, settings, book, calendar, code, night)
        if result.failed:
            totals["failed"] += 1
        for name in ("seen", "new", "changed", "probation_asked", "calls", "error_count"):
            totals[name] += getattr(result, name)
    return dict(totals, wall=time.perf_counter() - started, peak_mb=peak_mb(), establishments=len(codes))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--delay", type=float, default=0.02)
    parser.add_argument("--database", default=None, help="SQLAlchemy URL (default: a SQLite file)")
    parser.add_argument("--write", type=Path, default=None, help="Put the figures in this markdown file")
    args = parser.parse_args()
    from config.settings import load_settings
    from db.migrate import upgrade
    from db.session import make_engine
    from feeds.importer import import_feed
    from synth.write import generate

    folder = Path(tempfile.mkdtemp(prefix="mappa-bench-sync-"))
    generate(folder, scale=args.scale, today=TODAY)
    ports, stop = multiprocessing.Queue(), multiprocessing.Event()
    server = multiprocessing.Process(target=serve, args=(str(folder), args.delay, ports, stop), daemon=True)
    server.start()
    base = ports.get(timeout=600)
    url = args.database or f"sqlite:///{folder / 'sync.db'}"
    engine = make_engine(url)
    upgrade(engine)
    for kind, path in (
        ("establishments", folder / "establishments.csv"),
        ("pdus", folder / "pdus.csv"),
        ("teams", teams_csv(folder)),
    ):
        import_feed(engine, kind, path)
    settings = load_settings(
        database_url=url,
        hmpps_auth_url=f"{base}/auth",
        prisoner_search_url=f"{base}/search",
        probation_api_url=f"{base}/probation",
        hmpps_client_id="mappa-tracker",
        hmpps_client_secret="s3cret-never-shown",
    )
    first = sync_night(engine, settings, TODAY)
    print("first sync", first, flush=True)
    steady = sync_night(engine, settings, TODAY + timedelta(days=1))
    print("steady night", steady, flush=True)
    stop.set()
    calls = ports.get(timeout=60)
    server.join(30)
    print("server calls", calls)
    if args.write:
        write_section(args.write, args, url, first, steady, calls)


def write_section(path: Path, args, url: str, first: dict, steady: dict, calls: dict) -> None:
    def line(name: str, f: dict) -> str:
        return (
            f"| {name} | {f['wall'] / 60:.1f} min | {f['calls']:,} | {f['probation_asked']:,} | {f['seen']:,} | "
            f"{f['new']:,} | {f['changed']:,} | {f.get('failed', 0)} | {f['error_count']} | {f['peak_mb']:.0f} MB |"
        )

    db = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    section = "\n".join(
        [
            SECTION,
            "",
            f"`python -m bench.hmpps_sync --scale {args.scale:g}` on {date.today()}: {first['establishments']} prisons, "
            f"synthetic data set at scale {args.scale:g} (90,000 prisoners at 1), {db}, the contract server answering each "
            f"call after {args.delay * 1000:.0f} ms in its own process, default concurrency 8 and rate cap 20 calls/s. "
            "Calls include the token; peak memory is the syncing process's peak RSS so far (it never goes down, so the "
            "steady night's figure is the run's peak).",
            "",
            "| night | time | calls | asked at probation | prisoners seen | new | changed | failed prisons | errors | peak memory |",
            "|---|---|---|---|---|---|---|---|---|---|",
            line("first sync (empty database)", first),
            line("steady night (the next night)", steady),
            "",
            "Calls by kind at the server over both nights: "
            + ", ".join(f"{k} {v:,}" for k, v in sorted(calls.items()))
            + ".",
            "",
            "The rate cap bounds both nights: calls / 20 is the least time they can take. The first sync asks probation "
            "about every sentenced prisoner whose planning date is within the 8-month horizon and every prisoner the "
            "prison identifies as MAPPA; a steady night asks every night only about tracked cases with incomplete "
            "information within the horizon, and about everyone else once a week on a night fixed by their prison "
            "number (rules/asking.py).",
            "",
        ]
    )
    text = path.read_text()
    if SECTION in text:
        start = text.index(SECTION)
        end = text.find("\n## ", start + len(SECTION))
        text = text[:start] + section + ("" if end == -1 else text[end + 1 :])
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text)


if __name__ == "__main__":
    main()
