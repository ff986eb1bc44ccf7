"""Small builders for rules tests: a case with everyone known unless stated."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from rules.decide import CaseFacts, People
from rules.information import Information
from rules.release import ReleaseDates

PEOPLE = People(
    com="com@probation.gov.uk",
    spo="spo@probation.gov.uk",
    pdu_mailbox="pdu@probation.gov.uk",
    head_of_pdu="head.pdu@probation.gov.uk",
    mappa_coordinator="mappa@probation.gov.uk",
    omu_mailbox="omu@justice.gov.uk",
    head_of_omu="head.omu@justice.gov.uk",
)
COMPLETE = Information(category=1, level=1)


def d(text: str) -> date:
    return date.fromisoformat(text)


def case(
    crd: str | None = None,
    *,
    info: Information = Information(),
    people: People = PEOPLE,
    released_on: str | None = None,
    **dates: str,
) -> CaseFacts:
    """A determinate case keyed on `crd` unless other dates are given."""
    release = ReleaseDates(
        crd=d(crd) if crd else None, **{k: (d(v) if k != "sentence_type" else v) for k, v in dates.items()}
    )
    return CaseFacts("A1234BC", "DMI", release, d(released_on) if released_on else None, info, people)


def with_people(facts: CaseFacts, **changes: str | None) -> CaseFacts:
    return replace(facts, people=replace(facts.people, **changes))
