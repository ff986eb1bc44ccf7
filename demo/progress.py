"""One compact line per simulated month, printed as the flow runs; arrivals imported between nights."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import Engine

from chase.night import NightReport
from demo.story import Arrivals
from feeds.importer import import_feed
from rules.steps import Step

ORDER = (
    Step.REQUEST,
    "allocate-com",
    Step.REMINDER,
    Step.escalation(1),
    Step.escalation(2),
    Step.escalation(3),
    Step.FINAL_WARNING,
    Step.RESOLVED,
    Step.RELEASED_UNCONFIRMED,
)


class Monthly:
    """The simulate flow's `progress` callback: tallies each night, prints at each month's end."""

    def __init__(self, engine: Engine, arrivals: Arrivals, last: date, echo: Callable[[str], None]):
        self.engine, self.arrivals, self.last, self.echo = engine, arrivals, last, echo
        self.steps, self.closed, self.month = Counter(), Counter(), Counter()
        self.informed = 0
        self.nights = 0

    def __call__(self, report: NightReport) -> None:
        self.nights += 1
        self.month.update(report.steps())
        self.month.update({f"closed {state}": n for state, n in report.closed.items()})
        self.steps.update(report.steps())
        self.closed.update(report.closed)
        self._import_arrivals(report.night)
        tomorrow = report.night + timedelta(days=1)
        if tomorrow.month != report.night.month or report.night >= self.last:
            self.echo(f"  {report.night:%Y-%m}  {self._line()}")
            self.month = Counter()

    def _import_arrivals(self, night: date) -> None:
        """What COMs confirmed today reaches the database before tomorrow night's check."""
        path = self.arrivals.since(night)
        if path is None:
            return
        result = import_feed(self.engine, "allocations", path, actor=f"demo import {path.name}")
        self.informed += result.updated
        self.month["information arrived"] += result.updated

    def _line(self) -> str:
        shown = [(name, self.month[name]) for name in ORDER if self.month[name]]
        shown += [(name, n) for name, n in sorted(self.month.items()) if name not in ORDER and n]
        return ", ".join(f"{name} {n}" for name, n in shown) or "quiet"
