"""Prefect tasks of the weekly compliance report: queue its e-mails, and publish its headline counts."""

from __future__ import annotations

from datetime import date

from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from chase.weekly_report import queue_weekly_reports
from config import runtime
from notifications.report.formats import MEASURE_LABELS, MEASURES, figure
from outbox.result import DeliveryResult


@task(name="queue-weekly-reports", cache_policy=NO_CACHE)
def queue_reports(as_of: date, actor: str) -> dict:
    result = queue_weekly_reports(runtime.database(), as_of, actor, runtime.settings().report_national_to)
    get_run_logger().info(
        "weekly report: %d e-mails queued, %d queued by an earlier run, %d groups with no address",
        len(result.keys),
        result.already,
        len(result.nobody),
    )
    report = result.national
    assert report is not None
    return {"queued": result.keys, "already": result.already, "nobody": result.nobody, "report": report.as_dict()}


@task(name="publish-weekly-report", cache_policy=NO_CACHE)
def publish_weekly_report(report: dict, queued: dict, delivery: DeliveryResult) -> None:
    create_markdown_artifact(
        key="weekly-report",
        markdown=headline_markdown(report, queued, delivery),
        description="Weekly compliance report",
    )


def headline_markdown(report: dict, queued: dict, delivery: DeliveryResult) -> str:
    """Counts only: the Prefect UI is widely visible, so no names and no prison numbers."""
    lines = [
        f"# Weekly compliance report, cases due {report['from']} to {report['to']}",
        "",
        f"{len(queued['queued'])} e-mails queued, {queued['already']} already queued by an earlier run, "
        f"{delivery.messages} e-mails sent.",
        "",
        "| Group | " + " | ".join(MEASURE_LABELS[m] for m in MEASURES) + " |",
        "|" + "---|" * (len(MEASURES) + 1),
    ]
    rows = [("All", report["totals"])] + [(e["code"], e) for e in report["establishments"]]
    rows += [(p["code"], p) for p in report["pdus"]]
    for label, m in rows:
        lines.append(f"| {label} | " + " | ".join(figure(m[k], k) for k in MEASURES) + " |")
    lines += ["", f"On-time target: {figure(report['on_time_target'], 'on_time_rate')}."]
    return "\n".join(lines) + "\n"
