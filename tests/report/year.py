"""A simulated year for the report's tests: two prisons, information arriving at scattered nights."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import update

from db.models import Prisoner
from db.session import transaction
from tests.chase.helpers import run_night
from tests.support import builders as b

START, END = date(2027, 1, 4), date(2027, 12, 31)


def simulate_year(engine, seed: int = 13, cases: int = 60) -> None:
    rng = random.Random(seed)
    b.durham(engine)
    b.prison(engine, "FKI", "HMP Frankland")
    arrivals: dict[date, list[tuple[str, dict]]] = {}
    for n in range(cases):
        number = f"R{n:04d}EP"
        crd = START + timedelta(days=rng.randrange(60, 400))
        b.prisoner(engine, number, crd=crd, establishment=rng.choice(["DMI", "FKI"]), com=f"com.{n % 5}")
        roll = rng.random()
        if roll < 0.75:  # the rest never arrive: released unconfirmed or still open
            night = crd - timedelta(days=rng.randrange(-10, 200))
            info = {"category": 2, "level": 1, "on": night if rng.random() < 0.7 else None}
            if rng.random() < 0.1:
                info = {"not_eligible": True, "on": night}
            arrivals.setdefault(night, []).append((number, info))
    night = START
    while night <= END:
        for number, info in arrivals.get(night, []):
            b.information(engine, number, **info)
        if night.day == 1:  # a transfer now and then: the report counts a case where it was on D
            transfer(engine, f"R{night.month:04d}EP")
        # a release put back (its D moves later), and last month's such case moves: when that is after its last step
        # and before its new D, it counts where it went, not where its last notice came from (R0027EP)
        if night.day == 15 and night.month + 20 < cases:
            with transaction(engine) as session:
                session.get_one(Prisoner, f"R{night.month + 20:04d}EP").crd += timedelta(days=91)
            transfer(engine, f"R{night.month + 19:04d}EP")
        run_night(engine, night)
        night += timedelta(days=1)


def transfer(engine, number: str) -> None:
    """Durham to Frankland in the prisoner's row, as a releases feed leaves it; the nightly check records the move."""
    with transaction(engine) as session:
        session.execute(
            update(Prisoner)
            .where(Prisoner.prison_number == number, Prisoner.establishment_code == "DMI")
            .values(establishment_code="FKI")
        )
