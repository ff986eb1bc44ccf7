"""Writing the feeds: rows are streamed to the CSV writers, one person at a time."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from random import Random

from feeds.kinds import FEED_ORDER
from synth import places
from synth.people import ALLOCATION_COLUMNS, RELEASE_COLUMNS, Population
from synth.profile import Profile

# The feeds the generator writes, in import order (its SPOs come with the allocations: no teams feed).
GENERATED = tuple(kind for kind in FEED_ORDER if kind != "teams")
PRISONERS = 90_000
PRISONS = 120
UNITS = 110
CASES_PER_COM = 40
MANIFEST = "synth.json"
ESTABLISHMENT_COLUMNS = ["code", "name", "omu_mailbox", "head_of_omu_email"]
PDU_COLUMNS = ["code", "name", "mailbox", "head_email", "mappa_coordinator_email"]


def generate(
    folder: Path | str,
    *,
    seed: int = 1,
    scale: float = 1.0,
    today: date | None = None,
    establishments: int | None = None,
    prisoners: int | None = None,
    profile: Profile | None = None,
) -> dict[str, Path]:
    """Write establishments.csv, pdus.csv, releases.csv and allocations.csv into `folder`.

    `scale` multiplies the national prisoner count (90,000); `prisoners` sets it outright.
    `establishments` defaults to 120 (fewer if there are fewer than 120 prisoners);
    PDUs follow at 110 per 120 prisons.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    settings = _settings(seed, scale, today or date.today(), establishments, prisoners, profile or Profile())
    (folder / MANIFEST).write_text(json.dumps(settings, indent=2))
    population, prisons, units = _world(settings)
    paths = {kind: folder / f"{kind}.csv" for kind in GENERATED}
    _write(paths["establishments"], ESTABLISHMENT_COLUMNS, (prison.row() for prison in prisons))
    _write(paths["pdus"], PDU_COLUMNS, (unit.row() for unit in units))
    as_of = date.fromisoformat(settings["today"])
    with (
        _writer(paths["releases"], RELEASE_COLUMNS) as releases,
        _writer(paths["allocations"], ALLOCATION_COLUMNS) as allocations,
    ):
        for index in range(settings["prisoners"]):
            person = population.person(index)
            releases.writerow(person.release)
            allocations.writerow(person.allocation(as_of))
    return paths


def arrivals(folder: Path | str, seed: int | None = None, *, on_or_before: date, name: str | None = None) -> Path:
    """The allocations feed of the population `generate` wrote into `folder`, as of `on_or_before`.

    Write it next to the others (allocations-YYYY-MM-DD.csv) and import it like any
    allocations file: the MAPPA information confirmed since `today` has arrived.
    """
    folder = Path(folder)
    settings = json.loads((folder / MANIFEST).read_text())
    if seed is not None and seed != settings["seed"]:
        raise ValueError(f"{folder} was generated with seed {settings['seed']}, not {seed}")
    population, _, _ = _world(settings)
    path = folder / (name or f"allocations-{on_or_before.isoformat()}.csv")
    _write(
        path,
        ALLOCATION_COLUMNS,
        (population.person(index).allocation(on_or_before) for index in range(settings["prisoners"])),
    )
    return path


def people(folder: Path | str) -> list:
    """Everyone `generate` wrote into `folder`, with the nights their information arrives (for simulations)."""
    settings = json.loads((Path(folder) / MANIFEST).read_text())
    population, _, _ = _world(settings)
    return [population.person(index) for index in range(settings["prisoners"])]


def _settings(seed, scale, today, establishments, prisoners, profile) -> dict:
    count = prisoners if prisoners is not None else round(PRISONERS * scale)
    if count < 0 or scale < 0:
        raise ValueError("scale and prisoners must not be negative")
    prisons = establishments or max(1, min(PRISONS, count))
    units = max(2, round(prisons * UNITS / PRISONS))
    return {
        "seed": seed,
        "today": today.isoformat(),
        "prisoners": count,
        "establishments": prisons,
        "pdus": units,
        "profile": profile.as_dict(),
    }


def _world(settings: dict):
    rng = Random(f"places-{settings['seed']}")
    prisons = places.prisons(rng, settings["establishments"])
    coms_each = max(2, round(settings["prisoners"] / settings["pdus"] / CASES_PER_COM))
    units = places.units(rng, settings["pdus"], coms_each)
    population = Population(
        settings["seed"], date.fromisoformat(settings["today"]), prisons, units, Profile.from_dict(settings["profile"])
    )
    return population, prisons, units


class _writer:
    def __init__(self, path: Path, header: list[str]):
        self.stream = path.open("w", encoding="utf-8", newline="")
        self.csv = csv.writer(self.stream)
        self.csv.writerow(header)

    def __enter__(self):
        return self.csv

    def __exit__(self, *exc_info) -> None:
        self.stream.close()


def _write(path: Path, header: list[str], rows) -> None:
    with _writer(path, header) as writer:
        writer.writerows(rows)
