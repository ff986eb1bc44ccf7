"""Prisons, PDUs and probation staff: fictional, addressed on the allowed government domains."""

from __future__ import annotations

from dataclasses import dataclass
from random import Random

from synth.ids import unique_codes
from synth.names import FIRST_NAMES, PLACE_ENDS, PLACE_STARTS, PRISON_KINDS, REGIONS, SURNAMES

JUSTICE = "justice.gov.uk"
PROBATION = "probation.gov.uk"


@dataclass(frozen=True)
class Prison:
    code: str
    name: str
    region: int

    def row(self) -> list[str]:
        lower = self.code.lower()
        return [self.code, self.name, f"omu.{lower}@{JUSTICE}", f"head.omu.{lower}@{JUSTICE}"]


@dataclass(frozen=True)
class Staff:
    name: str
    email: str


@dataclass(frozen=True)
class ProbationUnit:
    code: str
    name: str
    region: int
    coms: tuple[Staff, ...]
    spos: tuple[Staff, ...]

    def row(self) -> list[str]:
        lower = self.code.lower()
        return [
            self.code,
            self.name,
            f"pdu.{lower}@{PROBATION}",
            f"head.pdu.{lower}@{PROBATION}",
            f"mappa.region{self.region + 1:02d}@{JUSTICE}",
        ]


def place_names(rng: Random, count: int) -> list[str]:
    """`count` distinct invented place names."""
    pool = [start + end for start in PLACE_STARTS for end in PLACE_ENDS]
    rng.shuffle(pool)
    names = pool[:count]
    extra = 2
    while len(names) < count:  # more places than combinations: number them, as "Ashbury 2"
        names += [f"{name} {extra}" for name in pool[: count - len(names)]]
        extra += 1
    return names


def prisons(rng: Random, count: int) -> list[Prison]:
    names = place_names(rng, count)
    codes = unique_codes(names)
    return [
        Prison(code, f"{rng.choice(PRISON_KINDS)} {name}", index % len(REGIONS))
        for index, (code, name) in enumerate(zip(codes, names))
    ]


def staff(index: int) -> Staff:
    """The index-th member of staff: a unique name and address without any randomness."""
    first = FIRST_NAMES[index % len(FIRST_NAMES)]
    last = SURNAMES[(index // len(FIRST_NAMES)) % len(SURNAMES)]
    round_ = index // (len(FIRST_NAMES) * len(SURNAMES))
    suffix = str(round_ + 1) if round_ else ""
    return Staff(f"{first} {last}", f"{first}.{last}{suffix}@{PROBATION}".lower())


def units(rng: Random, count: int, coms_each: int) -> list[ProbationUnit]:
    names = place_names(Random(rng.random()), count)
    spos_each = max(1, coms_each // 6)
    built, next_staff = [], 0
    for index, name in enumerate(names):
        region = index % len(REGIONS)
        letters = "".join(c for c in name.upper() if c.isalpha())[:3]
        code = f"N{region + 1:02d}{letters}{index:03d}"
        coms = tuple(staff(next_staff + k) for k in range(coms_each))
        spos = tuple(staff(next_staff + coms_each + k) for k in range(spos_each))
        next_staff += coms_each + spos_each
        built.append(ProbationUnit(code, f"{name} PDU", region, coms, spos))
    return built
