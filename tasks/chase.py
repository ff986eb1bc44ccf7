"""Prefect tasks of the nightly check: load the cases once, decide and write them batch by batch."""

from __future__ import annotations

from datetime import date

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from chase import night as chase_night
from chase.fingerprint import decision_context, record_checked, unchanged_since_checked
from chase.load import Snapshot
from chase.problems import known_for, now_utc, stale_establishments
from config import runtime
from config.settings import get_settings
from db.session import session_factory, transaction

# Cases travel between tasks inside `quote`: Prefect otherwise walks every nested
# value of a task's inputs and result looking for futures, which cost more than
# the chase itself. NO_CACHE: hashing thousands of cases for a cache key is no better.
BATCH_SIZE = 2000


@task(name="load-cases", cache_policy=NO_CACHE)
def load_cases() -> quote:
    snapshots = chase_night.load_cases(runtime.database())
    get_run_logger().info("loaded %d tracked cases", len(snapshots))
    return quote(snapshots)


@task(name="check-batch", cache_policy=NO_CACHE, task_run_name="check-batch-{number}")
def check_batch(
    snapshots: list[Snapshot], night: date, actor: str, dry_run: bool, number: int, stale: dict | None = None
):
    """Pass the cases as `quote(batch)`; Prefect unwraps it before calling. `stale`: establishment -> since."""
    engine = runtime.database()
    known = known_for(engine, snapshots, stale, get_settings().allowed_recipient_domains)
    with session_factory(engine)() as session:
        context = decision_context(session, runtime.policy(), runtime.calendar(), _also_read(stale))
    report = chase_night.check_batch(
        engine, snapshots, night, actor, runtime.policy(), runtime.calendar(), dry_run, known, context
    )
    get_run_logger().info(
        "batch %d: %d cases (%d decisions still standing), %d notices queued, %d already queued, %d superseded",
        number,
        report.cases,
        report.standing,
        len(report.queued),
        report.already_queued,
        report.superseded,
    )
    return report


@task(name="stale-sources", cache_policy=NO_CACHE)
def stale_sources() -> dict[str, str]:
    """HMPPS-synced establishments whose last good sync is too old, by the real clock."""
    stale = stale_establishments(runtime.database(), runtime.policy(), now_utc())
    if stale:
        get_run_logger().warning("source stale for %s", ", ".join(f"{c} (since {s})" for c, s in sorted(stale.items())))
    return stale


def _also_read(stale: dict | None) -> str:
    return repr((sorted((stale or {}).items()), get_settings().allowed_recipient_domains))


@task(name="night-unchanged", cache_policy=NO_CACHE)
def night_unchanged(night: date, stale: dict | None = None) -> bool:
    """True when this night was checked and nothing it reads has changed since: skip to delivery."""
    with session_factory(runtime.database())() as session:
        unchanged = unchanged_since_checked(session, night, runtime.policy(), _also_read(stale))
    if unchanged:
        get_run_logger().info("night %s was already checked and no input has changed since", night)
    return unchanged


@task(name="mark-night-checked", cache_policy=NO_CACHE)
def mark_night_checked(night: date, cases: int, stale: dict | None = None) -> None:
    with transaction(runtime.database()) as session:
        record_checked(session, night, runtime.policy(), cases, _also_read(stale))
