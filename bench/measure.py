"""Wall time, CPU time and peak memory of one step, and its ratio to the floor."""

from __future__ import annotations

import os
import resource
import time
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Figure:
    db: str
    scale: float
    step: str
    rows: int = 0
    wall: float = 0.0
    cpu: float = 0.0
    peak_mb: float = 0.0  # the process's peak RSS so far (it never goes down)
    floor: float | None = None  # wall time of the least work giving the same result
    notes: list[str] = field(default_factory=list)
    load: tuple[float, float] = (0.0, 0.0)  # 1-minute load average at the start and the end of the step

    @property
    def rate(self) -> float:
        return self.rows / self.wall if self.wall else 0.0

    @property
    def ratio(self) -> float | None:
        return self.wall / self.floor if self.floor else None


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def timed(figure: Figure):
    before = os.getloadavg()[0]
    wall, cpu = time.perf_counter(), time.process_time()
    yield figure
    figure.wall += time.perf_counter() - wall
    figure.cpu += time.process_time() - cpu
    figure.peak_mb = peak_mb()
    figure.load = (before, os.getloadavg()[0])


def floor_of(function, *args):
    """(wall seconds, result) of the floor computation."""
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result
