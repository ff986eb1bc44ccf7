"""Scanning everything a run produced for names, dates of birth and the SMTP password."""

from __future__ import annotations

from datetime import date


def needles(names: list[tuple[str, str]], births: list[date], secret: str) -> set[str]:
    found = {secret}
    for first, last in names:
        found |= {first, last, last.upper()}
    for born in births:
        found |= {born.isoformat(), born.strftime("%d/%m/%Y"), f"{born.day} {born:%B %Y}"}
    return {n for n in found if n and len(n) >= 4}


def leaks(haystacks: dict[str, str], wanted: set[str]) -> list[str]:
    """ "where: needle" for each needle found in each haystack."""
    return sorted(f"{where}: {needle}" for where, text in haystacks.items() for needle in wanted if needle in text)
