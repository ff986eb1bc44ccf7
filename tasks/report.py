"""The night in the Prefect UI: a markdown summary and a table of the notices queued.

Prison numbers, steps, dates and counts only: the UI is widely visible, so no names.
"""

from __future__ import annotations

from datetime import date

from prefect import task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.events import emit_event
from prefect.runtime import deployment, flow_run

from chase.night import NightReport
from config import runtime
from feeds.hmpps.age import data_age_section
from outbox.result import DeliveryResult
from rules.states import State

MAX_ROWS = 5000


@task(name="publish-night-report", cache_policy=NO_CACHE)
def publish_night_report(report: NightReport, delivery: DeliveryResult | None = None) -> None:
    create_markdown_artifact(
        key="nightly-summary",
        markdown=night_summary_markdown(report, delivery) + "\n" + data_age_section(runtime.database(), report.night),
        description=f"Nightly check {report.night}",
    )
    rows = [{k: item[k] for k in ("prison_number", "establishment_code", "step", "night")} for item in report.queued]
    create_table_artifact(
        key="notices-queued",
        table=rows[:MAX_ROWS] or [{"prison_number": "", "step": "none queued"}],
        description=f"Notices queued on the night of {report.night}",
    )
    if report.closed.get(State.RELEASED_UNCONFIRMED) and not report.dry_run:
        emit_event(
            event="mappa.cases.released-unconfirmed",
            resource={"prefect.resource.id": f"mappa.night.{report.night}"},
            payload={"count": report.closed[State.RELEASED_UNCONFIRMED]},
        )


NIGHT_CHECKED = "mappa.night.checked"  # what the dead-man's switch (automations/) waits for


def announce_night_checked(night: date) -> None:
    """Tell the dead-man's switch a real night is done: a run of a deployment that completed.

    Not a dry run, not an ad-hoc `mappa check` (no deployment): neither proves the schedule works.
    Emitted last, once the verdict is known to be Completed.
    """
    if deployment.id is None:
        return
    emit_event(
        event=NIGHT_CHECKED,
        resource={"prefect.resource.id": f"mappa.night.{night}", "prefect.resource.name": f"night {night}"},
        related=[
            {"prefect.resource.id": f"prefect.deployment.{deployment.id}", "prefect.resource.role": "deployment"},
            {"prefect.resource.id": f"prefect.flow-run.{flow_run.id}", "prefect.resource.role": "flow-run"},
        ],
    )


def night_summary_markdown(report: NightReport, delivery: DeliveryResult | None) -> str:
    mode = " (dry run: nothing written)" if report.dry_run else ""
    if report.unchanged:
        mode += " (already checked and nothing has changed since: decisions skipped, delivery retried)"
    lines = [
        f"# Nightly check {report.night}{mode}",
        "",
        f"{report.cases} tracked cases; {len(report.queued)} notices queued; "
        f"{report.already_queued} already queued by an earlier run; {report.superseded} steps superseded; "
        f"{report.retired} unsent notices withdrawn or cancelled.",
        "",
    ]
    lines += _table("Notices queued per step", ["step", "notices"], sorted(report.steps().items()))
    per_prison = [
        (code, sum(c.values()), ", ".join(f"{s} {n}" for s, n in sorted(c.items())))
        for code, c in sorted(report.by_establishment().items())
    ]
    lines += _table("Per establishment", ["establishment", "notices", "steps"], per_prison)
    lines += _table("Cases by state", ["state", "cases"], sorted(report.states.items()))
    lines += _table("Closed tonight", ["closed as", "cases"], sorted(report.closed.items()))
    shown = report.shown_problems()
    problems = [
        (p["prison_number"] or "-", p["establishment_code"] or "?", p["code"], "yes" if p["blocking"] else "no")
        for p in shown[:200]
    ]
    lines += _table(
        f"Data problems ({len(shown)}, {report.blocking_problems()} blocking)",
        ["prison number", "establishment", "problem", "blocking"],
        problems,
    )
    if delivery:
        lines += _table("Delivery", ["outcome", "count"], sorted(delivery.counts.items()))
        blocked = [(b["prison_number"], b["step"], b["reason"]) for b in delivery.blocked[:200]]
        lines += _table("Held as blocked", ["prison number", "step", "reason"], blocked)
    return "\n".join(lines)


def _table(title: str, header: list[str], rows: list) -> list[str]:
    if not rows:
        return [f"## {title}", "", "None.", ""]
    out = [f"## {title}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(cell).replace("|", "/") for cell in row) + " |" for row in rows]
    return out + [""]
