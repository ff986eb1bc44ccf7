"""What counts as "MAPPA information has arrived"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

MEETING_LEVELS = (2, 3)  # levels managed through MAPP meetings


@dataclass(frozen=True)
class Information:
    """What the COM has confirmed (allocations feed or `mappa record`)."""

    category: int | None = None  # 1..4
    level: int | None = None  # 0..3; 0 = not MAPPA-eligible / not relevant
    meeting_date: date | None = None  # first MAPP meeting, needed for level 2/3
    not_eligible: bool = False  # COM confirmed not MAPPA-eligible

    def __post_init__(self) -> None:
        if self.category is not None and self.category not in (1, 2, 3, 4):
            raise ValueError(f"MAPPA category must be 1..4, got {self.category!r}")
        if self.level is not None and self.level not in (0, 1, 2, 3):
            raise ValueError(f"MAPPA level must be 0..3, got {self.level!r}")

    @property
    def is_not_eligible(self) -> bool:
        return self.not_eligible or self.level == 0


def missing_information(info: Information) -> tuple[str, ...]:
    """What is still to come, in the order notices list it; () when complete."""
    if info.is_not_eligible:
        return ()
    missing = []
    if info.category is None:
        missing.append("category")
    if info.level is None:
        missing.append("level")
    if info.level in MEETING_LEVELS and info.meeting_date is None:
        missing.append("mapp_meeting_date")
    return tuple(missing)
