"""The weekly compliance report: queue each group's e-mail, deliver it, publish the headline counts."""

from __future__ import annotations

from datetime import date

from prefect import flow
from prefect.runtime import flow_run
from prefect.states import Failed

from config import runtime
from tasks.deliver import deliver_notices
from tasks.weekly_report import publish_weekly_report, queue_reports


def run_name() -> str:
    as_of = flow_run.parameters.get("as_of") or runtime.london_today()
    return f"weekly-report-{as_of}"


@flow(name="weekly-report", flow_run_name=run_name, log_prints=False)
def weekly_report(as_of: date | None = None):
    """The last 12 full weeks: per establishment to the Head of OMU (cc the OMU mailbox), per PDU to
    its head, and nationally to MAPPA_REPORT_NATIONAL_TO when set. A rerun of the week sends nothing new."""
    night = as_of or runtime.london_today()
    actor = f"weekly-report {night} (flow run {flow_run.id})"
    queued = queue_reports(night, actor)
    delivery = deliver_notices(night, actor)
    publish_weekly_report(queued["report"], queued, delivery)
    result = {"queued": queued["queued"], "already": queued["already"], "nobody": queued["nobody"]}
    result |= delivery.as_dict()
    if delivery.undelivered:  # as a night does: a report nobody received must show in the UI
        message = f"{delivery.undelivered} weekly report e-mails could not be delivered: {delivery.why}"
        return Failed(data=result, message=message)
    return result
