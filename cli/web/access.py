"""Who may do what: MAPPA_WEB_ACCESS_FILE, a TOML file of [[user]] and [[group]] tables.

    [[user]]
    email = "jo.bloggs@justice.gov.uk"     # the ID token's email claim, else its sub
    role = "recorder"                      # viewer, recorder or admin
    establishments = ["DMI", "FKI"]        # or ["*"] for every prison

    [[group]]
    name = "omu-durham"                    # one of the ID token's groups claim
    role = "viewer"
    establishments = ["DMI"]

A person matching several tables gets the highest role and every establishment named.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

ROLES = ("viewer", "recorder", "admin")  # each may do what the one before it may
EVERY = "*"


class AccessFileError(ValueError):
    """The access file cannot be used; the message names the file, the table and the reason."""


@dataclass(frozen=True)
class Rule:
    kind: str  # "user" or "group"
    match: str
    role: str
    establishments: frozenset[str]


@dataclass(frozen=True)
class Grant:
    role: str
    establishments: frozenset[str]

    @property
    def everywhere(self) -> bool:
        return EVERY in self.establishments

    def may(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)

    def holds(self, establishment: str | None) -> bool:
        return self.everywhere or (establishment is not None and establishment in self.establishments)


def load_access(path: Path) -> list[Rule]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise AccessFileError(f"{path}: cannot read it ({error.strerror})") from None
    except tomllib.TOMLDecodeError as error:
        raise AccessFileError(f"{path}: not valid TOML ({error})") from None
    unknown = set(data) - {"user", "group"}
    if unknown:
        raise AccessFileError(f"{path}: unknown table {sorted(unknown)[0]!r} (only [[user]] and [[group]])")
    rules = []
    for kind, key in (("user", "email"), ("group", "name")):
        for n, table in enumerate(data.get(kind, []), start=1):
            rules.append(_rule(path, kind, key, n, table))
    return rules


def _rule(path: Path, kind: str, key: str, n: int, table: object) -> Rule:
    where = f"{path}: [[{kind}]] number {n}"
    if not isinstance(table, dict):
        raise AccessFileError(f"{where}: must be a table")
    match, role, places = table.get(key), table.get("role"), table.get("establishments")
    if not isinstance(match, str) or not match.strip():
        raise AccessFileError(f'{where}: needs {key} = "..."')
    if role not in ROLES:
        raise AccessFileError(f"{where}: role must be one of {', '.join(ROLES)}")
    if not isinstance(places, list) or not places or not all(isinstance(p, str) and p.strip() for p in places):
        raise AccessFileError(f'{where}: establishments must be a list of prison codes, or ["*"]')
    codes = frozenset(p.strip().upper() for p in places)
    return Rule(kind, match.strip().lower() if kind == "user" else match.strip(), role, codes)


def grant_for(rules: list[Rule], identity: str, groups: list[str]) -> Grant | None:
    """The person's role and establishments, or None: nobody not listed gets in."""
    found = [
        r
        for r in rules
        if (r.kind == "user" and r.match == identity.lower()) or (r.kind == "group" and r.match in groups)
    ]
    if not found:
        return None
    role = max((r.role for r in found), key=ROLES.index)
    return Grant(role, frozenset().union(*(r.establishments for r in found)))
