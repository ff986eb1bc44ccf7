"""Prefect task: send what the outbox holds, then tell Prefect's event system what went."""

from __future__ import annotations

from datetime import date

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.events import emit_event

from config import runtime
from db.types import utcnow
from notifications.failures import DeliveryError
from notifications.transports import make_transport
from outbox.refresh import refresh
from outbox.result import DeliveryResult
from outbox.send import DeliveryReport, Mailer, deliver


def mailer(transport=None) -> Mailer:
    settings, book = runtime.settings(), runtime.policy()
    return Mailer(
        engine=runtime.database(),
        transport=transport or make_transport(settings, book),
        sender=settings.mail_from,
        allowed_domains=settings.allowed_recipient_domains,
        digest_for=lambda code: book.for_establishment(code).delivery.digest,
    )


@task(name="deliver-notices", cache_policy=NO_CACHE)
def deliver_notices(night: date, actor: str) -> DeliveryResult:
    report = deliver(mailer(), token=actor[:80])
    get_run_logger().info(
        "delivery: %d e-mails sent; %s",
        report.messages,
        ", ".join(f"{k} {v}" for k, v in sorted(report.counts.items())) or "nothing to send",
    )
    announce(night, report)
    return DeliveryResult.of(report)


def announce(night: date, report: DeliveryReport) -> None:
    """Events operators can hang automations on: prison numbers and steps, never names."""
    resource = {"prefect.resource.id": f"mappa.night.{night}", "prefect.resource.name": f"nightly check {night}"}
    if report.messages:
        emit_event(
            event="mappa.notices.sent",
            resource=resource,
            payload={
                "messages": report.messages,
                "deliveries": report.counts["sent"],
                "notices": sorted({f"{pn}/{step}" for pn, step in report.sent_notices})[:500],
                "other": sorted(set(report.sent_other))[:100],
            },
        )
    if report.undelivered:
        emit_event(
            event="mappa.notices.undelivered",
            resource=resource,
            payload={"count": report.undelivered, "why": report.why()},
        )


def refresh_statuses(actor: str, transport=None) -> dict | None:
    """Ask GOV.UK Notify what became of the last 7 days' e-mails (None: the transport gives no feedback)."""
    settings = runtime.settings()
    if transport is None and settings.mail_transport != "notify":
        return None
    report = refresh(runtime.database(), transport or make_transport(settings, runtime.policy()), utcnow(), actor)
    return {
        "asked": report.asked,
        "statuses": dict(report.statuses),
        "resent": report.resent,
        "rerouted": report.rerouted,
        "summary": report.summary(),
    }


@task(name="refresh-delivery-statuses", cache_policy=NO_CACHE)
def refresh_delivery_statuses(actor: str) -> dict | None:
    try:
        found = refresh_statuses(actor)
    except DeliveryError as error:  # Notify unreachable: tonight's sending still goes; asked again next night
        get_run_logger().warning("notify statuses not refreshed: %s", error.summary)
        return None
    if found is not None:
        get_run_logger().info("notify statuses: %s", found["summary"])
    return found
