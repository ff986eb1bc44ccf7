"""The data problems the HMPPS sync discovers, from the facts it stores (pure; no database here).

Each problem has a stable reason code (for the data-problem registry), whether it blocks
the chase, and a description for the nightly summary. Only tracked cases have problems:
a prisoner who is not MAPPA is none of the tracker's business.
"""

from __future__ import annotations

from dataclasses import dataclass

TRACKED_LEGAL_STATUSES = frozenset({"SENTENCED", "RECALL", "INDETERMINATE_SENTENCE"})
NOT_KNOWN_TO_PROBATION = "not-known-to-probation"
LEGAL_STATUS_NOT_TRACKED = "legal-status-not-tracked"
CONTRADICTORY_REGISTRATION = "contradictory-mappa-registration"
TEAM_NOT_IN_FEED = "team-not-in-teams-feed"


@dataclass(frozen=True)
class SyncFacts:
    tracked: bool
    legal_status: str | None = None  # as Prisoner Search last gave it; None: unknown (or a CSV-fed prisoner)
    sentenced: bool = True  # Prisoner Search's recall/indeterminate flags or legal status SENTENCED
    probation_outcome: str | None = None  # "found", "not-found" (404 case record), None: never asked
    registration_problem: str | None = None
    team_code: str | None = None
    team_known: bool = True  # the team is in the teams feed


@dataclass(frozen=True)
class SyncProblem:
    code: str
    blocking: bool  # True: the chase cannot go on until it is put right
    description: str


def sync_problems(facts: SyncFacts) -> tuple[SyncProblem, ...]:
    if not facts.tracked:
        return ()
    found: list[SyncProblem] = []
    if facts.legal_status is not None and not facts.sentenced:
        found.append(
            SyncProblem(
                LEGAL_STATUS_NOT_TRACKED,
                True,
                f"the prison now records legal status {facts.legal_status}: no sentence to plan a release from",
            )
        )
    if facts.probation_outcome == "not-found":
        found.append(SyncProblem(NOT_KNOWN_TO_PROBATION, False, "not known to probation (no nDelius case record)"))
    if facts.registration_problem:
        found.append(SyncProblem(CONTRADICTORY_REGISTRATION, False, f"nDelius holds {facts.registration_problem}"))
    if facts.team_code and not facts.team_known:
        found.append(
            SyncProblem(TEAM_NOT_IN_FEED, False, f"the COM's team {facts.team_code} is not in the teams feed (no SPO)")
        )
    return tuple(found)
