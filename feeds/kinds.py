"""The four feeds: their columns, and the tables and audit events each one feeds.

A Feed's first column is its natural key. A Target is one table a feed writes:
the fields it compares and writes (key first), the audit event for a new row, and
the events for changes that matter to the chase (who gets the e-mail, when the
person walks out, what MAPPA information has arrived). Other changes (a spelling
of a name, a CRN) are written without an event.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from db.models import Allocation, Establishment, MappaInformation, Pdu, Prisoner, Team
from feeds import mappa
from feeds import values as v
from rules.release import RELEASE_DATE_FIELDS

MAX_FIELD = 10_000
RELEASE_DATES = RELEASE_DATE_FIELDS


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[str], Any]
    required: bool = False  # must be in the header; only the key must be filled in
    limit: int = MAX_FIELD


def keep_known(current: Mapping[str, Any] | None, given: Mapping[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """Blank is unknown: a value the row leaves blank keeps what we knew."""
    if current is None:
        return dict(given)
    return {name: current[name] if given[name] is None else given[name] for name in fields}


@dataclass(frozen=True)
class Target:
    model: type
    fields: tuple[str, ...]
    added: str
    audited: dict[str, tuple[str, ...]]
    share: Callable[[Mapping[str, Any]], dict[str, Any] | None] | None = None
    merge: Callable[[Mapping[str, Any] | None, Mapping[str, Any]], dict[str, Any]] | None = None
    stamp: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.fields[0]

    @cached_property
    def audited_fields(self) -> tuple[str, ...]:
        """The fields some change event is about, in the order of `fields` (what an added event records)."""
        audited = {name for names in self.audited.values() for name in names}
        return tuple(name for name in self.fields if name in audited)

    def given(self, row: Mapping[str, Any]) -> dict[str, Any] | None:
        return self.share(row) if self.share else {name: row[name] for name in self.fields}

    def merged(self, current: Mapping[str, Any] | None, given: Mapping[str, Any]) -> dict[str, Any]:
        return self.merge(current, given) if self.merge else keep_known(current, given, self.fields)


@dataclass(frozen=True)
class Feed:
    kind: str
    columns: tuple[Column, ...]
    targets: tuple[Target, ...]
    distinct: tuple[str, ...] = ()  # at least one must be in the header, so a file of another kind is refused
    check: Callable[[Mapping[str, Any]], tuple[str, str] | None] = lambda row: None

    @property
    def key(self) -> str:
        return self.columns[0].name


def _names(limit: int) -> dict[str, Any]:
    return {"parse": v.parse_name, "limit": limit}


ESTABLISHMENTS = Feed(
    "establishments",
    (
        Column("code", v.parse_establishment_code, required=True),
        Column("name", **_names(200)),
        Column("omu_mailbox", v.parse_email),
        Column("head_of_omu_email", v.parse_email),
    ),
    (
        Target(
            Establishment,
            ("code", "name", "omu_mailbox", "head_of_omu_email"),
            "establishment-added",
            {"establishment-contacts-changed": ("omu_mailbox", "head_of_omu_email")},
        ),
    ),
    distinct=("omu_mailbox", "head_of_omu_email"),
)

PDUS = Feed(
    "pdus",
    (
        Column("code", v.parse_pdu_code, required=True),
        Column("name", **_names(200)),
        Column("mailbox", v.parse_email),
        Column("head_email", v.parse_email),
        Column("mappa_coordinator_email", v.parse_email),
    ),
    (
        Target(
            Pdu,
            ("code", "name", "mailbox", "head_email", "mappa_coordinator_email"),
            "pdu-added",
            {"pdu-contacts-changed": ("mailbox", "head_email", "mappa_coordinator_email")},
        ),
    ),
    distinct=("mailbox", "head_email", "mappa_coordinator_email"),
)

RELEASES = Feed(
    "releases",
    (
        Column("prison_number", v.parse_prison_number, required=True),
        Column("first_name", **_names(100), required=True),
        Column("last_name", **_names(100), required=True),
        Column("date_of_birth", v.parse_date, required=True),
        Column("establishment_code", v.parse_establishment_code, required=True),
        Column("sentence_type", v.parse_sentence_type, required=True),
        *(Column(name, v.parse_date, required=True) for name in RELEASE_DATES),
        Column("mappa_category", v.parse_category, required=True),
        Column("crn", v.parse_crn, required=True),
        Column("released_on", v.parse_date, required=True),
    ),
    (
        Target(
            Prisoner,
            (
                "prison_number",
                "first_name",
                "last_name",
                "date_of_birth",
                "establishment_code",
                "sentence_type",
                *RELEASE_DATES,
                "mappa_category",
                "crn",
                "released_on",
            ),
            "prisoner-added",
            {
                "release-date-changed": RELEASE_DATES,
                "sentence-type-changed": ("sentence_type",),
                "released": ("released_on",),
                "establishment-changed": ("establishment_code",),
                "prison-mappa-category-changed": ("mappa_category",),
            },
        ),
    ),
)


def _allocation_check(row: Mapping[str, Any]) -> tuple[str, str] | None:
    reason = mappa.contradiction(row["mappa_category"], row["mappa_level"], row["mapp_meeting_date"])
    return ("mappa_level", reason) if reason else None


ALLOCATIONS = Feed(
    "allocations",
    (
        Column("prison_number", v.parse_prison_number, required=True),
        Column("crn", v.parse_crn),
        Column("com_name", **_names(200)),
        Column("com_email", v.parse_email),
        Column("spo_name", **_names(200)),
        Column("spo_email", v.parse_email),
        Column("pdu_code", v.parse_pdu_code),
        Column("mappa_category", v.parse_category),
        Column("mappa_level", v.parse_level),
        Column("mapp_meeting_date", v.parse_date),
        Column("confirmed_on", v.parse_date),
    ),
    (
        Target(
            Allocation,
            ("prison_number", "crn", "com_name", "com_email", "spo_name", "spo_email", "pdu_code"),
            "allocation-added",
            {
                "com-changed": ("com_name", "com_email"),
                "spo-changed": ("spo_name", "spo_email"),
                "pdu-changed": ("pdu_code",),
            },
        ),
        Target(
            MappaInformation,
            mappa.FIELDS,
            "mappa-information-received",
            {
                "mappa-category-changed": ("category",),
                "mappa-level-changed": ("level", "not_eligible"),
                "mapp-meeting-date-changed": ("meeting_date",),
            },
            share=mappa.from_allocation,
            merge=mappa.merge,
            stamp={"source": "allocations", "recorded_by": None},
        ),
    ),
    distinct=("com_name", "com_email", "spo_name", "spo_email", "pdu_code", "mappa_level", "mapp_meeting_date"),
    check=_allocation_check,
)

# Probation teams: the PDU and SPO of the team a COM belongs to, which the HMPPS APIs do not give.
TEAMS = Feed(
    "teams",
    (
        Column("code", v.parse_team_code, required=True),
        Column("name", **_names(200)),
        Column("pdu_code", v.parse_pdu_code),
        Column("spo_name", **_names(200)),
        Column("spo_email", v.parse_email),
    ),
    (
        Target(
            Team,
            ("code", "name", "pdu_code", "spo_name", "spo_email"),
            "team-added",
            {"team-pdu-changed": ("pdu_code",), "team-spo-changed": ("spo_name", "spo_email")},
        ),
    ),
    distinct=("pdu_code", "spo_name", "spo_email"),
)

# In import order: each feed refers to the ones before it.
FEEDS = {feed.kind: feed for feed in (ESTABLISHMENTS, PDUS, TEAMS, RELEASES, ALLOCATIONS)}
FEED_ORDER: tuple[str, ...] = tuple(FEEDS)
