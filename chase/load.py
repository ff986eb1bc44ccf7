"""Load every tracked case and its history with a handful of set-based queries.

A case is tracked when the prison's identification or the COM's confirmation
gives it a MAPPA category 1-4, or a level 1-3; once tracked it stays tracked
(the `cases` row exists) so that closing notices and history are never lost.

Rows are read as plain column tuples, not ORM objects: a national night reads
tens of thousands of cases and hundreds of thousands of notices.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import fields
from functools import cached_property, lru_cache
from operator import itemgetter

from sqlalchemy import Text, and_, case, cast, or_, select
from sqlalchemy.orm import Session, aliased

from db.models import Allocation, Case, Establishment, MappaInformation, Notice, Pdu, Prisoner, ProbationCheck, Team
from rules.decide import CaseFacts, History, People
from rules.information import Information
from rules.release import RELEASE_DATE_FIELDS, ReleaseDates
from rules.steps import Step
from rules.sync_problems import SyncFacts, tracked_sync_facts
from rules.trail import handled_from

DATES = RELEASE_DATE_FIELDS
STORED = (
    "state",
    "key_date",
    "key_source",
    "planning_date",
    "request_date",
    "due_date",
    "final_warning_date",
    "last_step",
    "next_step",
    "next_step_date",
    "missing",
    "problems",
    "closed_state",
    "closed_on",
    "tracked_since",
    "establishment_code",
    "decided_inputs",
    "decided_on",
    "decide_again_on",
)


# The stored lists (missing information, problems) are read as their JSON text and decoded once per
# distinct text: a night reads them for every open case, nearly all "[]" or one of a few lists, and
# decoding each was a twelfth of a steady night. The decoded values are shared: only read them.
STORED_JSON = ("missing", "problems")


def _stored_column(name: str):
    column = getattr(Case, name)
    return (cast(column, Text) if name in STORED_JSON else column).label(f"case_{name}")


@lru_cache(maxsize=4096)
def _decoded(text: str | None):
    return None if text is None else json.loads(text)


class Snapshot:
    """One case as tonight sees it: facts for the rules, plus what is stored about it.

    Built from its row and outbox rows on first use: a case whose decision still stands (chase.night)
    is looked at only for its key, its stored row and the digest of its inputs, so a steady night
    never builds the facts and history of the thousands it does not decide again.
    """

    def __init__(self, row: tuple, notices: list) -> None:
        self.row, self.notices = row, notices

    @property
    def prison_number(self) -> str:
        return self.row[0]

    @property
    def establishment_code(self) -> str | None:
        return self.row[1]

    @cached_property
    def facts(self) -> CaseFacts:
        return facts_of(self.row)

    @cached_property
    def stored(self) -> dict | None:
        """The `cases` row as a dict, None if never checked."""
        return stored_fields(self.row)

    def stored_value(self, name: str):
        """One column of the stored row, without building the whole dict (None if never checked)."""
        value = self.row[_STORED.start + STORED.index(name)]
        return _decoded(value) if name in STORED_JSON else value

    @cached_property
    def history(self) -> History:
        return history_of(self.stored, self.notices)

    @cached_property
    def pending(self) -> list[tuple[int, str, str]]:
        """(notice id, step, key) not yet sent."""
        return [(n.id, n.step, n.key) for n in self.notices if n.status == "pending"]

    @cached_property
    def _sync(self) -> tuple[str | None, SyncFacts]:
        return sync_of(self.row)

    @property
    def pdu_code(self) -> str | None:
        """The allocation's PDU, as given (facts.people has its contacts)."""
        return self._sync[0]

    @property
    def sync(self) -> SyncFacts:
        """What the HMPPS sync stored about the case (rules.sync_problems)."""
        return self._sync[1]

    @cached_property
    def inputs(self) -> str:
        """A digest of everything above the rules read (`inputs_of`): unchanged, so is the decision."""
        return inputs_of(self.row, self.notices)


def tracked_condition():
    return or_(
        Prisoner.mappa_category.between(1, 4),
        Prisoner.prison_mappa_level.is_not(None),  # the prison's MAPPA level alert, without a category alert
        MappaInformation.category.between(1, 4),
        MappaInformation.level.between(1, 3),
        Case.prison_number.is_not(None),
    )


def still_open():
    """Closed cases whose closing notice has gone need nothing more from the night."""
    return or_(Case.prison_number.is_(None), Case.closed_state.is_(None), Case.next_step.is_not(None))


def case_column_groups(pdu) -> dict[str, tuple]:
    """The columns of a case row, in groups; a row's positions are derived from these (see `_AT`)."""
    people = {  # People's fields, in People's order
        "com": Allocation.com_email,
        "spo": Allocation.spo_email,
        "pdu_mailbox": pdu.mailbox.label("pdu_mailbox"),
        "head_of_pdu": pdu.head_email.label("head_of_pdu"),
        "mappa_coordinator": pdu.mappa_coordinator_email.label("mappa_coordinator"),
        "omu_mailbox": Establishment.omu_mailbox,
        "head_of_omu": Establishment.head_of_omu_email,
    }
    if tuple(people) != tuple(f.name for f in fields(People)):
        raise RuntimeError("People's fields and the case row's people columns disagree")
    return {
        "identity": (Prisoner.prison_number, Prisoner.establishment_code, Prisoner.sentence_type, Prisoner.released_on),
        "dates": tuple(getattr(Prisoner, name) for name in DATES),
        "people": tuple(people.values()),
        "information": (
            MappaInformation.category,
            MappaInformation.level,
            MappaInformation.meeting_date,
            MappaInformation.not_eligible,
        ),
        "case_key": (Case.prison_number.label("case_key"),),
        # The data problems' facts in the same read (a second query per batch cost an eighth of a night).
        "sync": (
            Allocation.pdu_code,
            Prisoner.legal_status,
            ProbationCheck.outcome,
            ProbationCheck.registration_problem,
            Allocation.team_code,
            Team.code.label("team_in_feed"),
        ),
        "stored": tuple(_stored_column(name) for name in STORED),
    }


def case_columns(pdu) -> tuple:
    return tuple(column for group in case_column_groups(pdu).values() for column in group)


def _positions(groups: dict[str, tuple]) -> dict[str, slice]:
    positions, start = {}, 0
    for name, columns in groups.items():
        positions[name] = slice(start, start + len(columns))
        start += len(columns)
    return positions


def case_rows(
    session: Session,
    prison_numbers: Iterable[str] | None = None,
    include_closed: bool = False,
    establishment: str | None = None,
):
    """Everything the rules need about each tracked case, in one joined query."""
    pdu = aliased(Pdu)
    statement = (
        select(*case_columns(pdu))
        # The two tables the filter needs come first: SQLite then tests each prisoner after two lookups
        # and makes the other five only for the tracked few (a national night: 12,600 of 90,000).
        .outerjoin(MappaInformation, MappaInformation.prison_number == Prisoner.prison_number)
        .outerjoin(Case, Case.prison_number == Prisoner.prison_number)
        .outerjoin(Allocation, Allocation.prison_number == Prisoner.prison_number)
        .outerjoin(Establishment, Establishment.code == Prisoner.establishment_code)
        .outerjoin(pdu, pdu.code == Allocation.pdu_code)
        .outerjoin(ProbationCheck, ProbationCheck.prison_number == Prisoner.prison_number)
        .outerjoin(Team, Team.code == Allocation.team_code)
        .where(tracked_condition() if include_closed else and_(tracked_condition(), still_open()))
    )
    if prison_numbers is not None:
        statement = statement.where(Prisoner.prison_number.in_(list(prison_numbers)))
    if establishment is not None:
        statement = statement.where(Prisoner.establishment_code == establishment)
    # Core, not the ORM: the columns need no identity map, and the ORM's row handling cost a tenth of a night.
    rows = [tuple(row) for row in session.connection().execute(statement)]
    # Sorted here, not in SQL: an ORDER BY led PostgreSQL to merge joins over sorted copies of every
    # prisoner (4x the query's time); a few thousand tuples sort in milliseconds.
    rows.sort(key=itemgetter(0))
    return rows


# Positions in a case row, derived from its column groups. Tuples sliced by position cost a
# fraction of named attribute lookups on SQLAlchemy rows, tens of thousands a night.
_AT = _positions(case_column_groups(aliased(Pdu)))
_IDENTITY, _DATES, _PEOPLE, _INFO = _AT["identity"], _AT["dates"], _AT["people"], _AT["information"]
_CASE_KEY, _STORED, _SYNC = _AT["case_key"].start, _AT["stored"], _AT["sync"]


def facts_of(row: tuple) -> CaseFacts:
    prison_number, establishment_code, sentence_type, released_on = row[_IDENTITY]
    category, level, meeting_date, not_eligible = row[_INFO]
    return CaseFacts(
        prison_number,
        establishment_code,
        ReleaseDates(sentence_type, *row[_DATES]),
        released_on,
        Information(category, level, meeting_date, bool(not_eligible)),
        People(*row[_PEOPLE]),
    )


def sync_of(row: tuple) -> tuple[str | None, SyncFacts]:
    """(the PDU code, the sync's facts) of a loaded row; every loaded case is tracked."""
    pdu_code, legal_status, outcome, registration_problem, team_code, team_in_feed = row[_SYNC]
    return pdu_code, tracked_sync_facts(legal_status, outcome, registration_problem, team_code, team_in_feed)


# What of the stored row the rules read back as history; the rest of it is what they decided.
_HISTORY_FIELDS = tuple(_STORED.start + STORED.index(name) for name in ("tracked_since", "closed_state", "closed_on"))


def inputs_of(row: tuple, notices: list) -> str:
    """A digest of one case's inputs: its row up to what was stored, the history stored, its outbox rows.

    Text, not Python's hash (salted per process): it is stored with the decision and compared on a
    later night, in another process. One line of text and one SHA-1 (about 9 us) per case.
    """
    text = str((row[: _STORED.start], tuple(row[i] for i in _HISTORY_FIELDS), [tuple(n) for n in notices]))
    return hashlib.sha1(text.encode()).hexdigest()


def stored_fields(row: tuple) -> dict | None:
    if row[_CASE_KEY] is None:
        return None
    stored = dict(zip(STORED, row[_STORED]))
    for name in STORED_JSON:
        stored[name] = _decoded(stored[name])
    return stored


NOTICE_COLUMNS = (
    Notice.prison_number,
    Notice.id,
    Notice.step,
    Notice.night,
    Notice.key,
    Notice.status,
    Notice.to,
    # only a request's context matters here (the COM it asked); skip decoding the rest
    case((Notice.step == Step.REQUEST, Notice.context), else_=None).label("context"),
)


def notices_by_case(session: Session, prison_numbers: list[str] | None) -> dict[str, list]:
    statement = select(*NOTICE_COLUMNS).order_by(Notice.id)
    if prison_numbers is not None:
        statement = statement.where(Notice.prison_number.in_(prison_numbers))
    grouped: dict[str, list] = defaultdict(list)
    for row in session.connection().execute(statement):
        grouped[row.prison_number].append(row)
    return grouped


def history_of(stored: dict | None, notices: list) -> History:
    handled = tuple(handled_from(n.step, n.night, n.key, n.status, n.to, n.context) for n in notices)
    if stored is None:
        return History(handled=handled)
    return History(
        tracked_since=stored["tracked_since"],
        handled=handled,
        closed_state=stored["closed_state"],
        closed_on=stored["closed_on"],
    )


def load_snapshots(
    session: Session,
    prison_numbers: Iterable[str] | None = None,
    include_closed: bool = False,
    establishment: str | None = None,
) -> list[Snapshot]:
    rows = case_rows(session, prison_numbers, include_closed, establishment)
    wanted = None if prison_numbers is None and establishment is None else [row[0] for row in rows]
    notices = notices_by_case(session, wanted)
    snapshots = [Snapshot(row, notices.get(row[0], [])) for row in rows]
    return snapshots
