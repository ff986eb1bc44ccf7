"""Building the contract server's data: Prisoner Search documents, case records, MAPPA registrations."""

from __future__ import annotations

from datetime import date
from typing import Any


def person(number: str, prison: str, *, crd: date | None = None, category: int | None = None, **extra: Any) -> dict:
    doc: dict[str, Any] = {
        "prisonerNumber": number,
        "firstName": "ALEX",
        "lastName": "EXAMPLE",
        "dateOfBirth": "1980-02-03",
        "prisonId": prison,
        "status": "ACTIVE IN",
        "legalStatus": "SENTENCED",
        "indeterminateSentence": False,
        "recall": False,
        "alerts": [],
        "bookingId": "1234567",  # an unknown field, ignored
    }
    if crd is not None:
        doc["conditionalReleaseDate"] = crd.isoformat()
    if category is not None:
        doc["alerts"].append({"alertType": "P", "alertCode": f"PC{category}", "active": True, "expired": False})
    doc.update(extra)
    return doc


def case_record(
    number: str,
    crn: str,
    *,
    com: tuple[str, str, str] | None = None,
    team: str = "N07T01",
    mappa_level: int | None = None,
) -> dict:
    manager: dict[str, Any] = {
        "code": "N07A001" if com else "N07UATU",
        "team": {"code": team, "description": "Team 1", "localDeliveryUnit": {"code": "N07LDU", "description": "L"}},
    }
    if com:
        manager |= {"name": {"forename": com[0], "surname": com[1]}, "email": com[2]}
    record: dict[str, Any] = {"crn": crn, "nomsId": number, "manager": manager, "extraField": {"x": 1}}
    if mappa_level is not None:
        record["mappaLevel"] = mappa_level
    return record


def registration(category: int, level: int, start: date, **extra: Any) -> dict:
    return {
        "category": category,
        "level": level,
        "categoryDescription": f"MAPPA Cat {category}",
        "levelDescription": f"MAPPA Level {level}",
        "startDate": start.isoformat(),
        "reviewDate": None,
        **extra,
    }
