"""Many nights in one process: try a policy on real data, or watch the ladder unfold in the demo.

Each night runs exactly the tasks the nightly check runs, so the outbox it leaves
is the one running every night separately would have left.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from prefect import flow

from chase.night import NightReport
from flows.nightly import check_night
from tasks.deliver import deliver_notices


@flow(name="simulate-nights", flow_run_name="simulate-{start}-to-{end}", log_prints=False)
def simulate_nights(
    start: date, end: date, send: bool = True, progress: Callable[[NightReport], None] | None = None
) -> list[NightReport]:
    """Run every night from `start` to `end` inclusive, in order."""
    reports = []
    night = start
    while night <= end:
        reports.append(run_one_night(night, send))
        if progress:
            progress(reports[-1])
        night += timedelta(days=1)
    return reports


def run_one_night(night: date, send: bool) -> NightReport:
    actor = f"simulate {night}"
    report = check_night(night, actor)
    if send:
        deliver_notices(night, actor)
    return report
