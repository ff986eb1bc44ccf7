"""Many nights in one process: try a policy on real data, or watch the ladder unfold in the demo.

Each night runs exactly the tasks the nightly check runs, so the outbox it leaves
is the one running every night separately would have left. One verdict with the
nightly check: when sending, the run ends Failed if anything is still undelivered
at its end, naming the nights, and says which nights had failures along the way.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from prefect import flow, get_run_logger
from prefect.states import Completed, Failed
from sqlalchemy import func, select

from chase.night import NightReport
from config import runtime
from db.models import Delivery, Notice
from db.session import session_factory
from flows.nightly import check_night, remember_checked
from flows.telling import deliver_and_tell
from tasks.deliver import refresh_delivery_statuses


@flow(name="simulate-nights", flow_run_name="simulate-{start}-to-{end}", log_prints=False)
def simulate_nights(start: date, end: date, send: bool = True, progress: Callable[[NightReport], None] | None = None):
    """Run every night from `start` to `end` inclusive, in order."""
    reports, troubled = [], {}
    night = start
    while night <= end:
        report, delivery = run_one_night(night, send)
        reports.append(report)
        if delivery is not None and delivery.undelivered:
            troubled[night] = delivery.why
        if progress:
            progress(reports[-1])
        night += timedelta(days=1)
    return simulate_verdict(reports, troubled, still_undelivered() if send else {})


def run_one_night(night: date, send: bool) -> tuple[NightReport, dict | None]:
    actor = f"simulate {night}"
    if send:
        refresh_delivery_statuses(actor)  # as the nightly check does: what Notify learnt since last night
    report = check_night(night, actor)  # no staleness: a simulated night is not a real night
    if not send:
        remember_checked(report)
        return report, None
    delivery, told = deliver_and_tell(night, actor)
    report.open_problems = told["open"]
    remember_checked(report)
    return report, delivery


def still_undelivered() -> dict[date, int]:
    """Copies not delivered now (pending, failed or blocked), by the night their notice was queued."""
    statement = (
        select(Notice.night, func.count())
        .join(Delivery, Delivery.notice_id == Notice.id)
        .where(Delivery.status.in_(("pending", "sending", "failed", "blocked")))
        .group_by(Notice.night)
        .order_by(Notice.night)
    )
    with session_factory(runtime.database())() as session:
        return dict(session.execute(statement).all())


def simulate_verdict(reports: list[NightReport], troubled: dict[date, str], left: dict[date, int]):
    along = "; ".join(f"{night}: {why}" for night, why in troubled.items())
    if along:
        get_run_logger().warning("nights with delivery failures along the way: %s", along)
    if not left:
        return Completed(data=reports, message=f"nights with failures along the way: {along}" if along else None)
    nights = ", ".join(f"{night} ({n})" for night, n in left.items())
    message = f"still undelivered at the end: {sum(left.values())} copies of notices queued on {nights}"
    if along:
        message += f"; nights with failures along the way: {along}"
    return Failed(data=reports, message=message)
