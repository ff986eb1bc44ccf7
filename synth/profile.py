"""The proportions a synthetic population is drawn with. Defaults follow docs/policy.md, "Workload"."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Profile:
    # when the key release date falls, as shares of all prisoners (the rest: 3 to 15 years ahead)
    past: float = 0.04  # already past: released, or not yet recorded as released
    next_year: float = 0.587  # spread evenly over the next 12 months: ~4,400 a month at 90,000
    one_to_three_years: float = 0.25
    releases_between: tuple[int, int] | None = None  # if set: every future release in this window of days
    # sentences
    recall: float = 0.10
    indeterminate: float = 0.05
    parole_eligible: float = 0.12  # of determinate: a PED before the CRD
    hdc_approved: float = 0.08  # of determinate: an approved HDC date before the CRD
    # MAPPA
    eligible: float = 0.22
    categories: tuple[float, ...] = (0.40, 0.55, 0.04, 0.01)  # categories 1-4
    levels: tuple[float, ...] = (0.95, 0.04, 0.01)  # levels 1-3
    not_eligible: float = 0.02  # of eligible cases: the COM confirms level 0 instead
    prison_identified: float = 0.90  # of eligible cases: the releases feed carries the category
    # probation
    no_com: float = 0.10
    no_spo: float = 0.08
    released_recorded: float = 0.6  # of past releases: released_on filled in
    # when the COM confirms, relative to the key date (days before it)
    on_time: float = 0.70  # 180-230 days before
    late: float = 0.20  # 15-180 days before; the rest never confirm
    meeting_known: float = 0.6  # level 2/3: meeting date given with the level; else it follows later

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> Profile:
        values = dict(values)
        for name in ("releases_between", "categories", "levels"):
            if values.get(name) is not None:
                values[name] = tuple(values[name])
        return cls(**values)
