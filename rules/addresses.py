"""Turning roles into addresses, with the stand-ins used when someone is not known."""

from __future__ import annotations

from dataclasses import dataclass

from rules.case import People

# Probation roles the PDU mailbox can stand in for; when the PDU itself is not
# known the OMU mailbox does, and that is a data problem someone must fix.
VIA_PDU = frozenset({"com", "spo", "head_of_pdu", "mappa_coordinator"})
MISSING = {
    "com": "no COM allocated",
    "spo": "no SPO known",
    "head_of_pdu": "no Head of PDU known",
    "mappa_coordinator": "no MAPPA Coordinator known",
    "pdu_mailbox": "no PDU mailbox known",
    "head_of_omu": "no Head of OMU known",
    "omu_mailbox": "no OMU mailbox known",
}
NO_PDU = "no PDU known: sent to the OMU mailbox"


@dataclass(frozen=True)
class Addressees:
    to: tuple[str, ...]
    cc: tuple[str, ...]
    substitutes: tuple[str, ...]  # roles only, never names: they go into e-mails
    problems: tuple[str, ...]


def address(
    to_roles: tuple[str, ...],
    cc_roles: tuple[str, ...],
    people: People,
    to: tuple[str, ...] = (),
) -> Addressees:
    """Resolve roles to addresses; `to` adds addresses already known (resolved notices)."""
    notes: dict[str, None] = {}
    problems: dict[str, None] = {}
    to_all = _unique([*to, *(_resolve(r, people, notes, problems) for r in to_roles)])
    cc_all = _unique([_resolve(r, people, notes, problems) for r in cc_roles])
    return Addressees(to_all, tuple(a for a in cc_all if a not in to_all), tuple(notes), tuple(problems))


def _resolve(role: str, people: People, notes: dict[str, None], problems: dict[str, None]) -> str | None:
    found: str | None = getattr(people, role)
    if found:
        return found
    missing = MISSING[role]
    if role in VIA_PDU and people.pdu_mailbox:
        notes[f"{missing}: sent to the PDU mailbox"] = None
        return people.pdu_mailbox
    if role != "omu_mailbox" and people.omu_mailbox:
        notes[f"{missing}: sent to the OMU mailbox"] = None
        if role in VIA_PDU or role == "pdu_mailbox":
            problems[NO_PDU] = None
        return people.omu_mailbox
    problems[missing] = None
    return None


def _unique(addresses: list[str | None]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(a for a in addresses if a))
