"""docs/performance.md from the figures: one table per database and scale, then the targets, met or not."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bench.measure import Figure

TARGETS = "first night < 20 s and within 2x the floor; rerun < 5 s; 90,000 releases imported < 10 s; peak < 600 MB"


def write_markdown(path: Path, figures: list[Figure], command: str, machine: str) -> None:
    lines = ["# Performance", "", f"Measured {date.today()} on {machine}, by `{command}`",
             "(a Prefect server started by the script; PostgreSQL 127.0.0.1:5432). Peak memory is the",
             "process's peak RSS so far, so it only grows down the table.", ""]
    groups: dict[tuple[str, float], list[Figure]] = {}
    for figure in figures:
        groups.setdefault((figure.db, figure.scale), []).append(figure)
    for (db, scale), group in groups.items():
        lines += [f"## {db}, scale {scale:g} ({int(90_000 * scale):,} prisoners)", "",
                  "| step | rows | wall s | CPU s | rows/s | peak MB | floor s | x floor | notes |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
        lines += [f"| {f.step} | {f.rows:,} | {f.wall:.2f} | {f.cpu:.2f} | {f.rate:,.0f} | {f.peak_mb:.0f} | "
                  f"{f'{f.floor:.2f}' if f.floor else '-'} | {f'{f.ratio:.1f}' if f.ratio else '-'} | "
                  f"{'; '.join(f.notes)} |" for f in group]
        lines += [""] + verdicts(group) + [""]
    lines += growth(figures)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")


def verdicts(group: list[Figure]) -> list[str]:
    def find(prefix: str) -> Figure | None:
        return next((f for f in group if f.step.startswith(prefix)), None)

    out = [f"Targets ({TARGETS}), scaled to this size:"]
    scale = group[0].scale
    checks = [(find("first nightly"), 20 * scale, 2.0), (find("rerun"), 5 * scale, None),
              (find("import releases"), 10 * scale, None)]
    for figure, limit, ratio in checks:
        if figure is None:
            continue
        met = figure.wall < limit and (ratio is None or (figure.ratio or 0) <= ratio)
        extra = f", {figure.ratio:.1f}x floor (target <= {ratio:g}x)" if ratio and figure.ratio else ""
        out.append(f"* {figure.step}: {figure.wall:.1f} s (target < {limit:g} s){extra}: **{'met' if met else 'missed'}**")
    peak = max(f.peak_mb for f in group)
    out.append(f"* peak memory: {peak:.0f} MB (target < 600 MB): **{'met' if peak < 600 else 'missed'}**")
    return out


def growth(figures: list[Figure]) -> list[str]:
    scales = sorted({f.scale for f in figures})
    if len(scales) < 2:
        return []
    out = ["## How the cost grows", "", "| db | step | " + " | ".join(f"x{s:g} s" for s in scales) + " | per unit of scale |",
           "|---|---|" + "---:|" * (len(scales) + 1)]
    for db in sorted({f.db for f in figures}):
        for step in dict.fromkeys(f.step for f in figures if f.db == db):
            walls = {f.scale: f.wall for f in figures if f.db == db and f.step == step}
            per_unit = ", ".join(f"{walls[s] / s:.2f}" for s in scales if s in walls)
            out.append(f"| {db} | {step} | " + " | ".join(f"{walls.get(s, 0):.2f}" for s in scales) + f" | {per_unit} |")
    return out + [""]
