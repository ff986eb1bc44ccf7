"""Hostile feed files and `mappa record` arguments: a clear report, good rows kept, nothing half-written.

Hypothesis builds files of known-good rows mixed with hostile ones (formula cells,
control characters, huge fields, impossible dates, duplicated keys, short rows) and
spoils whole files (wrong encodings, no header). The 100 MB file is in
`python scripts/reliability.py --only hostile`; here a few MB.
"""

from __future__ import annotations

import random
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.session import make_engine
from feeds.importer import import_feed
from feeds.kinds import FEEDS
from scripts.harness import hostile as x
from scripts.harness.trials import audit_ok

KINDS = sorted(kind for kind in FEEDS if kind != "teams")  # the hostile-row generator knows the four original feeds
FUZZ = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


def rows_strategy(kind: str):
    columns = [column.name for column in FEEDS[kind].columns]
    bad = st.tuples(st.just("bad"), st.sampled_from(columns), st.data())
    return st.lists(st.one_of(st.just(("good",)), bad, st.just(("dup",)), st.just(("short",))), min_size=1, max_size=12)


def build(kind: str, plan, data) -> tuple[list, set, set]:
    """The file's rows; the keys that must land; the keys that must not."""
    rows, good, bad, n = [], set(), set(), 0
    for step in plan:
        n += 1
        if step[0] == "good" or (step[0] == "dup" and not good):
            row = x.good_row(kind, n)
            rows.append(row)
            good.add(x.key_of(kind, row))
        elif step[0] == "dup":
            first = next(r for r in rows if x.key_of(kind, r) in good)
            rows.append(first | {c: v for c, v in x.good_row(kind, 5000 + n).items() if c != FEEDS[kind].key})
        elif step[0] == "short":
            row = x.good_row(kind, 1000 + n)
            rows.append({FEEDS[kind].key: x.key_of(kind, row), "__short__": True})
            bad.add(x.key_of(kind, row))
        else:
            _, column, draw = step
            row = x.good_row(kind, 1000 + n)
            bad.add(x.key_of(kind, row))
            row[column] = draw.draw(st.sampled_from(x.hostile_values(column)), label=column)
            rows.append(row)
    return rows, good, bad


def render(kind: str, rows: list) -> str:
    body = x.csv_text(kind, rows)
    if not any(r.get("__short__") for r in rows):
        return body
    lines = body.split("\r\n")
    for index, row in enumerate(rows, start=1):
        if row.get("__short__"):
            lines[index] = f"{row[FEEDS[kind].key]},only two"
    return "\r\n".join(lines)


@pytest.mark.parametrize("kind", KINDS)
@FUZZ
@given(data=st.data())
def test_any_mix_of_hostile_rows_is_reported_and_the_good_rows_land(kind, sqlite_factory, tmp_path, data):
    plan = data.draw(rows_strategy(kind), label="rows")
    rows, good, bad = build(kind, plan, data)
    path = tmp_path / f"{kind}-{uuid.uuid4().hex[:6]}.csv"
    path.write_text(render(kind, rows), encoding="utf-8", newline="")
    engine = make_engine(sqlite_factory.create(tmp_path))
    report = import_feed(engine, kind, path)
    stored = x.keys_in(engine, kind)
    assert report.refused is None, report.refused
    assert report.rows == len(rows) and report.accepted + len(report.rejected) == report.rows
    assert good <= stored and not (bad & stored)
    assert len(report.rejected) == len(rows) - len(good)
    assert all(r.line >= 2 and r.reason for r in report.rejected)
    assert x.dangerous_cells(engine) == [] and audit_ok(engine)
    engine.dispose()


SPOILERS = {
    "latin-1": lambda text: (
        text.replace("Example", "Élan")
        .replace("Firstname", "Zoë")
        .replace("Com Name", "Nämé")
        .replace("PDU ", "PDÜ ")
        .encode("latin-1")
    ),
    "utf-16": lambda text: text.encode("utf-16"),
    "binary": lambda text: bytes(random.Random(1).randrange(256) for _ in range(4000)),
    "empty": lambda text: b"",
    "no header": lambda text: text.split("\r\n", 1)[1].encode(),
    "header twice the key": lambda text: (
        text.split("\r\n", 1)[0] + "," + text.split(",", 1)[0] + "\r\n" + text.split("\r\n", 1)[1]
    ).encode(),
    "nul in header": lambda text: b"\x00" + text.encode(),
    "invalid utf-8 late": lambda text: text.encode() + b"\xff\xfe broken\r\n",
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("spoiler", sorted(SPOILERS))
def test_a_spoiled_file_is_refused_whole_and_writes_nothing(kind, spoiler, sqlite_factory, tmp_path):
    rows = [x.good_row(kind, n) for n in range(1, 30)]
    path = tmp_path / f"{kind}.csv"
    path.write_bytes(SPOILERS[spoiler](x.csv_text(kind, rows)))
    engine = make_engine(sqlite_factory.create(tmp_path))
    before = x.counts(engine)
    report = import_feed(engine, kind, path)
    assert report.refused and report.exit_code == 2
    assert x.counts(engine) == before
    engine.dispose()


@pytest.mark.parametrize("kind", KINDS)
def test_the_command_never_shows_a_traceback_and_exits_0_1_or_2(kind, sqlite_url, tmp_path):
    rows = [x.good_row(kind, n) for n in range(1, 6)]
    rows[2][FEEDS[kind].columns[1].name] = x.FORMULAS[0]
    files = {
        "mixed.csv": x.csv_text(kind, rows).encode(),
        "latin1.csv": "code,naïve\r\n".encode("latin-1"),
        "missing.csv": None,
    }
    for name, content in files.items():
        if content is not None:
            (tmp_path / name).write_bytes(content)
        code, out, err, _ = x.mappa(["import", kind, str(tmp_path / name)], sqlite_url, tmp_path / "var")
        assert code in (0, 1, 2) and "Traceback" not in out + err, err[-800:]
        assert (out + err).strip(), f"{name}: nothing said"
    code, out, err, _ = x.mappa(["import", kind, str(tmp_path / "mixed.csv")], sqlite_url, tmp_path / "var")
    assert code == 1 and "mixed.csv:4: column" in out
    if FEEDS[kind].columns[1].parse.__name__ == "parse_name":
        assert "cmd" not in out + err  # a name is never echoed in a reason


def test_a_few_megabytes_import_in_bounded_memory_with_every_hostile_row_named(sqlite_url, tmp_path):
    path = tmp_path / "releases.csv"
    rows = x.big_releases_file(path, 4)
    code, out, err, peak_kb = x.mappa(["import", "releases", str(path)], sqlite_url, tmp_path / "var")
    assert code == 1 and "Traceback" not in err
    assert f"{rows} rows" in out and f"{rows // 50} rejected" in out
    assert peak_kb < 250_000, f"peak RSS {peak_kb} kB"


RECORD_ARGS = st.lists(
    st.one_of(
        st.sampled_from(["--category", "--level", "--meeting-date", "--on", "--by", "--not-eligible"]),
        st.sampled_from(
            [
                "2",
                "0",
                "9",
                "-1",
                "31/02/2027",
                "2099-01-01",
                "=cmd|' /C calc'!A0",
                "a\x1bb",
                "x" * 5000,
                "A1234BC",
                "@SUM(1)",
                "",
                "01/03/2027",
                "J Smith",
                "Zoë O'Brien",
            ]
        ),
    ),
    max_size=8,
)


@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(args=RECORD_ARGS, number=st.sampled_from(["A1234BC", "a1234bc", "Z9999ZZ", "=1+1", "A1234BC\x07", ""]))
def test_mappa_record_answers_any_arguments_without_a_traceback(recording, args, number):
    code, out, err = recording(["record", number, *args])
    assert code in (0, 1, 2) and "Traceback" not in out + err, err[-800:]
    assert (out + err).strip()
    engine = make_engine(recording.url)
    assert x.dangerous_cells(engine) == [] and audit_ok(engine)
    engine.dispose()


def test_mappa_record_as_a_user_runs_it_reports_what_is_missing(sqlite_url, tmp_path):
    from tests.support import builders as b

    engine = make_engine(sqlite_url)
    b.durham(engine)
    b.prisoner(engine, "A1234BC")
    engine.dispose()
    code, out, err, _ = x.mappa(
        ["record", "a1234bc", "--by", "J Smith", "--level", "2", "--meeting-date", "01/03/2027"],
        sqlite_url,
        tmp_path / "var",
    )
    assert code == 0 and "still missing" in out and "Traceback" not in err
    code, out, err, _ = x.mappa(
        ["record", "A1234BC", "--by", "=cmd|' /C calc'!A0", "--level", "2"], sqlite_url, tmp_path / "var"
    )
    assert code == 2 and "Traceback" not in err and err.strip().count("\n") == 0


@pytest.fixture
def recording(sqlite_url, tmp_path, monkeypatch, capsys):
    """`mappa ...` in this process (a process per Hypothesis example would take minutes): (status, out, err)."""
    import sys

    import cli.main
    from config.settings import get_settings
    from tests.support import builders as b

    engine = make_engine(sqlite_url)
    b.durham(engine)
    b.prisoner(engine, "A1234BC")
    engine.dispose()
    monkeypatch.setenv("MAPPA_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("MAPPA_DATA_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()

    def run(args: list[str]) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["mappa", *args])
        try:
            cli.main.main()
            code = 0
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    run.url = sqlite_url
    yield run
    get_settings.cache_clear()


def test_a_name_starting_with_a_minus_formula_is_rejected(sqlite_factory, tmp_path):
    row = x.good_row("releases", 1) | {"last_name": "-2+3+cmd|' /C calc'!A0"}
    path = tmp_path / "releases.csv"
    path.write_text(x.csv_text("releases", [row]), encoding="utf-8", newline="")
    engine = make_engine(sqlite_factory.create(tmp_path))
    report = import_feed(engine, "releases", path)
    assert [r.column for r in report.rejected] == ["last_name"]
