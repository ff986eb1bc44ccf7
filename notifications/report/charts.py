"""The report's charts as PNG bytes: words in titles and axes, a colour-blind safe palette, alt text.

Okabe-Ito colours, which stay distinct for the common colour-vision deficiencies; every bar also
has its number in the table that follows it, so nothing is told by colour alone.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib import pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from rules.compliance import OUTCOMES  # noqa: E402

# Okabe-Ito: bluish green, orange, vermillion, sky blue
OUTCOME_COLOURS = {
    "confirmed_on_time": "#009E73",
    "confirmed_late": "#E69F00",
    "released_unconfirmed": "#D55E00",
    "open_overdue": "#56B4E9",
}
OUTCOME_LABELS = {
    "confirmed_on_time": "Confirmed on time",
    "confirmed_late": "Confirmed late",
    "released_unconfirmed": "Released unconfirmed",
    "open_overdue": "Open and overdue",
}
LINE_COLOUR, TARGET_COLOUR = "#0072B2", "#000000"


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    alt: str
    png: bytes


def charts(report: Any) -> list[Chart]:
    return [on_time_by_week(report), outcomes_by_group(report), days_late(report)]


def on_time_by_week(report: Any) -> Chart:
    weeks = [w["week"] for w in report.weekly]
    rates = [None if w["on_time_rate"] is None else 100 * w["on_time_rate"] for w in report.weekly]
    target = 100 * report.on_time_target
    fig, ax = _figure()
    positions = list(range(len(weeks)))
    # a week with nothing due has no rate: a gap in the line, not a zero
    values = [r if r is not None else float("nan") for r in rates]
    ax.plot(positions, values, marker="o", color=LINE_COLOUR, label="On time")
    ax.axhline(target, color=TARGET_COLOUR, linestyle="--", label=f"Target {target:.0f}%")
    ax.set_xticks(positions, weeks)
    ax.set_xlim(-0.5, max(len(weeks) - 0.5, 0.5))
    ax.set_ylim(0, 105)
    ax.set_title("Cases confirmed on time, by week of due date")
    ax.set_xlabel("ISO week of the due date")
    ax.set_ylabel("Confirmed on time (per cent of cases due)")
    ax.tick_params(axis="x", rotation=45)
    ax.legend(loc="lower left")
    known = [f"{w} {r:.0f}%" for w, r in zip(weeks, rates) if r is not None]
    alt = (
        f"Line chart of the on-time rate for the {len(weeks)} weeks ending {weeks[-1] if weeks else ''}, "
        f"against a target of {target:.0f}%: " + ("; ".join(known) if known else "no cases were due") + "."
    )
    return Chart("on-time-by-week", "On-time rate by week", alt, _png(fig))


def outcomes_by_group(report: Any) -> Chart:
    groups = report.establishments if len(report.establishments) > 1 or not report.pdus else report.pdus
    what = "establishment" if groups is report.establishments else "PDU"
    labels = [g["code"] for g in groups] or ["none"]
    fig, ax = _figure()
    left = [0] * len(labels)
    for outcome in OUTCOMES:
        values = [g[outcome] for g in groups] or [0]
        ax.barh(labels, values, left=left, color=OUTCOME_COLOURS[outcome], label=OUTCOME_LABELS[outcome])
        left = [a + b for a, b in zip(left, values)]
    ax.set_title(f"Cases due in the period, by outcome and {what}")
    ax.set_xlabel("Number of cases due")
    ax.set_ylabel(what.capitalize())
    ax.invert_yaxis()
    # below the axes: inside, it would hide the longest bars
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=len(OUTCOMES), fontsize="small")
    parts = [f"{g['code']}: " + ", ".join(f"{g[o]} {OUTCOME_LABELS[o].lower()}" for o in OUTCOMES) for g in groups]
    alt = f"Stacked bar chart of cases due by outcome for each {what}: " + ("; ".join(parts) or "no cases") + "."
    return Chart("outcomes-by-group", f"Cases by outcome per {what}", alt, _png(fig))


def days_late(report: Any) -> Chart:
    weeks = [w["week"] for w in report.weekly]
    medians = [w["median_working_days_late"] or 0 for w in report.weekly]
    p90s = [w["p90_working_days_late"] or 0 for w in report.weekly]
    fig, ax = _figure()
    positions = range(len(weeks))
    ax.bar([p - 0.2 for p in positions], medians, width=0.4, color="#E69F00", label="Median")
    ax.bar([p + 0.2 for p in positions], p90s, width=0.4, color="#CC79A7", label="90th percentile")
    ax.set_xticks(list(positions), weeks, rotation=45)
    ax.set_title("Working days late, for cases confirmed late, by week of due date")
    ax.set_xlabel("ISO week of the due date")
    ax.set_ylabel("Working days from due date to completion")
    ax.set_ylim(0, max([*medians, *p90s, 0]) * 1.1 or 1)  # never a negative axis, even with nothing late
    ax.legend(loc="upper left")
    t = report.totals
    alt = (
        f"Bar chart of working days late per week. Over the period the median was "
        f"{_number(t['median_working_days_late'])} and the 90th percentile {_number(t['p90_working_days_late'])} "
        f"working days, over {t['confirmed_late']} cases confirmed late."
    )
    return Chart("days-late", "Working days late", alt, _png(fig))


def _number(value: float | None) -> str:
    return "none" if value is None else f"{value:g}"


def _figure() -> tuple[Figure, Any]:
    fig, ax = plt.subplots(figsize=(8, 4.2), dpi=100)
    ax.grid(axis="y", alpha=0.3)
    return fig, ax


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()
