"""The links across the top of every page, in order; a link shows only to those whose role may use it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    text: str
    href: str
    role: str = "viewer"


NAVIGATION = [
    Link("Caseload", "/"),
    Link("Data problems", "/problems"),
    Link("Compliance report", "/reports"),
    Link("Access log", "/access-log", role="admin"),
]
