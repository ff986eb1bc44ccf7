"""The report as a PDF with ReportLab (pure Python: the demo needs no system package)."""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from notifications.report.charts import Chart, charts
from notifications.report.formats import MEASURE_LABELS, MEASURES, figure, headline

GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("FONTSIZE", (0, 0), (-1, -1), 7),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f2f1")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


def render_pdf(report: Any, chart_list: list[Chart] | None = None) -> bytes:
    chart_list = charts(report) if chart_list is None else chart_list
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=7, leading=8)
    story: list[Any] = [
        Paragraph("MAPPA information before release", styles["Title"]),
        Paragraph(
            f"Cases whose due date fell from {report.period_from} to {report.period_to}, as known on {report.as_of}.",
            styles["BodyText"],
        ),
        Paragraph("Headline figures", styles["Heading2"]),
        Table([[label, value] for label, value in headline(report)], style=GRID, hAlign="LEFT"),
    ]
    heads = [Paragraph(MEASURE_LABELS[m], small) for m in MEASURES]
    for chart in chart_list:
        story += [
            Paragraph(chart.title, styles["Heading2"]),
            Image(io.BytesIO(chart.png), width=16 * cm, height=8.4 * cm),
            Paragraph(chart.alt, small),
            Spacer(1, 0.2 * cm),
        ]
        if chart.name == "outcomes-by-group":
            for heading, groups in (("Establishment", report.establishments), ("PDU", report.pdus)):
                if groups:
                    rows = [[g["code"], *[figure(g[m], m) for m in MEASURES]] for g in groups]
                    story.append(Table([[heading, *heads], *rows], style=GRID, hAlign="LEFT", repeatRows=1))
        else:
            rows = [[w["week"], *[figure(w[m], m) for m in MEASURES]] for w in report.weekly]
            story.append(Table([["Week", *heads], *rows], style=GRID, hAlign="LEFT", repeatRows=1))
    story.append(Paragraph("At risk: planned in the next 12 weeks with information missing", styles["Heading2"]))
    at_risk = [
        [
            c["prison_number"],
            c["name"],
            c["planning_date"],
            ", ".join(c["missing"]),
            c["last_step"] or "",
            c["com"] or "",
        ]
        for c in report.at_risk
    ]
    header = ["Prison number", "Name", "Planning date", "Missing", "Last step", "COM"]
    story.append(Table([header, *at_risk] if at_risk else [["None"]], style=GRID, hAlign="LEFT", repeatRows=1))
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer, pagesize=A4, title="MAPPA compliance report", leftMargin=1.5 * cm, rightMargin=1.5 * cm
    ).build(story)
    return buffer.getvalue()
