"""The report as people see it: the HTML in real headless Chromium, the PDF as text."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date

import pytest

from chase.compliance import build_report
from db.session import make_engine, session_factory
from notifications.report.formats import figure, render_html
from notifications.report.pdf import render_pdf
from rules.calendar import WorkingCalendar
from tests.report.year import simulate_year

CHROMIUM = "/usr/bin/chromium"


def need(path: str | None, what: str) -> str:
    """A missing tool skips the test with the reason, except under CI, where it is a failure."""
    if path and os.path.exists(path):
        return path
    message = f"{what} is not installed (Debian package {'chromium' if 'chrom' in what else 'poppler-utils'})"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    from tests.support.databases import SqliteFactory

    factory = SqliteFactory(tmp_path_factory.mktemp("template"))
    engine = make_engine(factory.create(tmp_path_factory.mktemp("db")))
    simulate_year(engine, cases=30)
    with session_factory(engine)() as session:
        result = build_report(
            session,
            period_from=date(2027, 3, 1),
            period_to=date(2027, 11, 30),
            as_of=date(2027, 12, 20),
            calendar=WorkingCalendar.england_and_wales(),
            on_time_target=0.9,
        )
    engine.dispose()
    assert result.totals["due"] > 0
    return result


def test_every_chart_loads_in_headless_chromium(report, tmp_path):
    executable = need(CHROMIUM, "chromium")
    from playwright.sync_api import sync_playwright

    page_file = tmp_path / "report.html"
    page_file.write_text(render_html(report), encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(page_file.as_uri())
        images = page.eval_on_selector_all(
            "img", "els => els.map(e => ({w: e.naturalWidth, alt: e.alt, done: e.complete}))"
        )
        headline = page.inner_text("table.headline")
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        browser.close()
    assert len(images) == 3
    assert all(image["done"] and image["w"] > 0 and image["alt"] for image in images), images
    assert f"Cases due\t{report.totals['due']}" in headline
    assert figure(report.totals["on_time_rate"], "on_time_rate") in headline


def test_the_pdf_holds_the_headline_figures(report, tmp_path):
    pdftotext = need(shutil.which("pdftotext"), "pdftotext")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render_pdf(report))
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Headline figures" in text
    t = report.totals
    for label, value in (
        ("Cases due", t["due"]),
        ("Confirmed on time", t["confirmed_on_time"]),
        ("Released unconfirmed", t["released_unconfirmed"]),
        ("On-time rate", figure(t["on_time_rate"], "on_time_rate")),
        ("Target", "90.0%"),
    ):
        assert any(label in line and str(value) in line for line in text.splitlines()), (label, value)
    assert "Cases confirmed on time, by week of due date" in text or "On-time rate by week" in text
