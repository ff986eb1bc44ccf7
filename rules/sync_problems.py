"""The data problems the HMPPS sync discovers, from the facts it stores (pure; no database here).

Each problem is one of the codes of `rules.problems` (which says whether it blocks the chase) with
the detail of this case. Only tracked cases have problems: a prisoner who is not MAPPA is none of
the tracker's business.
"""

from __future__ import annotations

from dataclasses import dataclass

from rules.problems import (
    CONTRADICTORY_REGISTRATION,
    LEGAL_STATUS_NOT_TRACKED,
    NOT_KNOWN_TO_PROBATION,
    TEAM_NOT_IN_TEAMS_FEED,
    Found,
)

TRACKED_LEGAL_STATUSES = frozenset({"SENTENCED", "RECALL", "INDETERMINATE_SENTENCE"})


@dataclass(frozen=True)
class SyncFacts:
    tracked: bool
    legal_status: str | None = None  # as Prisoner Search last gave it; None: unknown (or a CSV-fed prisoner)
    sentenced: bool = True  # Prisoner Search's recall/indeterminate flags or legal status SENTENCED
    probation_outcome: str | None = None  # "found", "not-found" (404 case record), None: never asked
    registration_problem: str | None = None
    team_code: str | None = None
    team_known: bool = True  # the team is in the teams feed


def tracked_sync_facts(
    legal_status: str | None,
    probation_outcome: str | None,
    registration_problem: str | None,
    team_code: str | None,
    team_in_feed: str | None,
) -> SyncFacts:
    """A tracked case's facts from its stored columns (`team_in_feed`: the teams feed's code, None if absent)."""
    return SyncFacts(
        tracked=True,
        legal_status=legal_status,
        sentenced=legal_status is None or legal_status in TRACKED_LEGAL_STATUSES,
        probation_outcome=probation_outcome,
        registration_problem=registration_problem,
        team_code=team_code,
        team_known=team_code is None or team_in_feed is not None,
    )


def sync_problems(facts: SyncFacts) -> tuple[Found, ...]:
    if not facts.tracked:
        return ()
    found: list[Found] = []
    if facts.legal_status is not None and not facts.sentenced:
        found.append(Found(LEGAL_STATUS_NOT_TRACKED, f"the prison now records legal status {facts.legal_status}"))
    if facts.probation_outcome == "not-found":
        found.append(Found(NOT_KNOWN_TO_PROBATION, "no nDelius case record for this prison number"))
    if facts.registration_problem:
        found.append(Found(CONTRADICTORY_REGISTRATION, f"nDelius holds {facts.registration_problem}"))
    if facts.team_code and not facts.team_known:
        found.append(Found(TEAM_NOT_IN_TEAMS_FEED, f"the COM's team {facts.team_code} is not in the teams feed"))
    return tuple(found)
