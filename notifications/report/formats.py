"""The report as text formats: HTML for a browser (charts as data: URIs), CSV, and the headline figures.

HTML goes through a Jinja2 template with autoescape and StrictUndefined, like every e-mail here.
"""

from __future__ import annotations

import base64
import csv
import io
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from notifications.report.charts import OUTCOME_LABELS, Chart, charts
from rules.compliance import OUTCOMES

TEMPLATES = Path(__file__).parent / "templates"
MEASURES = ["due", *OUTCOMES, "on_time_rate", "median_working_days_late", "p90_working_days_late"]
MEASURE_LABELS = {
    "due": "Due",
    **OUTCOME_LABELS,
    "on_time_rate": "On-time rate",
    "median_working_days_late": "Median working days late",
    "p90_working_days_late": "90th percentile working days late",
}

_environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def figure(value: Any, measure: str = "") -> str:
    """A measure as a person reads it: a rate as a percentage, none as a dash."""
    if value is None:
        return "–"
    if measure == "on_time_rate":
        return f"{100 * value:.1f}%"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


_environment.filters["figure"] = figure


def headline(report: Any) -> list[tuple[str, str]]:
    """The headline figures, in order: what the report says first, in every format."""
    t = report.totals
    return [
        ("Cases due", figure(t["due"])),
        ("Confirmed on time", figure(t["confirmed_on_time"])),
        ("On-time rate", figure(t["on_time_rate"], "on_time_rate")),
        ("Target", figure(report.on_time_target, "on_time_rate")),
        ("Confirmed late", figure(t["confirmed_late"])),
        ("Released unconfirmed", figure(t["released_unconfirmed"])),
        ("Open and overdue", figure(t["open_overdue"])),
    ]


def render_html(report: Any, chart_list: list[Chart] | None = None, *, image_src: str = "data") -> str:
    """The report as one HTML page; charts embedded as data: URIs (or cid: references for an e-mail)."""
    chart_list = charts(report) if chart_list is None else chart_list
    images = {
        c.name: (f"cid:{c.name}" if image_src == "cid" else "data:image/png;base64," + base64.b64encode(c.png).decode())
        for c in chart_list
    }
    return _environment.get_template("report.html").render(
        report=report,
        headline=headline(report),
        charts=chart_list,
        images=images,
        measures=MEASURES,
        labels=MEASURE_LABELS,
    )


def render_csv(report: Any) -> str:
    """One row per group (total, establishment, PDU, team, week), one column per measure."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    steps = list(report.totals["highest_step"])
    writer.writerow(["group", "code", "name", *MEASURES, *[f"highest_step:{s}" for s in steps]])

    def row(group: str, code: str, name: str, m: dict[str, Any]) -> list[Any]:
        values = ["" if m[k] is None else m[k] for k in MEASURES]
        return [group, code, name, *values, *[m["highest_step"].get(s, 0) for s in steps]]

    writer.writerow(row("total", "", "", report.totals))
    for group, items in (("establishment", report.establishments), ("pdu", report.pdus), ("team", report.teams)):
        for item in items:
            writer.writerow(row(group, item["code"], item["name"], item))
    for week in report.weekly:
        writer.writerow(row("week", week["week"], "", week))
    return out.getvalue()
