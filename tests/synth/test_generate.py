"""The synthetic feeds: the same for the same seed, importable without a rejected row, roughly national in shape."""

from __future__ import annotations

import csv
import re
from collections import Counter
from datetime import date, timedelta

import pytest

from db.session import make_engine
from feeds.importer import import_feed
from rules.release import RELEASE_DATE_FIELDS, ReleaseDates, key_release_date
from synth.write import GENERATED, arrivals, generate

TODAY = date(2027, 1, 4)
KINDS = GENERATED


def rows(path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """20,000 prisoners: enough for proportions to settle, generated once for the module."""
    folder = tmp_path_factory.mktemp("synth")
    paths = generate(folder, seed=5, prisoners=20_000, today=TODAY)
    return folder, {kind: rows(paths[kind]) for kind in KINDS}


def test_it_is_the_same_for_the_same_seed(tmp_path):
    first = generate(tmp_path / "a", seed=3, prisoners=500, today=TODAY)
    again = generate(tmp_path / "b", seed=3, prisoners=500, today=TODAY)
    other = generate(tmp_path / "c", seed=4, prisoners=500, today=TODAY)
    for kind in KINDS:
        assert first[kind].read_bytes() == again[kind].read_bytes()
    assert first["releases"].read_bytes() != other["releases"].read_bytes()


def test_scale_one_is_the_national_workload(tmp_path):
    from synth.profile import Profile
    from synth.write import _settings

    settings = _settings(1, 1.0, TODAY, None, None, Profile())
    assert (settings["prisoners"], settings["establishments"], settings["pdus"]) == (90_000, 120, 110)


def test_every_file_imports_without_a_rejected_row(sqlite_url, tmp_path):
    paths = generate(tmp_path, seed=2, prisoners=1_500, establishments=12, today=TODAY)
    paths["later"] = arrivals(tmp_path, on_or_before=TODAY + timedelta(days=120))
    engine = make_engine(sqlite_url)
    reports = {
        kind: import_feed(engine, kind if kind != "later" else "allocations", path) for kind, path in paths.items()
    }
    engine.dispose()
    for kind, report in reports.items():
        assert report.refused is None and report.rejected == [], (kind, report.rejection_lines(5))
    assert reports["releases"].inserted == 1_500
    assert reports["later"].updated > 0  # information arrived since TODAY


def test_identifiers_and_addresses_have_the_real_formats(sample):
    _, feeds = sample
    assert all(re.fullmatch(r"[A-Z][0-9]{4}[A-Z]{2}", r["prison_number"]) for r in feeds["releases"])
    assert all(re.fullmatch(r"[A-Z][0-9]{6}", r["crn"]) for r in feeds["releases"])
    assert len({r["prison_number"] for r in feeds["releases"]}) == 20_000
    assert all(re.fullmatch(r"[A-Z]{3}", r["code"]) for r in feeds["establishments"])
    addresses = [r[c] for r in feeds["allocations"] for c in ("com_email", "spo_email") if r[c]]
    addresses += [r[c] for r in feeds["pdus"] for c in ("mailbox", "head_email", "mappa_coordinator_email")]
    assert all(a.endswith(("@justice.gov.uk", "@probation.gov.uk")) for a in addresses)


def test_the_proportions_are_roughly_national(sample):
    _, feeds = sample
    releases, allocations = feeds["releases"], feeds["allocations"]
    n = len(releases)
    kinds = Counter(r["sentence_type"] for r in releases)
    assert kinds["recall"] / n == pytest.approx(0.10, abs=0.015)
    assert kinds["indeterminate"] / n == pytest.approx(0.05, abs=0.01)
    identified = Counter(r["mappa_category"] for r in releases if r["mappa_category"])
    assert sum(identified.values()) / n == pytest.approx(0.22 * 0.9, abs=0.02)
    assert identified["2"] > identified["1"] > identified["3"] > identified["4"]
    assert sum(1 for r in allocations if not r["com_email"]) / n == pytest.approx(0.10, abs=0.015)
    assert any(r["hdcad"] and r["hdcad"] < r["crd"] for r in releases)
    assert any(r["ped"] for r in releases)


def test_about_4400_a_month_are_released_near_term_at_national_scale(sample):
    _, feeds = sample
    month = [r for r in feeds["releases"] if _key(r) and TODAY <= _key(r) < TODAY + timedelta(days=30)]
    per_month_national = len(month) * 90_000 / len(feeds["releases"])
    assert per_month_national == pytest.approx(4_400, rel=0.15)
    assert any(_key(r) < TODAY for r in feeds["releases"])  # some are already past


def test_levels_are_mostly_one_and_some_level_two_cases_lack_a_meeting_date(sample):
    folder, _ = sample
    confirmed = rows(arrivals(folder, on_or_before=TODAY + timedelta(days=5000)))
    levels = Counter(r["mappa_level"] for r in confirmed if r["mappa_level"] not in ("", "0"))
    total = sum(levels.values())
    assert levels["1"] / total == pytest.approx(0.95, abs=0.02)
    partial_now = [
        r for r in rows(folder / "allocations.csv") if r["mappa_level"] in ("2", "3") and not r["mapp_meeting_date"]
    ]
    assert partial_now  # partial information: level 2/3 without the meeting date yet


def _key(row: dict[str, str]) -> date | None:
    """The key release date, by the product's own rule."""
    dates = {name: date.fromisoformat(row[name]) if row[name] else None for name in RELEASE_DATE_FIELDS}
    key = key_release_date(ReleaseDates(row["sentence_type"] or None, **dates), TODAY)
    return key.date if key else None
