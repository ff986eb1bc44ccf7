"""Small builders that put a case straight into the database; they live in scripts.harness.builders."""

from __future__ import annotations

from scripts.harness.builders import DOMAIN, durham, information, pdu, prison, prisoner

__all__ = ["DOMAIN", "durham", "information", "pdu", "prison", "prisoner"]
