"""The weekly compliance e-mail: its template context, and its charts (inline, by Content-ID) and PDF.

The queued notice keeps the whole report in its context, so a resend shows what was true that week;
the charts and the PDF are drawn again from it at sending time.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from notifications.kinds import Attachment
from notifications.report.charts import charts
from notifications.report.formats import figure, headline
from notifications.report.pdf import render_pdf

KIND = "weekly-report"


def _uk(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y")


def email_context(report_data: dict[str, Any], group_label: str) -> dict[str, Any]:
    """What the template shows. `group_label` is a place's name or code, never a person's."""
    from chase.compliance import Report

    report = Report.from_dict(report_data)
    return {
        "report": report_data,
        "group_label": group_label,
        "from_uk": _uk(report_data["from"]),
        "to_uk": _uk(report_data["to"]),
        "as_of_uk": _uk(report_data["as_of"]),
        "on_time": figure(report.totals["on_time_rate"], "on_time_rate"),
        "totals": report.totals,
        "headline": headline(report),
        "weekly": report.weekly,
        "at_risk": report.at_risk,
        "charts": [{"name": c.name, "title": c.title, "alt": c.alt} for c in _charts(report)],
    }


def extras(context: dict[str, Any]) -> list[Attachment]:
    from chase.compliance import Report

    report = Report.from_dict(context["report"])
    pictures = _charts(report)
    images = [Attachment(f"{c.name}.png", c.png, "image", "png", inline_id=c.name) for c in pictures]
    pdf = Attachment(
        f"mappa-compliance-{context['report']['to']}.pdf", render_pdf(report, pictures), "application", "pdf"
    )
    return [*images, pdf]


def _charts(report):
    return charts(report)
