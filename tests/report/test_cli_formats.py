"""`mappa report` in each format, to a file and to standard output."""

from __future__ import annotations

import csv
import io

from config.settings import get_settings
from db.session import make_engine
from tests.report.year import simulate_year
from tests.support.cli import mappa

PERIOD = ("--from", "2027-03-01", "--to", "2027-11-30", "--as-of", "2027-12-20")


def test_each_format(sqlite_url, tmp_path, monkeypatch):
    engine = make_engine(sqlite_url)
    simulate_year(engine, cases=12)
    engine.dispose()
    monkeypatch.setenv("MAPPA_DATABASE_URL", sqlite_url)
    get_settings.cache_clear()
    table = mappa("report", *PERIOD, "--format", "csv")
    assert table.exit_code == 0, table.output
    rows = list(csv.DictReader(io.StringIO(table.output)))
    total = rows[0]
    assert total["group"] == "total" and int(total["due"]) == sum(
        int(total[k]) for k in ("confirmed_on_time", "confirmed_late", "released_unconfirmed", "open_overdue")
    )
    assert [r["code"] for r in rows if r["group"] == "establishment"] == ["DMI", "FKI"]
    assert len([r for r in rows if r["group"] == "week"]) == 12
    for fmt in ("html", "pdf"):
        out = tmp_path / f"report.{fmt}"
        made = mappa("report", *PERIOD, "--format", fmt, "--output", str(out))
        assert made.exit_code == 0, made.output
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")
    assert "Headline figures" in (tmp_path / "report.html").read_text()
    refused = mappa("report", *PERIOD, "--format", "pdf")
    assert refused.exit_code == 2 and "--output" in refused.output
    get_settings.cache_clear()
