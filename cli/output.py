"""Printing rows as an aligned table, JSON or CSV."""

from __future__ import annotations

import csv
import json
import sys
from datetime import date, datetime
from enum import StrEnum


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def plain(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(plain(v) for v in value)
    if isinstance(value, dict):  # e.g. a problem: "no-spo (since 2027-01-05)"
        return " ".join(plain(v) if k != "since" else f"(since {plain(v)})" for k, v in value.items() if v)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def to_json(value) -> str:
    return json.dumps(value, indent=2, default=lambda v: v.isoformat() if isinstance(v, (date, datetime)) else str(v))


def print_rows(rows: list[dict], columns: list[str], fmt: Format) -> None:
    if fmt is Format.json:
        print(to_json(rows))
    elif fmt is Format.csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows([[plain(row.get(c)) for c in columns] for row in rows])
    else:
        print_table(rows, columns)


def print_table(rows: list[dict], columns: list[str]) -> None:
    cells = [[plain(row.get(c)) for c in columns] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip())
    for r in cells:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip())
