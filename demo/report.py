"""The demo's last act: the compliance report for its simulated months, as HTML and PDF."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from chase.compliance import build_report
from db.session import session_factory


def write_report(engine: Engine, folder: Path, start: date, last: date) -> tuple[Path, Path, dict]:
    """The report on cases due from `start` to `last`, as known on `last`; (html, pdf, totals)."""
    from notifications.report.charts import charts
    from notifications.report.formats import render_html
    from notifications.report.pdf import render_pdf

    with session_factory(engine)() as session:
        report = build_report(session, period_from=start, period_to=last, as_of=last)
    pictures = charts(report)
    folder.mkdir(parents=True, exist_ok=True)
    html, pdf = folder / "compliance-report.html", folder / "compliance-report.pdf"
    html.write_text(render_html(report, pictures), encoding="utf-8")
    pdf.write_bytes(render_pdf(report, pictures))
    return html, pdf, report.totals
