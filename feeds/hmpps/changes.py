"""Tonight's answers as the rows the sync writes: prisoners, allocations, MAPPA information, probation checks.

Only prisoners we already hold, or that the prison or probation identifies as MAPPA, get a
prisoner row (names, dates of birth); anyone else asked about leaves only a probation check.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from feeds.hmpps import mapping
from feeds.hmpps.mapping import Seen
from feeds.hmpps.probation import Answer
from feeds.hmpps.store import Known
from rules.registration import Registration


@dataclass
class Changes:
    prisoners: list[dict] = field(default_factory=list)
    allocations: list[dict] = field(default_factory=list)
    informations: list[dict] = field(default_factory=list)
    asks: list[dict] = field(default_factory=list)
    released: int = 0
    transferred: int = 0


def reading_of(answer: Answer | None) -> tuple[Registration | None, date | None]:
    if answer is None or answer.registration is None:
        return None, None
    return mapping.registration(answer.registration)


def identified_by_probation(reading: Registration | None) -> bool:
    return reading is not None and reading.problem is None and ((reading.category or 0) > 0 or (reading.level or 0) > 0)


def changes_tonight(
    code: str,
    night: date,
    seen: Mapping[str, Seen],
    known: Mapping[str, Known],
    moved: Mapping[str, Seen],
    answers: Mapping[str, Answer],
    teams: Mapping[str, Mapping[str, Any]],
) -> Changes:
    changes = Changes()
    for number, person in seen.items():
        answer = answers.get(number)
        reading, start = reading_of(answer)
        if number in known or person.identified or identified_by_probation(reading):
            _add_person(changes, number, person, answer, reading, start, teams)
        if answer is not None:
            changes.asks.append(_ask_row(number, code, night, answer, reading))
        if person.released and number in known and known[number].released_on is None:
            changes.released += 1
    for number, person in moved.items():
        if person.row["released_on"] is not None and known[number].released_on is None:
            changes.released += 1
        elif person.row["establishment_code"] not in (None, code):
            changes.transferred += 1
        changes.prisoners.append(dict(person.row))
    return changes


def _add_person(changes: Changes, number: str, person: Seen, answer, reading, start, teams) -> None:
    row = dict(person.row)
    if answer is not None and answer.case_record is not None:
        allocation = mapping.allocation(number, answer.case_record, teams)
        row["crn"] = allocation["crn"]
        changes.allocations.append(allocation)
        if reading is not None and (information := mapping.mappa_row(number, reading, start)):
            changes.informations.append(information)
    changes.prisoners.append(row)


def _ask_row(number: str, code: str, night: date, answer: Answer, reading: Registration | None) -> dict:
    return {
        "prison_number": number,
        "establishment_code": code,
        "asked_on": night,
        "outcome": "found" if answer.case_record is not None else "not-found",
        "registration_problem": reading.problem if reading is not None else None,
    }
