"""Prisoner Search: everyone in one prison (all pages), and what became of named prisoners."""

from __future__ import annotations

from typing import Any

from feeds.hmpps.calls import Caller, SourceError

SOURCE = "prisoner-search"
PAGE_SIZE = 10_000
MAX_PAGES = 1_000  # a server that never says `last` must not keep us forever
NUMBERS_PER_CALL = 1_000


async def prison(caller: Caller, base_url: str, code: str) -> list[dict[str, Any]]:
    """Every prisoner of one establishment, restricted patients included, following pages until `last`."""
    url = f"{base_url.rstrip('/')}/prisoner-search/prison/{code}"
    found: list[dict[str, Any]] = []
    for page in range(MAX_PAGES):
        params = {"page": page, "size": PAGE_SIZE, "include-restricted-patients": "true"}
        body = await caller.get(SOURCE, url, params=params)
        content = body.get("content") if isinstance(body, dict) else None
        if not isinstance(content, list):
            raise SourceError(f"{SOURCE} prison {code} page {page}: not a page of prisoners")
        found.extend(item for item in content if isinstance(item, dict))
        total_pages = body.get("totalPages")
        if body.get("last") is True or not content or (isinstance(total_pages, int) and page + 1 >= total_pages):
            return found
    raise SourceError(f"{SOURCE} prison {code}: more than {MAX_PAGES} pages")


async def by_numbers(caller: Caller, base_url: str, numbers: list[str]) -> list[dict[str, Any]]:
    """The current record of each named prisoner, wherever they are now (1,000 per call)."""
    url = f"{base_url.rstrip('/')}/prisoner-search/prisoner-numbers"
    found: list[dict[str, Any]] = []
    for start in range(0, len(numbers), NUMBERS_PER_CALL):
        body = await caller.post(SOURCE, url, {"prisonerNumbers": numbers[start : start + NUMBERS_PER_CALL]})
        if not isinstance(body, list):
            raise SourceError(f"{SOURCE} prisoner-numbers: not a list of prisoners")
        found.extend(item for item in body if isinstance(item, dict))
    return found
