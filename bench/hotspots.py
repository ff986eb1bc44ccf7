"""cProfile of the nightly hot paths without Prefect: load_cases, the first night's check_batch, delivery.

    python bench/hotspots.py [--scale 0.2] [--db sqlite|postgres] [--out DIR] [--nights N]
    py-spy record -r 200 -f raw -o spy.txt -- python bench/hotspots.py --scale 1 --no-profile --nights 5
    python bench/spy_summary.py spy.txt "load_cases (chase/night.py,check_batch (chase/night.py,deliver (outbox/send.py"

cProfile inflates Python-heavy code (SQLAlchemy, the email package) several-fold and charges
collector pauses to whatever allocates; the sampling profiler (py-spy) is the one to quote.

Builds a fresh database at the scale, imports the synthetic feeds, then profiles, each in turn:
chase.night.load_cases, chase.night.check_batch over all batches of the first night (decide +
apply_batch writes), outbox.send.deliver to the file transport, then N more nights. Prints the top functions by
own time and by cumulative time, and the cumulative time of the named hot spots; the .pstats files
stay in DIR for snakeviz/pstats.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="mappa-profile-"))
os.environ.setdefault("PREFECT_HOME", str(WORK / "prefect"))
os.environ["MAPPA_DATA_DIR"] = str(WORK / "var")
os.environ["MAPPA_MAIL_TRANSPORT"] = "file"

TODAY = date(2027, 1, 4)
WATCH = (
    "load_snapshots",
    "case_rows",
    "notices_by_case",
    "facts_of",
    "history_of",
    "decide_cases",
    "decide",
    "apply_batch",
    "_insert_notices",
    "_insert_superseded",
    "_retire_pending",
    "_save_cases",
    "append",
    "insert_new",
    "digest",
    "jsonable",
    "case_fields",
    "notice_context",
    "claim",
    "_send_all",
    "render",
    "render_parts",
    "message_context",
    "_send_one",
    "mark",
    "roll_up",
    "set_content",
    "add_alternative",
    "send_with_retry",
    "envelopes",
    "__setitem__",
    "commit",
    "execute",
    "make_msgid",
    "format_datetime",
)


PROFILE = True


def profiled(name: str, out: Path, function, *args):
    if not PROFILE:
        wall, cpu = time.perf_counter(), time.process_time()
        result = function(*args)
        print(f"{name}: {time.perf_counter() - wall:.2f} s wall, {time.process_time() - cpu:.2f} s CPU", flush=True)
        return result
    profile = cProfile.Profile()
    wall = time.perf_counter()
    result = profile.runcall(function, *args)
    wall = time.perf_counter() - wall
    path = out / f"{name}.pstats"
    profile.dump_stats(path)
    stats = pstats.Stats(str(path))
    total = stats.total_tt
    print(f"\n===== {name}: {wall:.2f} s wall under cProfile ({total:.2f} s profiled) =====")
    print("-- top by own time --")
    stats.sort_stats("tottime").print_stats(18)
    print("-- watched functions (cumulative s, share of the step) --")
    for (file, _line, func), (_cc, nc, tt, ct, _callers) in sorted(stats.stats.items(), key=lambda kv: -kv[1][3]):
        if (
            func in WATCH
            and ct > 0.01 * total
            and (
                str(file).startswith(str(ROOT))
                or func in ("set_content", "add_alternative", "__setitem__", "make_msgid", "format_datetime")
            )
        ):
            print(
                f"  {Path(file).relative_to(ROOT) if str(file).startswith(str(ROOT)) else Path(file).name}:{func}"
                f"  calls {nc}  cum {ct:.2f} s ({ct / total:.0%})  own {tt:.2f} s"
            )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=0.2)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--out", type=Path, default=WORK)
    parser.add_argument("--nights", type=int, default=0, help="steady-state nights after the first (no delivery)")
    parser.add_argument("--no-profile", action="store_true", help="time only (run it under py-spy)")
    args = parser.parse_args()
    global PROFILE
    PROFILE = not args.no_profile
    args.out.mkdir(parents=True, exist_ok=True)

    import shutil

    import bench.run
    from bench.run import database

    shutil.rmtree(
        bench.run.WORK, ignore_errors=True
    )  # importing bench.run made a scratch folder; the database lives in WORK
    bench.run.WORK = WORK
    os.environ["MAPPA_DATA_DIR"] = str(WORK / "var")  # bench.run pointed it at its own folder
    from bench.steps import KINDS, use_database
    from synth.write import generate

    feeds = generate(WORK / "feeds", seed=1, scale=args.scale, today=TODAY)
    with database(args.db, args.scale) as url:
        use_database(url)
        from db.migrate import upgrade
        from db.session import engine_for
        from feeds.importer import import_feed

        engine = engine_for(url)
        upgrade(engine)
        for kind in KINDS:
            import_feed(engine, kind, feeds[kind])
        from chase import night
        from chase.fingerprint import decision_context
        from chase.problems import known_for
        from config import runtime
        from db.session import session_factory
        from outbox.send import deliver
        from tasks import chase as tasks_chase
        from tasks.chase import BATCH_SIZE
        from tasks.deliver import mailer

        book, calendar = runtime.policy(), runtime.calendar()
        snapshots = profiled("load_cases", args.out, night.load_cases, engine)

        def batch_night(cases, on):
            """As the nightly task runs each batch: the data problems' lookup and the decisions' context."""
            with session_factory(engine)() as session:
                context = decision_context(session, book, calendar, tasks_chase._also_read(None))
            return [
                night.check_batch(
                    engine,
                    batch,
                    on,
                    "profile",
                    book,
                    calendar,
                    known=known_for(engine, batch, None, None),
                    context=context,
                )
                for batch in night.batches(cases, BATCH_SIZE)
            ]

        def first_night():
            return batch_night(snapshots, TODAY)

        reports = profiled("check_batch_first_night", args.out, first_night)
        print(f"{len(snapshots)} cases, {sum(len(r.queued) for r in reports)} notices queued")
        report = profiled("deliver_file", args.out, deliver, mailer(), "profile")
        print(f"{report.messages} e-mails, {dict(report.counts)}")

        def steady_nights():
            from datetime import timedelta

            for day in range(1, args.nights + 1):
                batch_night(night.load_cases(engine), TODAY + timedelta(days=day))

        if args.nights:
            profiled(f"{args.nights}_more_nights", args.out, steady_nights)
        engine.dispose()
    if args.out != WORK or not PROFILE:
        shutil.rmtree(WORK, ignore_errors=True)
    if PROFILE:
        print(f"pstats in {args.out}")


if __name__ == "__main__":
    main()
