"""`simulate` over a year gives exactly the outbox that running every night separately gives."""

from __future__ import annotations

import random
from datetime import date, timedelta

from config.settings import get_settings
from db.session import make_engine
from flows.simulate import simulate_nights
from tests.chase.helpers import outbox, run_night
from tests.support import builders as b

START, MIDDLE, END = date(2027, 1, 4), date(2027, 6, 30), date(2027, 12, 31)


def populate(engine, seed: int = 7, cases: int = 200) -> list[str]:
    """A seeded mix: releases across the year, some with no COM, some with no release date."""
    rng = random.Random(seed)
    b.durham(engine)
    numbers = []
    for n in range(cases):
        number = f"A{n:04d}BC"
        crd = START + timedelta(days=rng.randrange(30, 420)) if rng.random() > 0.03 else None
        b.prisoner(engine, number, crd=crd, com=None if rng.random() < 0.1 else f"com.{n % 7}")
        numbers.append(number)
    return numbers


def arrive(engine, numbers: list[str], seed: int = 7) -> None:
    """Information for a third of the cases arrives at mid-year, some of it partial."""
    rng = random.Random(seed)
    for number in numbers:
        if rng.random() < 0.33:
            level = rng.choice([1, 1, 1, 2, 0])
            b.information(
                engine,
                number,
                category=2,
                level=level,
                meeting_date=MIDDLE if level == 2 and rng.random() < 0.5 else None,
                on=MIDDLE,
            )


def every_night_separately(url: str, first: date, last: date) -> None:
    night = first
    while night <= last:
        engine = make_engine(url)  # a fresh process-like start each night: nothing carried over in memory
        run_night(engine, night)
        engine.dispose()
        night += timedelta(days=1)


def test_simulating_a_year_matches_running_each_night(sqlite_factory, tmp_path, monkeypatch, prefect_api):
    """On SQLite only: the equivalence is about the flow, and a year of nights twice is the slow part."""
    separate_url, simulated_url = sqlite_factory.create(tmp_path), sqlite_factory.create(tmp_path)
    monkeypatch.setenv("MAPPA_DATABASE_URL", simulated_url)
    get_settings.cache_clear()
    separate, simulated = make_engine(separate_url), make_engine(simulated_url)
    numbers = populate(separate)
    populate(simulated)
    every_night_separately(separate_url, START, MIDDLE)
    simulate_nights(START, MIDDLE, send=False)
    arrive(separate, numbers)
    arrive(simulated, numbers)
    every_night_separately(separate_url, MIDDLE + timedelta(days=1), END)
    simulate_nights(MIDDLE + timedelta(days=1), END, send=False)
    expected = outbox(separate, include_superseded=True)
    assert len(expected) > 1000
    assert outbox(simulated, include_superseded=True) == expected
