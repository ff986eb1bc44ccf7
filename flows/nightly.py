"""The nightly check: decide every tracked case, queue what is due, deliver it, report it."""

from __future__ import annotations

from datetime import date

from prefect import flow
from prefect.runtime import flow_run
from prefect.states import Failed
from prefect.utilities.annotations import quote

from chase.night import NightReport, batches
from config import runtime
from tasks.chase import BATCH_SIZE, check_batch, load_cases, mark_night_checked, night_unchanged
from tasks.deliver import deliver_notices
from tasks.report import publish_night_report


def run_name() -> str:
    as_of = flow_run.parameters.get("as_of") or runtime.london_today()
    return f"nightly-check-{as_of}"


@flow(name="nightly-check", flow_run_name=run_name, log_prints=False)
def nightly_check(as_of: date | None = None, dry_run: bool = False):
    """Run one night: queue requests, reminders and escalations due tonight, then deliver them.

    `as_of` defaults to today in Europe/London; `dry_run` decides everything and writes nothing.
    """
    night = as_of or runtime.london_today()
    actor = f"nightly-check {night} (flow run {flow_run.id})"
    report = check_night(night, actor, dry_run)
    delivery = None if dry_run else deliver_notices(night, actor)
    publish_night_report(report, delivery)
    return verdict(report, delivery)


def check_night(night: date, actor: str, dry_run: bool = False) -> NightReport:
    """Decide every tracked case in batches, unless nothing has changed since this night was checked."""
    report = NightReport(night, dry_run)
    if night_unchanged(night):
        report.unchanged = True
        return report
    for number, batch in enumerate(batches(load_cases().unquote(), BATCH_SIZE), start=1):
        report.add(check_batch(quote(batch), night, actor, dry_run, number))
    if not dry_run:
        mark_night_checked(night, report.cases)
    return report


def verdict(report: NightReport, delivery: dict | None):
    """Everything is committed by now; fail the run visibly if a human needs to look."""
    delivery, reasons = delivery or {}, []
    if delivery.get("undelivered"):
        reasons.append(
            f"{delivery['undelivered_notices']} notices could not be delivered "
            f"({delivery['undelivered']} copies): {delivery['why']}"
        )
    threshold = runtime.settings().data_problem_threshold
    if len(report.problems) > threshold:
        reasons.append(
            f"{len(report.problems)} data problems, more than MAPPA_DATA_PROBLEM_THRESHOLD={threshold}: "
            "see the nightly-summary artifact"
        )
    return Failed(data=report, message="; ".join(reasons)) if reasons else report
