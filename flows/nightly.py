"""The nightly check: decide every tracked case, queue what is due, deliver it, report it."""

from __future__ import annotations

from datetime import date

from prefect import flow
from prefect.runtime import flow_run
from prefect.states import Failed
from prefect.utilities.annotations import quote

from chase.night import NightReport, batches
from config import runtime
from config.collector import collector_frozen
from flows.telling import deliver_and_tell, untold_reason
from outbox.result import DeliveryResult
from tasks.chase import BATCH_SIZE, check_batch, load_cases, mark_night_checked, night_unchanged, stale_sources
from tasks.deliver import refresh_delivery_statuses
from tasks.report import announce_night_checked, publish_night_report


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
    if not dry_run:
        refresh_delivery_statuses(actor)  # first: a bounce found now is re-addressed and reported tonight
    stale = stale_sources()
    report = check_night(night, actor, dry_run, stale)
    delivery, told = (None, None) if dry_run else deliver_and_tell(night, actor)
    if told is not None:
        report.open_problems = told["open"]
        remember_checked(report, stale)
    publish_night_report(quote(report), delivery)  # quoted: Prefect would walk every queued notice in it
    outcome = verdict(report, delivery, told)
    if outcome is report and not dry_run:
        announce_night_checked(night)
    return outcome


def check_night(night: date, actor: str, dry_run: bool = False, stale: dict | None = None) -> NightReport:
    """Decide every tracked case in batches, unless nothing has changed since this night was checked.

    `stale`: HMPPS-synced establishments whose data is too old tonight (the nightly check judges it by
    the real clock; a simulated night is not a real night and passes none).
    """
    report = NightReport(night, dry_run)
    if night_unchanged(night, stale):
        report.unchanged = True
        return report
    cases = load_cases().unquote()
    with collector_frozen():  # the night's cases live until its last batch: the collector need not walk them
        for number, batch in enumerate(batches(cases, BATCH_SIZE), start=1):
            report.add(check_batch(quote(batch), night, actor, dry_run, number, stale))
    return report


def remember_checked(report: NightReport, stale: dict | None = None) -> None:
    """Fingerprint what the night read, once all its writes are in (the digests' audit events too),
    so that a rerun with nothing new skips the decisions."""
    if not report.dry_run and not report.unchanged:
        mark_night_checked(report.night, report.cases, stale)


def verdict(report: NightReport, delivery: DeliveryResult | None, told: dict | None = None):
    """Everything is committed by now; fail the run visibly if a human needs to look."""
    reasons = []
    if delivery is not None and delivery.undelivered:
        reasons.append(
            f"{delivery.undelivered_notices} notices could not be delivered "
            f"({delivery.undelivered} copies): {delivery.why}"
        )
    threshold, blocking = runtime.settings().data_problem_threshold, report.blocking_problems()
    if blocking > threshold:
        reasons.append(
            f"{blocking} blocking data problems, more than MAPPA_DATA_PROBLEM_THRESHOLD={threshold}: "
            "see `mappa problems` or the nightly-summary artifact"
        )
    if untold := untold_reason(told):
        reasons.append(untold)
    return Failed(data=report, message="; ".join(reasons)) if reasons else report
