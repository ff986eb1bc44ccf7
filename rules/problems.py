"""Data problems: a stable code for each reason the tracker cannot chase a case as it should.

Each reason is blocking (the case's state becomes `data-problem` and the chase stops until the
data is put right) or a warning (the chase goes on, with the policy's stand-in addressee). The
sentence is what an OMU administrator reads in the digest and in `mappa problems`.

To add a reason: one `define(...)` line below, a test that produces it from feed rows, and a row
in docs/problems.md. Producers (the rules, the nightly check, the imports, a sync) only ever
name a code; they never invent wording.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from rules.addresses import address as resolve
from rules.case import CaseFacts, People
from rules.states import CLOSED_STATES, State


@dataclass(frozen=True)
class Reason:
    code: str
    blocking: bool
    sentence: str


@dataclass(frozen=True)
class Found:
    """One problem with one case (or one feed row): a code and what exactly is wrong."""

    code: str
    detail: str = ""

    @property
    def reason(self) -> Reason:
        return reason(self.code)

    @property
    def blocking(self) -> bool:
        return self.reason.blocking


REASONS: dict[str, Reason] = {}


def define(code: str, blocking: bool, sentence: str) -> str:
    if code in REASONS:
        raise ValueError(f"data problem {code!r} is defined twice")
    REASONS[code] = Reason(code, blocking, sentence)
    return code


def reason(code: str) -> Reason:
    try:
        return REASONS[code]
    except KeyError:
        raise ValueError(f"unknown data problem code {code!r}") from None


NO_RELEASE_DATE = define(
    "no-release-date",
    True,
    "No usable release date: the prison record has no date this person could be released on, so nothing can be "
    "planned. Add the release dates in the prison system.",
)
UNKNOWN_ESTABLISHMENT = define(
    "unknown-establishment",
    True,
    "Unknown establishment: the prisoner's establishment code is not in the establishments feed, so there is no "
    "OMU to copy or escalate to. Correct the code or add the establishment.",
)
NOBODY_TO_SEND_TO = define(
    "nobody-to-send-to",
    True,
    "Nobody to send a step to: there is no COM, no PDU mailbox and no OMU mailbox for this case. Allocate a COM "
    "or add the PDU's or OMU's mailbox.",
)
SOURCE_STALE = define(
    "source-stale",
    True,
    "Source stale: this establishment's data has not synced from the HMPPS systems recently, so the release dates "
    "and allocations may be out of date. The chase waits until a sync succeeds.",
)
UNKNOWN_PDU = define(
    "unknown-pdu",
    False,
    "Unknown PDU: the case has no Probation Delivery Unit, or one not in the PDU feed; e-mails for probation go "
    "to the OMU mailbox instead. Record the PDU in nDelius.",
)
NO_SPO = define(
    "no-spo",
    False,
    "No SPO known: escalations for the Senior Probation Officer go to the PDU mailbox instead. Record the SPO "
    "in nDelius.",
)
MISSING_CONTACT = define(
    "missing-contact",
    False,
    "A person the policy copies or escalates to is not known (for example no Head of OMU); that copy is not sent. "
    "Add the address to the establishments or PDU feed.",
)
ADDRESS_NOT_ALLOWED = define(
    "address-not-allowed",
    False,
    "An address is not on a secure government domain (MAPPA_ALLOWED_RECIPIENT_DOMAINS): e-mails to it are held, "
    "not sent. Correct the address at its source.",
)
ROW_REJECTED = define(
    "row-rejected",
    False,
    "A feed row for a prisoner the prison identified as MAPPA was rejected by the import, so the tracker may be "
    "missing this person's latest data. Correct the row and send the file again.",
)

LEGAL_STATUS_NOT_TRACKED = define(
    "legal-status-not-tracked",
    True,
    "Legal status not tracked: the prison system now records this person as not serving a sentence (for example "
    "on remand), so there is no release to plan. Check the legal status in the prison system.",
)
NOT_KNOWN_TO_PROBATION = define(
    "not-known-to-probation",
    False,
    "Not known to probation: nDelius has no case record for this prison number, so no COM or MAPPA registration "
    "can be read from it. Ask probation to link the prison number to the person's nDelius case.",
)
CONTRADICTORY_REGISTRATION = define(
    "contradictory-mappa-registration",
    False,
    "Contradictory MAPPA registration: nDelius holds a MAPPA registration that cannot be read as a category and "
    "a level (for example a level without a category), so it is not taken as the COM's confirmation. Ask the COM "
    "to correct the registration.",
)
TEAM_NOT_IN_TEAMS_FEED = define(
    "team-not-in-teams-feed",
    False,
    "Team not in the teams feed: the COM's probation team is not in the teams feed, so its SPO and PDU are not "
    "known; escalations for the SPO go to the PDU mailbox instead. Add the team to the teams feed.",
)

# What the chase rules say, by text (rules.decide, rules.addresses), as codes.
_RULE_TEXTS = {"no usable release date": NO_RELEASE_DATE, "no SPO known": NO_SPO}


def from_rule(text: str) -> Found:
    """A problem as the chase rules word it, as a code and a detail."""
    if text in _RULE_TEXTS:
        return Found(_RULE_TEXTS[text])
    if text.endswith(": nobody to send it to"):
        return Found(NOBODY_TO_SEND_TO, text)
    if text.startswith("no PDU known"):
        return Found(UNKNOWN_PDU, text)
    return Found(MISSING_CONTACT, text)


@dataclass(frozen=True)
class Known:
    """What the nightly check knows beyond one case's facts."""

    establishment_known: bool = True
    pdu_code: str | None = None
    pdu_known: bool = True
    stale_since: str | None = None  # the establishment's sync is stale: since when (a date, as text)
    synced: tuple[Found, ...] = ()  # what the HMPPS sync found wrong with this case (rules.sync_problems)
    address_problem: Callable[[str], str | None] = lambda address: None


ROLES = {
    "com": "COM",
    "spo": "SPO",
    "pdu_mailbox": "PDU mailbox",
    "head_of_pdu": "Head of PDU",
    "mappa_coordinator": "MAPPA Coordinator",
    "omu_mailbox": "OMU mailbox",
    "head_of_omu": "Head of OMU",
}


def standing(facts: CaseFacts, known: Known, roles: Iterable[str] = ()) -> tuple[Found, ...]:
    """Problems visible in the data itself, whatever step is due tonight.

    `roles`: every role the policy addresses some step to; one with nobody standing in is missing.
    """
    people, found = facts.people, []
    if not facts.establishment_code or not known.establishment_known:
        found.append(Found(UNKNOWN_ESTABLISHMENT, f"establishment code {facts.establishment_code or '(blank)'}"))
    if known.stale_since is not None:
        found.append(Found(SOURCE_STALE, f"last successful sync: {known.stale_since}"))
    if not (people.com or people.pdu_mailbox or people.omu_mailbox):
        found.append(Found(NOBODY_TO_SEND_TO, "no COM, no PDU mailbox and no OMU mailbox"))
    if not known.pdu_code or not known.pdu_known:
        found.append(Found(UNKNOWN_PDU, f"PDU code {known.pdu_code}" if known.pdu_code else "no PDU recorded"))
    if people.com and not people.spo:
        found.append(Found(NO_SPO))
    found += known.synced
    if found and found[0].code == UNKNOWN_ESTABLISHMENT:  # its OMU's people are not missing: the prison is
        roles = [role for role in roles if role not in ("omu_mailbox", "head_of_omu")]
    found += _missing_contacts(tuple(roles), tuple(bool(getattr(people, name)) for name in ROLES))
    for role, label in ROLES.items():
        address = getattr(people, role)
        if address and (problem := known.address_problem(address)):
            found.append(Found(ADDRESS_NOT_ALLOWED, f"{label}: {problem}"))
    return tuple(found)


@lru_cache(maxsize=1024)
def _missing_contacts(roles: tuple[str, ...], present: tuple[bool, ...]) -> tuple[Found, ...]:
    """The roles nobody stands in for: it depends only on which roles have an address (`present`, in
    ROLES' order), so it is worked out once per pattern, not once per case."""
    people = People(**{role: f"{role}@present" if known else None for role, known in zip(ROLES, present)})
    gaps = resolve(tuple(dict.fromkeys(roles)), (), people).problems
    return tuple(found for found in map(from_rule, gaps) if found.code == MISSING_CONTACT)


def merged(*groups: Iterable[Found]) -> tuple[Found, ...]:
    """Each problem once; a code shown once with its most telling detail (standing beats a rule's text)."""
    by_code: dict[tuple[str, str], Found] = {}
    codes: set[str] = set()
    for group in groups:
        for problem in group:
            if problem.code in codes and problem.code not in (ADDRESS_NOT_ALLOWED, MISSING_CONTACT):
                continue
            codes.add(problem.code)
            by_code.setdefault((problem.code, problem.detail), problem)
    return tuple(by_code.values())


def blocked(decision: Any, problems: tuple[Found, ...]) -> Any:
    """A blocking problem stops the chase tonight: nothing is queued or superseded; a closing stands."""
    if decision.closes or decision.state in CLOSED_STATES:
        return decision
    if not any(p.blocking for p in problems):
        return decision
    return replace(decision, state=State.DATA_PROBLEM, notice=None, superseded=(), next_step=None, next_step_date=None)
