"""Each benchmark step: the real code path (Prefect flows, ORM, audit trail) timed beside its floor."""

from __future__ import annotations

import email.policy
import os
import smtplib
from datetime import date, timedelta
from pathlib import Path

from bench.floor import import_floor, night_floor
from bench.measure import Figure, floor_of, timed

KINDS = ("establishments", "pdus", "releases", "allocations")
FLOOR_SAMPLES = 3  # nights of the multi-night floor actually computed; the rest extrapolated


def make_feeds(folder: Path, scale: float, today: date) -> dict[str, Path]:
    from synth.write import generate

    figure = Figure("-", scale, "generate synthetic feeds")
    with timed(figure):
        paths = generate(folder, seed=1, scale=scale, today=today)
    figure.rows = sum(1 for _ in paths["releases"].open()) - 1
    show(figure)
    return paths


def use_database(url: str, transport: str = "memory", **smtp) -> None:
    from config.settings import get_settings

    os.environ["MAPPA_DATABASE_URL"] = url
    os.environ["MAPPA_MAIL_TRANSPORT"] = transport
    for name, value in smtp.items():
        os.environ[f"MAPPA_SMTP_{name.upper()}"] = str(value)
    get_settings.cache_clear()


def run_all(db: str, scale: float, url: str, feeds: dict[str, Path], today: date, nights: int, smtp: bool) -> list[Figure]:
    from db.migrate import upgrade
    from db.session import engine_for

    use_database(url)
    engine = engine_for(url)
    upgrade(engine)
    figures = [imported(db, scale, engine, kind, feeds[kind]) for kind in KINDS]
    figures += [first_night(db, scale, engine, today), rerun(db, scale, engine, today),
                many_nights(db, scale, engine, today, nights)]
    if smtp:
        figures.append(smtp_delivery(db, scale, engine, url))
    engine.dispose()
    return figures


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


def _rules():
    from tasks import resources

    return resources.policy(), resources.calendar()


def first_night(db, scale, engine, today) -> Figure:
    from flows.nightly import nightly_check

    book, calendar = _rules()
    figure = Figure(db, scale, "first nightly check (end to end, incl. rendering + memory transport)")
    figure.floor, (cases, mails) = floor_of(night_floor, engine, today, book, calendar)
    with timed(figure):
        report = nightly_check(as_of=today)
    figure.rows = cases
    figure.notes.append(f"{len(getattr(report, 'queued', []))} notices queued, {mails} e-mails rendered by the floor")
    return show(figure)


def rerun(db, scale, engine, today) -> Figure:
    from flows.nightly import nightly_check

    book, calendar = _rules()
    figure = Figure(db, scale, "rerun of the same night")
    figure.floor, (cases, _) = floor_of(night_floor, engine, today, book, calendar)
    with timed(figure):
        report = nightly_check(as_of=today)
    figure.rows = cases
    figure.notes.append(f"{len(getattr(report, 'queued', []))} notices queued")
    return show(figure)


def many_nights(db, scale, engine, today, nights) -> Figure:
    from flows.simulate import simulate_nights

    book, calendar = _rules()
    first, last = today + timedelta(days=1), today + timedelta(days=nights)
    samples = [first + timedelta(days=i * nights // FLOOR_SAMPLES) for i in range(FLOOR_SAMPLES)]
    sampled = sum(floor_of(night_floor, engine, night, book, calendar)[0] for night in samples)
    figure = Figure(db, scale, f"{nights} consecutive nights (simulate, send=False)")
    figure.floor = sampled * nights / FLOOR_SAMPLES
    figure.notes.append(f"floor: {FLOOR_SAMPLES} nights measured on the state before the run, scaled to {nights}")
    with timed(figure):
        reports = simulate_nights(first, last, send=False)
    figure.rows = sum(r.cases for r in reports)
    figure.notes.append(f"{sum(len(r.queued) for r in reports)} notices queued")
    return show(figure)


def smtp_delivery(db, scale, engine, url) -> Figure:
    from outbox.send import deliver
    from tasks.deliver import mailer
    from tests.support.smtp import SmtpSink

    figure = Figure(db, scale, "deliver the queued e-mails to a loopback SMTP server")
    with SmtpSink() as sink:
        use_database(url, "smtp", host=sink.host, port=sink.port, security="none")
        with timed(figure):
            report = deliver(mailer(), token="bench")
        figure.rows = report.messages
        figure.notes.append(f"{report.counts.get('sent', 0)} deliveries in {report.messages} e-mails")
        sample = (sink.messages[-1].as_bytes(policy=email.policy.SMTP) if sink.messages
                  else b"Subject: x\r\n\r\nx\r\n")
        figure.floor, _ = floor_of(_plain_smtp, sink.host, sink.port, sample, report.messages)
    use_database(url)
    figure.notes.append("floor: the same number of pre-rendered messages over one smtplib connection")
    return show(figure)


def _plain_smtp(host, port, message: bytes, count: int) -> None:
    with smtplib.SMTP(host, port) as client:
        for _ in range(count):
            client.sendmail("mappa-tracker@justice.gov.uk", ["someone@justice.gov.uk"], message)


def show(figure: Figure) -> Figure:
    ratio = f"  {figure.ratio:.1f}x floor" if figure.ratio else ""
    print(f"[{figure.db} x{figure.scale:g}] {figure.step}: {figure.rows} rows, {figure.wall:.2f} s wall, "
          f"{figure.cpu:.2f} s CPU, {figure.rate:,.0f} rows/s, peak {figure.peak_mb:.0f} MB{ratio}"
          + (f"  ({'; '.join(figure.notes)})" if figure.notes else ""), flush=True)
    return figure
