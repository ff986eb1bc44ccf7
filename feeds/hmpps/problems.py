"""The facts `rules.sync_problems` needs, for a set of prisoners, in one query (for the nightly load)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.bulk import one_of
from db.models import Allocation, Case, MappaInformation, Prisoner, ProbationCheck, Team
from feeds.hmpps.store import chunks
from rules.sync_problems import TRACKED_LEGAL_STATUSES, SyncFacts


def sync_problem_facts(session: Session, prison_numbers: Sequence[str]) -> dict[str, SyncFacts]:
    columns = (
        Prisoner.prison_number,
        Prisoner.legal_status,
        Prisoner.mappa_category,
        Prisoner.prison_mappa_level,
        MappaInformation.category,
        MappaInformation.level,
        Case.prison_number,
        ProbationCheck.outcome,
        ProbationCheck.registration_problem,
        Allocation.team_code,
        Team.code,
    )
    statement = (
        select(*columns)
        .outerjoin(MappaInformation, MappaInformation.prison_number == Prisoner.prison_number)
        .outerjoin(Case, Case.prison_number == Prisoner.prison_number)
        .outerjoin(ProbationCheck, ProbationCheck.prison_number == Prisoner.prison_number)
        .outerjoin(Allocation, Allocation.prison_number == Prisoner.prison_number)
        .outerjoin(Team, Team.code == Allocation.team_code)
    )
    found = {}
    for part in chunks(list(prison_numbers)):
        for number, legal, prison_cat, prison_lvl, cat, lvl, case, outcome, problem, team, team_row in session.execute(
            statement.where(one_of(session, Prisoner.prison_number, part))
        ):
            tracked = (
                (prison_cat or 0) in range(1, 5)
                or prison_lvl is not None
                or (cat or 0) in range(1, 5)
                or (lvl or 0) in range(1, 4)
                or case is not None
            )
            found[number] = SyncFacts(
                tracked=tracked,
                legal_status=legal,
                sentenced=legal is None or legal in TRACKED_LEGAL_STATUSES,
                probation_outcome=outcome,
                registration_problem=problem,
                team_code=team,
                team_known=team is None or team_row is not None,
            )
    return found
