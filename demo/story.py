"""The demo's data: a few prisons whose releases fall inside the simulated months, so every step shows."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

from synth.people import ALLOCATION_COLUMNS
from synth.profile import Profile
from synth.write import generate, people

PRISONS = 3
PRISONERS = 180  # about 40 of them MAPPA-eligible, so tracked
FIRST_RELEASE, LAST_RELEASE = 90, 240  # days after the first night
NIGHTS = LAST_RELEASE + 9  # past the last release, so every case closes one way or the other

# Illustrative, not national, proportions: more late and missing confirmations and more
# level 2/3 cases than real life, so a few dozen cases show every step of the ladder.
PROFILE = Profile(
    past=0.0,
    releases_between=(FIRST_RELEASE, LAST_RELEASE),
    on_time=0.3,
    late=0.45,
    levels=(0.75, 0.2, 0.05),
    meeting_known=0.3,
    no_com=0.08,
    no_spo=0.1,
)


def write_feeds(folder: Path, seed: int, start: date, prisoners: int = PRISONERS) -> dict[str, Path]:
    return generate(folder, seed=seed, today=start, establishments=PRISONS, prisoners=prisoners, profile=PROFILE)


def last_night(start: date, nights: int = NIGHTS) -> date:
    return start + timedelta(days=nights - 1)


class Arrivals:
    """The probation feed night by night: a new allocations file whenever a COM has confirmed something."""

    def __init__(self, folder: Path, start: date):
        self.folder, self.people = folder, people(folder)
        self.latest = self.rows(start)

    def rows(self, night: date) -> list[list[str]]:
        return [person.allocation(night) for person in self.people]

    def since(self, night: date) -> Path | None:
        """The allocations file as of `night`, if it differs from the last one imported."""
        rows = self.rows(night)
        if rows == self.latest:
            return None
        self.latest = rows
        path = self.folder / f"allocations-{night.isoformat()}.csv"
        with path.open("w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(ALLOCATION_COLUMNS)
            writer.writerows(rows)
        return path
