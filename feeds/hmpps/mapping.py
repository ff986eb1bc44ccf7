"""From the APIs' JSON to the rows the feeds write: the same columns a releases or allocations CSV row has.

A field that is absent (or unreadable) is unknown, None, so it keeps what we knew, as a
blank cell does. Unknown fields are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from config.policy import SyncPolicy
from feeds import values as v
from rules.registration import Registration, read_registration

STILL_IN_CUSTODY = frozenset({"ACTIVE IN", "ACTIVE OUT", "INACTIVE TRN"})
RELEASED = "INACTIVE OUT"
PRISON_CODE = re.compile(r"[A-Z]{3}")
NOT_A_PRISON = frozenset({"OUT", "TRN"})
API_DATES = {
    "crd": "conditionalReleaseDate",
    "ard": "automaticReleaseDate",
    "ped": "paroleEligibilityDate",
    "hdced": "homeDetentionCurfewEligibilityDate",
    "hdcad": "homeDetentionCurfewActualDate",
    "prrd": "postRecallReleaseDate",
    "ted": "tariffDate",
}


@dataclass(frozen=True)
class Seen:
    """One prisoner as Prisoner Search gave them, as a releases-feed row plus what only the API says."""

    row: dict[str, Any]  # the releases columns, plus legal_status and prison_mappa_level
    status: str | None
    sentenced: bool | None  # None: the legal status is unknown

    @property
    def prison_number(self) -> str:
        return self.row["prison_number"]

    @property
    def released(self) -> bool:
        return self.status == RELEASED

    @property
    def identified(self) -> bool:
        return self.row["mappa_category"] is not None or self.row["prison_mappa_level"] is not None


def api_date(value: object) -> date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _text(value: object, parse) -> Any:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return parse(value.strip())
    except ValueError:
        return None


def sentence_type(item: Mapping[str, Any]) -> tuple[str | None, bool | None]:
    """Manage POM Cases' reading: recall, else indeterminate, else SENTENCED is determinate; else not tracked."""
    if item.get("recall") is True:
        return "recall", True
    if item.get("indeterminateSentence") is True:
        return "indeterminate", True
    status = item.get("legalStatus")
    if status == "SENTENCED":
        return "determinate", True
    if isinstance(status, str) and status:
        return None, False
    return None, None


def alert_codes(item: Mapping[str, Any]) -> set[str]:
    alerts = item.get("alerts")
    if not isinstance(alerts, list):
        return set()
    return {
        a["alertCode"]
        for a in alerts
        if isinstance(a, dict)
        and a.get("alertType") == "P"
        and a.get("active") is True
        and a.get("expired") is not True
        and isinstance(a.get("alertCode"), str)
    }


def prisoner(item: Mapping[str, Any], night: date, policy: SyncPolicy) -> Seen | None:
    """None for a record without a readable prison number (counted, never written)."""
    number = _text(item.get("prisonerNumber"), v.parse_prison_number)
    if number is None:
        return None
    kind, sentenced = sentence_type(item)
    codes = alert_codes(item)
    categories = [policy.mappa_category_alerts[c] for c in codes if c in policy.mappa_category_alerts]
    levels = [policy.mappa_level_alerts[c] for c in codes if c in policy.mappa_level_alerts]
    status = item.get("status") if isinstance(item.get("status"), str) else None
    prison = item.get("prisonId")
    in_prison = isinstance(prison, str) and PRISON_CODE.fullmatch(prison) and prison not in NOT_A_PRISON
    released_on = None
    if status == RELEASED:
        moved = api_date(item.get("lastMovementDate")) if item.get("lastMovementTypeCode") == "REL" else None
        released_on = moved or night
    row = {
        "prison_number": number,
        "first_name": _text(item.get("firstName"), v.parse_name),
        "last_name": _text(item.get("lastName"), v.parse_name),
        "date_of_birth": api_date(item.get("dateOfBirth")),
        "establishment_code": prison if in_prison and status in STILL_IN_CUSTODY else None,
        "sentence_type": kind,
        **{name: api_date(item.get(field)) for name, field in API_DATES.items()},
        "thd": None,  # no API gives it: it stays what a feed said
        "mappa_category": min(categories) if categories else None,
        "crn": None,
        "released_on": released_on,
        "legal_status": item["legalStatus"][:40] if isinstance(item.get("legalStatus"), str) else None,
        "prison_mappa_level": max(levels) if levels else None,
    }
    return Seen(row, status, sentenced)


def com(manager: object) -> tuple[str | None, str | None]:
    """(name, e-mail) of the COM; (None, None) when the manager has neither: no COM is allocated."""
    if not isinstance(manager, dict):
        return None, None
    name = manager.get("name") if isinstance(manager.get("name"), dict) else {}
    parts = [name.get(k) for k in ("forename", "surname") if isinstance(name.get(k), str) and name.get(k).strip()]
    full = _text(" ".join(p.strip() for p in parts), v.parse_name) if parts else None
    email = _text(manager.get("email"), v.parse_email)
    return full, email


def team_code(manager: object) -> str | None:
    team = manager.get("team") if isinstance(manager, dict) else None
    return _text(team.get("code"), v.parse_team_code) if isinstance(team, dict) else None


def allocation(prison_number: str, record: Mapping[str, Any], teams: Mapping[str, Mapping[str, Any]]) -> dict:
    """An allocations row from a case record; the team's SPO and PDU come from the teams feed."""
    manager = record.get("manager")
    com_name, com_email = com(manager)
    team = team_code(manager)
    known = teams.get(team) if team else None
    return {
        "prison_number": prison_number,
        "crn": _text(record.get("crn"), v.parse_crn),
        "com_name": com_name,
        "com_email": com_email,
        "spo_name": known["spo_name"] if known else None,
        "spo_email": known["spo_email"] if known else None,
        "pdu_code": known["pdu_code"] if known else None,
        "team_code": team,
    }


def registration(answer: Mapping[str, Any]) -> tuple[Registration, date | None]:
    reading = read_registration(
        answer.get("category"), answer.get("level"), answer.get("categoryDescription"), answer.get("levelDescription")
    )
    return reading, api_date(answer.get("startDate"))


def mappa_row(prison_number: str, reading: Registration, start: date | None) -> dict | None:
    """The MappaInformation values a sound registration gives (the meeting date is never in it)."""
    if reading.problem is not None:
        return None
    return {
        "prison_number": prison_number,
        "category": reading.category,
        "level": reading.level,
        "meeting_date": None,
        "not_eligible": None,  # level 0 says it; merging sets it
        "confirmed_on": start,
    }
