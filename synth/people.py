"""One synthetic prisoner at a time: release dates, probation allocation, and when MAPPA information arrives.

Everything about a person is drawn up front, including the nights their COM confirms
the category, level and meeting date; a feed written "as of" a date shows what had
arrived by then. So the same seed gives the same people whatever the cut-off.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from random import Random

from rules.release import RELEASE_DATE_FIELDS
from synth.ids import crn, prison_number
from synth.names import FIRST_NAMES, SURNAMES
from synth.places import Prison, ProbationUnit, Staff
from synth.profile import Profile

RELEASE_COLUMNS = [
    "prison_number",
    "first_name",
    "last_name",
    "date_of_birth",
    "establishment_code",
    "sentence_type",
    "crd",
    "ard",
    "ped",
    "hdced",
    "hdcad",
    "prrd",
    "ted",
    "thd",
    "mappa_category",
    "crn",
    "released_on",
]
ALLOCATION_COLUMNS = [
    "prison_number",
    "crn",
    "com_name",
    "com_email",
    "spo_name",
    "spo_email",
    "pdu_code",
    "mappa_category",
    "mappa_level",
    "mapp_meeting_date",
    "confirmed_on",
]
DATES = RELEASE_DATE_FIELDS


@dataclass
class Person:
    number: str
    crn: str
    release: list[str]  # the releases row
    pdu: ProbationUnit
    com: Staff | None
    spo: Staff | None
    category: int | None = None  # what the COM will confirm (None: not MAPPA-eligible)
    level: int | None = None
    meeting_date: date | None = None
    info_on: date | None = None  # category and level arrive
    meeting_on: date | None = None  # meeting date arrives (level 2/3)

    def allocation(self, as_of: date) -> list[str]:
        com, spo = self.com, self.spo
        row = [
            self.number,
            self.crn,
            com.name if com else "",
            com.email if com else "",
            spo.name if spo else "",
            spo.email if spo else "",
            self.pdu.code,
            "",
            "",
            "",
            "",
        ]
        if self.info_on is None or self.info_on > as_of:
            return row
        confirmed = self.info_on
        if self.level == 0:
            row[8] = "0"
        else:
            row[7], row[8] = str(self.category), str(self.level)
            if self.meeting_on is not None and self.meeting_on <= as_of:
                row[9], confirmed = self.meeting_date.isoformat(), self.meeting_on
        row[10] = confirmed.isoformat()
        return row


class Population:
    """Draws people in order; person i depends only on the seed and i's position in the stream."""

    def __init__(self, seed: int, today: date, prisons: list[Prison], units: list[ProbationUnit], profile: Profile):
        self.rng, self.seed, self.today, self.profile = Random(f"people-{seed}"), seed, today, profile
        self.prisons = prisons
        self.units_by_region: dict[int, list[ProbationUnit]] = {}
        for unit in units:
            self.units_by_region.setdefault(unit.region, []).append(unit)
        self.units = units

    def person(self, index: int) -> Person:
        rng, p = self.rng, self.profile
        prison = self.prisons[index % len(self.prisons)]
        key = self.key_date(rng)
        kind, dates = self.sentence(rng, key)
        number, case_ref = prison_number(index, self.seed), crn(index, self.seed)
        eligible = rng.random() < p.eligible
        category = pick(rng, p.categories) + 1 if eligible else None
        released = key < self.today and rng.random() < p.released_recorded
        born = self.today - timedelta(days=rng.randint(21 * 365, 70 * 365))
        release = [
            number,
            rng.choice(FIRST_NAMES),
            rng.choice(SURNAMES),
            born.isoformat(),
            prison.code,
            kind,
            *(dates[name].isoformat() if name in dates else "" for name in DATES),
            str(category) if eligible and rng.random() < p.prison_identified else "",
            case_ref,
            key.isoformat() if released else "",
        ]
        unit = self.unit(rng, prison)
        com = rng.choice(unit.coms) if rng.random() >= p.no_com else None
        spo = rng.choice(unit.spos) if rng.random() >= p.no_spo else None
        person = Person(number, case_ref, release, unit, com, spo)
        if eligible:
            self.confirmation(rng, person, category, key)
        return person

    def key_date(self, rng: Random) -> date:
        p, roll = self.profile, rng.random()
        if roll < p.past:
            return self.today - timedelta(days=rng.randint(1, 120))
        if p.releases_between:
            return self.today + timedelta(days=rng.randint(*p.releases_between))
        if roll < p.past + p.next_year:
            return self.today + timedelta(days=rng.randint(0, 365))
        if roll < p.past + p.next_year + p.one_to_three_years:
            return self.today + timedelta(days=rng.randint(366, 3 * 365))
        return self.today + timedelta(days=rng.randint(3 * 365, 15 * 365))

    def sentence(self, rng: Random, key: date) -> tuple[str, dict[str, date]]:
        """A sentence type and dates whose key release date (docs/policy.md, "The key release date K") is `key`."""
        p, roll = self.profile, rng.random()
        days = lambda low, high: timedelta(days=rng.randint(low, high))  # noqa: E731
        if roll < p.recall:
            return "recall", {"prrd": key, "crd": key - days(60, 900)}
        if roll < p.recall + p.indeterminate:
            if rng.random() < 0.5:
                return "indeterminate", {"ted": key}
            return "indeterminate", {"ted": key - days(365, 3650), "thd": key}
        roll = rng.random()
        if roll < p.parole_eligible:
            return "determinate", {"ped": key, "crd": key + days(365, 1460)}
        if roll < p.parole_eligible + p.hdc_approved:
            eligible = key - days(0, 30)
            return "determinate", {"hdced": eligible, "hdcad": key, "crd": key + days(14, 180)}
        dates = {"crd": key}
        if rng.random() < 0.2:
            dates["ard"] = key
        if rng.random() < 0.3:
            dates["hdced"] = key - days(14, 180)
        return "determinate", dates

    def unit(self, rng: Random, prison: Prison) -> ProbationUnit:
        local = self.units_by_region.get(prison.region)
        return rng.choice(local) if local and rng.random() < 0.7 else rng.choice(self.units)

    def confirmation(self, rng: Random, person: Person, category: int, key: date) -> None:
        """When (if ever) the COM confirms, and what."""
        p, roll = self.profile, rng.random()
        before = rng.randint(180, 230) if roll < p.on_time else rng.randint(15, 179)
        person.info_on = key - timedelta(days=before) if roll < p.on_time + p.late else None
        if rng.random() < p.not_eligible:
            person.level = 0
            return
        person.category, person.level = category, pick(rng, p.levels) + 1
        if person.level >= 2 and person.info_on is not None:
            person.meeting_date = key - timedelta(days=rng.randint(120, 170))
            known = rng.random() < p.meeting_known
            later = person.info_on + timedelta(days=rng.randint(10, 60))
            person.meeting_on = person.info_on if known else (later if rng.random() < 0.8 else None)


def pick(rng: Random, weights: tuple[float, ...]) -> int:
    roll, total = rng.random() * sum(weights), 0.0
    for index, weight in enumerate(weights):
        total += weight
        if roll < total:
            return index
    return len(weights) - 1
