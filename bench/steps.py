"""Each benchmark step: the real code path (Prefect flows, ORM, audit trail) timed beside its floor."""

from __future__ import annotations

import email.policy
import os
import smtplib
import tempfile
from datetime import date, timedelta
from pathlib import Path

from bench.floor import import_floor, night_floor, reimport_floor, report_floor
from bench.measure import Figure, floor_of, timed
from synth.write import GENERATED

KINDS = GENERATED
# The daily re-import: the same file the next day with one row in CHANGE_EVERY changed (feed -> its table, key).
REIMPORTED = {"releases": ("prisoners", "prison_number"), "allocations": ("allocations", "prison_number")}
CHANGE_EVERY = 100
FLOOR_SAMPLES = 3  # nights of the multi-night floor actually computed; the rest extrapolated


def make_feeds(folder: Path, scale: float, today: date) -> tuple[dict[str, Path], Figure]:
    from synth.write import generate

    figure = Figure("-", scale, "generate synthetic feeds")
    with timed(figure):
        paths = generate(folder, seed=1, scale=scale, today=today)
    figure.rows = sum(1 for _ in paths["releases"].open()) - 1
    show(figure)
    return paths, figure


def use_database(url: str, transport: str = "file", **smtp) -> None:
    """Point the product at `url`. The nights deliver with the file transport (each e-mail written as
    .eml under MAPPA_DATA_DIR/mail): real rendering and I/O, and unlike the memory transport it keeps
    no sent message in memory, which would inflate the peak (about 110 KB per e-mail)."""
    from config.settings import get_settings

    os.environ["MAPPA_DATABASE_URL"] = url
    os.environ["MAPPA_MAIL_TRANSPORT"] = transport
    for name, value in smtp.items():
        os.environ[f"MAPPA_SMTP_{name.upper()}"] = str(value)
    get_settings.cache_clear()


def run_all(db: str, scale: float, url: str, feeds: dict[str, Path], today: date, nights: int, smtp: bool):
    """Every step on one fresh database, yielding each figure as soon as it is measured."""
    from db.migrate import upgrade
    from db.session import engine_for

    use_database(url)
    engine = engine_for(url)
    upgrade(engine)
    try:
        for kind in KINDS:
            yield imported(db, scale, engine, kind, feeds[kind])
        yield first_night(db, scale, engine, today)
        yield rerun(db, scale, engine, today)
        for kind in REIMPORTED:
            yield reimported(db, scale, engine, kind, next_day(feeds[kind], kind))
        if nights:
            yield many_nights(db, scale, engine, today, nights)
        yield yearly_report(db, scale, engine, today + timedelta(days=nights))
        if smtp:
            yield smtp_delivery(db, scale, engine, url)
    finally:
        engine.dispose()


def imported(db, scale, engine, kind, path) -> Figure:
    from feeds.importer import import_feed

    figure = Figure(db, scale, f"import {kind}")
    with timed(figure):
        report = import_feed(engine, kind, path)
    figure.rows = report.rows
    if report.rejected or report.refused:
        figure.notes.append(f"{len(report.rejected)} rejected")
    figure.floor, _ = floor_of(import_floor, engine, kind, path)
    return show(figure)


def next_day(path: Path, kind: str) -> Path:
    """The feed as the next day's file: every CHANGE_EVERY-th row changed, the rest as they were.

    releases: the row's first release date one week later (a recalculated date); allocations: another
    COM of the file (a reallocation), taken in turn from the COMs it names. Streamed, so that making the
    file does not add a national file's worth of rows to the peak memory the steps are judged by.
    Written beside the original, once."""
    import csv

    out = path.with_name(f"{path.stem}-next-day.csv")
    if out.exists():
        return out
    coms = _coms(path) if kind == "allocations" else []
    with path.open(encoding="utf-8", newline="") as source, out.open("w", encoding="utf-8", newline="") as sink:
        reader, writer = csv.reader(source), csv.writer(sink, lineterminator="\n")
        header = next(reader)
        writer.writerow(header)
        for index, row in enumerate(reader):
            if index % CHANGE_EVERY == 0:
                _change(header, row, kind, coms, index // CHANGE_EVERY)
            writer.writerow(row)
    return out


def _coms(path: Path) -> list[tuple[str, str]]:
    """The distinct (name, e-mail) COMs of an allocations file, in the order they first appear."""
    import csv

    with path.open(encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream)
        return list(dict.fromkeys((row["com_name"], row["com_email"]) for row in reader if row["com_email"]))


def _change(header: list[str], row: list[str], kind: str, coms: list[tuple[str, str]], turn: int) -> None:
    if kind == "releases":
        dated = [i for i, name in enumerate(header) if name in ("crd", "ard", "ped", "prrd", "ted") and row[i]]
        if dated:
            row[dated[0]] = (date.fromisoformat(row[dated[0]]) + timedelta(days=7)).isoformat()
        return
    name, email = header.index("com_name"), header.index("com_email")
    other = coms[turn % len(coms)]
    if other[1] == row[email]:
        other = coms[(turn + 1) % len(coms)]
    row[name], row[email] = other


def reimported(db, scale, engine, kind, path) -> Figure:
    """The next day's file of a feed: most rows unchanged, one in CHANGE_EVERY changed (and audited)."""
    from feeds.importer import import_feed

    table, key = REIMPORTED[kind]
    figure = Figure(db, scale, f"re-import {kind} (the next day's file, 1% of rows changed)")
    figure.floor, written = floor_of(reimport_floor, engine, kind, path, table, key)
    with timed(figure):
        report = import_feed(engine, kind, path)
    figure.rows = report.rows
    figure.notes.append(
        f"{report.updated} rows updated, {report.unchanged} unchanged, {len(report.rejected)} rejected; "
        f"floor: compare the file with the held rows as text and update the {written} that differ"
    )
    return show(figure)


def _rules():
    from config import runtime

    return runtime.policy(), runtime.calendar()


def run_flow(flow, **parameters):
    """Call a Prefect flow as the deployment would, against the server; (report, how the run ended).

    The nightly flow returns a Failed state (with the report as its data) when a human needs to
    look, e.g. more data problems than MAPPA_DATA_PROBLEM_THRESHOLD: that is a result, not a crash.
    """
    state = flow(**parameters, return_state=True)
    result = state.result(raise_on_failure=False)
    if isinstance(result, BaseException):
        raise RuntimeError(f"{flow.name} crashed: {state.message}") from result
    return result, (state.name if not state.is_completed() else "Completed") + (
        f": {state.message}" if state.message and not state.is_completed() else ""
    )


def server_runs(name: str) -> int:
    """How many flow runs called `name` the Prefect server has recorded (proof the run went to the server)."""
    import json
    import urllib.request

    request = urllib.request.Request(
        f"{os.environ['PREFECT_API_URL']}/flow_runs/count",
        method="POST",
        data=json.dumps({"flow_runs": {"name": {"any_": [name]}}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    return int(urllib.request.urlopen(request, timeout=10).read())


def first_night(db, scale, engine, today) -> Figure:
    from flows.nightly import nightly_check

    book, calendar = _rules()
    figure = Figure(db, scale, "first nightly check (flows.nightly.nightly_check, end to end)")
    with tempfile.TemporaryDirectory(prefix="mappa-floor-mail-") as scratch:
        figure.floor, (cases, mails) = floor_of(night_floor, engine, today, book, calendar, True, Path(scratch))
    with timed(figure):
        report, ended = run_flow(nightly_check, as_of=today)
    figure.rows = report.cases
    if report.cases != cases:
        figure.notes.append(f"floor decided {cases} cases")
    figure.notes.append(
        f"{len(report.queued)} notices queued, delivered by the file transport; "
        f"floor: read + decide + render and write {mails} e-mails; run {ended}; "
        f"{server_runs(f'nightly-check-{today}')} run(s) on the Prefect server"
    )
    return show(figure)


def rerun(db, scale, engine, today) -> Figure:
    from flows.nightly import nightly_check

    book, calendar = _rules()
    figure = Figure(db, scale, "rerun of the same night (nightly_check again)")
    # Nothing new is queued or sent on a rerun: the floor reads and decides, and renders nothing.
    figure.floor, (cases, _) = floor_of(night_floor, engine, today, book, calendar, False)
    with timed(figure):
        report, ended = run_flow(nightly_check, as_of=today)
    figure.rows = cases
    figure.notes.append(
        f"{len(report.queued)} notices queued; fingerprint skip "
        f"{'taken' if report.unchanged else 'NOT taken (decided again)'}; run {ended}; "
        f"floor: read + decide {cases} cases, no rendering"
    )
    return show(figure)


def many_nights(db, scale, engine, today, nights) -> Figure:
    """`simulate_nights` over `nights` nights; the floor is measured on sampled nights, each on the exact
    state the simulation left just before that night, and its time is taken out of the step's figures."""
    import time

    from flows.simulate import simulate_nights

    book, calendar = _rules()
    first, last = today + timedelta(days=1), today + timedelta(days=nights)
    samples = sorted({i * nights // FLOOR_SAMPLES for i in range(FLOOR_SAMPLES)})
    floors, spent = [], [0.0, 0.0]

    def sample(index: int) -> None:
        if index in samples:
            wall, cpu = time.perf_counter(), time.process_time()
            floors.append(floor_of(night_floor, engine, first + timedelta(days=index), book, calendar, False)[0])
            spent[0] += time.perf_counter() - wall
            spent[1] += time.process_time() - cpu

    done = []

    def progress(report) -> None:
        done.append(report)
        sample(len(done))  # the floor of the next night, on the state this night left

    figure = Figure(db, scale, f"{nights} consecutive nights (flows.simulate.simulate_nights, send=False)")
    sample(0)
    spent[:] = [0.0, 0.0]
    with timed(figure):
        reports, ended = run_flow(simulate_nights, start=first, end=last, send=False, progress=progress)
    figure.wall -= spent[0]
    figure.cpu -= spent[1]
    figure.floor = sum(floors) / len(floors) * nights
    figure.rows = sum(r.cases for r in reports)
    figure.notes.append(
        f"{sum(len(r.queued) for r in reports)} notices queued; run {ended}; "
        f"floor: read + decide, measured on nights {', '.join(str(i + 1) for i in samples)} "
        f"(each on the state just before it, its time excluded), scaled to {nights}"
    )
    return show(figure)


def yearly_report(db, scale, engine, as_of) -> Figure:
    """`mappa report --format json` over the year ending on the last night simulated, every prison."""
    from chase.compliance import build_report
    from db.session import transaction

    figure = Figure(db, scale, "compliance report over a year (chase.compliance.build_report, as JSON)")
    figure.floor, cases = floor_of(report_floor, engine, as_of - timedelta(days=364), as_of, _rules()[1])
    with timed(figure), transaction(engine) as session:
        report = build_report(session, period_from=as_of - timedelta(days=364), period_to=as_of, as_of=as_of)
        report.to_json()
    figure.rows = report.totals["due"]
    figure.notes.append(
        f"{len(report.establishments)} establishments, {len(report.at_risk)} at risk; floor: one plain read of "
        f"the {cases} cases due in the year and their highest step, then the measures over them"
    )
    return show(figure)


def smtp_delivery(db, scale, engine, url) -> Figure:
    import outbox.send
    from outbox.send import deliver
    from scripts.harness.smtp import SmtpSink
    from tasks.deliver import mailer

    figure = Figure(db, scale, "deliver the queued e-mails to a loopback SMTP server (outbox.send.deliver)")
    seen = []
    real_render = outbox.send.render

    def recording_render(envelope, **kwargs):
        seen.append((envelope, kwargs))
        return real_render(envelope, **kwargs)

    with SmtpSink() as sink:
        use_database(url, "smtp", host=sink.host, port=sink.port, security="none")
        outbox.send.render = recording_render
        try:
            with timed(figure):
                report = deliver(mailer(), token="bench")
        finally:
            outbox.send.render = real_render
        figure.rows = report.messages
        figure.notes.append(
            f"{report.counts.get('sent', 0)} deliveries in {report.messages} e-mails; "
            f"{sum(v for k, v in report.counts.items() if k != 'sent')} not sent ({dict(report.counts)})"
        )
        figure.floor, _ = floor_of(_render_and_send, sink.host, sink.port, seen)
    use_database(url)
    figure.notes.append("floor: render the same envelopes once each and send them over one smtplib connection")
    return show(figure)


def _render_and_send(host, port, seen) -> None:
    from notifications.compose import render

    with smtplib.SMTP(host, port) as client:
        for envelope, kwargs in seen:
            message = render(envelope, **kwargs)
            client.sendmail(
                "mappa-tracker@justice.gov.uk", [envelope.recipient], message.as_bytes(policy=email.policy.SMTP)
            )


def show(figure: Figure) -> Figure:
    ratio = f"  {figure.ratio:.1f}x floor" if figure.ratio else ""
    print(
        f"[{figure.db} x{figure.scale:g}] {figure.step}: {figure.rows} rows, {figure.wall:.2f} s wall, "
        f"{figure.cpu:.2f} s CPU, {figure.rate:,.0f} rows/s, peak {figure.peak_mb:.0f} MB{ratio}, "
        f"load {figure.load[0]:.1f}->{figure.load[1]:.1f}" + (f"  ({'; '.join(figure.notes)})" if figure.notes else ""),
        flush=True,
    )
    return figure
