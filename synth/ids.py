"""Identifiers in the real formats, unique by construction (a bijection of a counter), never random clashes."""

from __future__ import annotations

from itertools import chain
from string import ascii_uppercase as LETTERS

PRISON_NUMBER_SPACE = 26 * 10_000 * 26 * 26
CRN_SPACE = 26 * 1_000_000


def _scatter(index: int, space: int, seed: int, step: int) -> int:
    """index -> a distinct value in [0, space): multiplication by a step coprime with space."""
    return (index * step + seed * 7_919) % space


def prison_number(index: int, seed: int = 1) -> str:
    """A1234BC-shaped, distinct for distinct indexes (below PRISON_NUMBER_SPACE)."""
    value = _scatter(index, PRISON_NUMBER_SPACE, seed, 1_000_003)
    value, last = divmod(value, 26)
    value, middle = divmod(value, 26)
    value, digits = divmod(value, 10_000)
    return f"{LETTERS[value % 26]}{digits:04d}{LETTERS[middle]}{LETTERS[last]}"


def crn(index: int, seed: int = 1) -> str:
    """X123456-shaped, distinct for distinct indexes."""
    value = _scatter(index, CRN_SPACE, seed, 999_983)
    value, digits = divmod(value, 1_000_000)
    return f"{LETTERS[value % 26]}{digits:06d}"


def unique_codes(names: list[str], taken: set[str] | None = None) -> list[str]:
    """Three-letter codes from names (Ashbury -> ASI style for prisons), de-duplicated in order."""
    taken = set(taken or ())
    codes = []
    for name in names:
        letters = [c for c in name.upper() if c in LETTERS]
        preferred = (letters[0] + a + "I" for a in letters[1:])
        every = (a + b + c for a in LETTERS for b in LETTERS for c in LETTERS)
        code = next(c for c in chain(preferred, every) if c not in taken)
        taken.add(code)
        codes.append(code)
    return codes
