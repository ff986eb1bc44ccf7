"""Prefect task: tell a person about the night's data problems (chase.digest)."""

from __future__ import annotations

from datetime import date

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from chase.digest import queue_digests
from chase.problem_list import open_problems
from chase.readdress import readdress
from config import runtime
from config.settings import get_settings


@task(name="readdress-undelivered", cache_policy=NO_CACHE)
def readdress_undelivered(night: date) -> int:
    """Undelivered copies whose address was corrected at its source go to the new address, once."""
    moved = readdress(runtime.database(), runtime.policy(), night)
    if moved:
        get_run_logger().info("%d undelivered copies re-addressed to corrected addresses", moved)
    return moved


@task(name="queue-data-problem-digests", cache_policy=NO_CACHE)
def queue_data_problem_digests(night: date, actor: str) -> dict:
    engine = runtime.database()
    result = queue_digests(engine, night, actor, runtime.policy(), get_settings().data_problems_to)
    problems = open_problems(engine)
    get_run_logger().info(
        "data problems: %d open; %d digests queued%s",
        len(problems),
        len(result.queued),
        f"; nobody to tell for {', '.join(sorted(result.untold))}" if result.untold else "",
    )
    return {"queued": result.queued, "untold": result.untold, "open": problems}
