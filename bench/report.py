"""docs/performance.md from the figures: one table per database and scale, with targets met or missed.

Each run saves its figures to bench/results/<db>-x<scale>.json (replacing an earlier run of the
same database and scale), and the page is written from every saved result, so separate runs
(`--db both --scale 1`, then `--scale 2`, ...) add up to one page. The hand-written analysis in
bench/analysis.md (hot spots, caveats) is appended verbatim.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from bench.measure import Figure

RESULTS = Path(__file__).resolve().parent / "results"
ANALYSIS = Path(__file__).resolve().parent / "analysis.md"
TARGETS = (
    "each import within 2x its floor, the first (every row new) and the next day's re-import of the same "
    "file with 1% of rows changed; first night < 20 s, within 2x the floor and under 10 s of CPU; "
    "a steady night (the multi-night step) within 2x its floor; rerun < 5 s; SMTP delivery within 1.5x "
    "its floor; 90,000 releases imported < 10 s; peak memory < 600 MB; cost linear (x4 the data within "
    "x4.4 the time). Time targets scale linearly with the scale"
)


def save(figures: list[Figure], command: str, machine: str, when: str) -> None:
    RESULTS.mkdir(exist_ok=True)
    groups: dict[tuple[str, float], list[Figure]] = {}
    for figure in figures:
        groups.setdefault((figure.db, figure.scale), []).append(figure)
    for (db, scale), group in groups.items():
        path = RESULTS / f"{'generate' if db == '-' else db}-x{scale:g}.json"
        path.write_text(
            json.dumps(
                {"command": command, "machine": machine, "when": when, "figures": [asdict(f) for f in group]},
                indent=1,
                default=str,
            )
        )


def load_saved() -> list[dict]:
    runs = []
    for path in sorted(RESULTS.glob("*.json")):
        run = json.loads(path.read_text())
        run["figures"] = [Figure(**{**f, "load": tuple(f.get("load", (0, 0)))}) for f in run["figures"]]
        runs.append(run)
    return runs


def target_of(figure: Figure) -> tuple[str, str]:
    """(target, verdict with the margin) for the steps that have a target."""
    scale, ratio = figure.scale, figure.ratio or 0
    if figure.step.startswith("first nightly"):
        limit = 20 * scale
        checks = [
            (figure.wall < limit, f"{figure.wall / limit:.1f}x the time"),
            (ratio <= 2.0, f"{ratio:.1f}x floor vs 2x"),
            (figure.cpu < 10 * scale, f"{figure.cpu:.1f} s CPU vs {10 * scale:g}"),
        ]
        return f"< {limit:g} s, <= 2x floor, < {10 * scale:g} s CPU", _verdict(checks)
    if figure.step.startswith("rerun"):
        limit = 5 * scale
        return f"< {limit:g} s", _verdict([(figure.wall < limit, f"{figure.wall / limit:.1f}x the time")])
    if figure.step.startswith("import releases"):
        limit = 10 * scale
        checks = [(figure.wall < limit, f"{figure.wall / limit:.1f}x the time"), (ratio <= 2.0, f"{ratio:.1f}x floor")]
        return f"< {limit:g} s, <= 2x floor", _verdict(checks)
    by_ratio = {"import ": 2.0, "consecutive nights": 2.0, "deliver the queued": 1.5}
    for part, most in by_ratio.items():
        if part in figure.step and figure.floor:
            return f"<= {most:g}x floor", _verdict([(ratio <= most, f"{ratio:.2f}x floor")])
    return "-", "-"


def _verdict(checks: list[tuple[bool, str]]) -> str:
    return ("met" if all(ok for ok, _ in checks) else "missed") + f" ({', '.join(text for _, text in checks)})"


def table(group: list[Figure]) -> list[str]:
    lines = [
        "| step | rows | wall s | CPU s | rows/s | peak MB | load (1 min, start->end) | floor s | x floor "
        "| target | verdict | notes |",
        "|---|---:|---:|---:|---:|---:|---|---:|---:|---|---|---|",
    ]
    for f in group:
        target, verdict = target_of(f)
        lines.append(
            f"| {f.step} | {f.rows:,} | {f.wall:.2f} | {f.cpu:.2f} | {f.rate:,.0f} | {f.peak_mb:.0f} | "
            f"{f.load[0]:.1f} -> {f.load[1]:.1f} | {f'{f.floor:.2f}' if f.floor else '-'} | "
            f"{f'{f.ratio:.1f}' if f.ratio else '-'} | {target} | {verdict} | {'; '.join(f.notes)} |"
        )
    peak = max(f.peak_mb for f in group)
    lines += [
        "",
        f"Peak memory (process peak RSS): {peak:.0f} MB, target < 600 MB: **{'met' if peak < 600 else 'missed'}**.",
    ]
    return lines


def write_markdown(path: Path) -> None:
    runs = load_saved()
    lines = [
        "# Performance",
        "",
        "Written by `bench/run.py` from every saved result in `bench/results/` (one per database and scale),",
        "followed by `bench/analysis.md`. Each table says the exact command that produced it. The Prefect",
        "flows ran against a Prefect server the script started; PostgreSQL is 127.0.0.1:5432, in a",
        "database the script created and dropped. Peak memory is the process's peak RSS so far, so it only",
        'grows down a table. "Floor" = the least work giving the same result, computed in the same process',
        "on the same data just before the step (see bench/floor.py and each row's notes). The load column is",
        "the machine's 1-minute load average: above 2 (the core count) the wall times are inflated by other",
        "engineers' work and CPU time is the steadier figure.",
        "",
        f"Targets: {TARGETS}.",
        "",
    ]
    figures_all = []
    for run in runs:
        group = run["figures"]
        figures_all += group
        db, scale = group[0].db, group[0].scale
        title = "synthetic feeds" if db == "-" else f"{'SQLite' if db == 'sqlite' else 'PostgreSQL'}"
        lines += [
            f"## {title}, scale {scale:g} ({int(90_000 * scale):,} prisoners)",
            "",
            f"Measured {run['when']} on {run['machine']}, by `{run['command']}`.",
            "",
        ]
        lines += table(group) + [""]
    lines += growth(figures_all)
    if ANALYSIS.exists():
        lines += [ANALYSIS.read_text().rstrip(), ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")


def growth(figures: list[Figure]) -> list[str]:
    """Wall and CPU seconds per scale, and CPU seconds per unit of scale (flat = linear growth)."""
    out = []
    for db in sorted({f.db for f in figures if f.db != "-"}):
        scales = sorted({f.scale for f in figures if f.db == db})
        if len(scales) < 2:
            continue
        out += [
            f"## How the cost grows ({db})",
            "",
            "Wall / CPU seconds at each scale; the last column is CPU seconds per unit of scale (flat = linear).",
            "CPU is the figure to compare: the load differed between the runs (see each table).",
            "",
            "| step | " + " | ".join(f"x{s:g} wall / CPU s" for s in scales) + " | CPU s per unit of scale |",
            "|---|" + "---:|" * (len(scales) + 1),
        ]
        for step in dict.fromkeys(f.step.split(" (")[0] for f in figures if f.db == db):
            found = {f.scale: f for f in figures if f.db == db and f.step.split(" (")[0] == step}
            if len(found) < 2:
                continue
            per_unit = ", ".join(f"{found[s].cpu / s:.2f}" for s in scales if s in found)
            out.append(
                f"| {step} | "
                + " | ".join(f"{found[s].wall:.2f} / {found[s].cpu:.2f}" if s in found else "-" for s in scales)
                + f" | {per_unit} |"
            )
        out.append("")
    return out
