"""The tables the sync writes, as feed Targets: the same comparison, writes and audit events as a CSV import."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from feeds.kinds import ALLOCATIONS, RELEASES, keep_known

PRISONER_ACTOR = "sync:prisoner-search"
PROBATION_ACTOR = "sync:probation"
_releases, _allocations, _mappa = RELEASES.targets[0], ALLOCATIONS.targets[0], ALLOCATIONS.targets[1]

PRISONERS = replace(
    _releases,
    fields=(*_releases.fields, "legal_status", "prison_mappa_level"),
    audited=_releases.audited
    | {
        "prison-mappa-category-changed": ("mappa_category", "prison_mappa_level"),
        "legal-status-changed": ("legal_status",),
    },
)

# The case record says who the COM is, or that there is none: that replaces what we held
# (a COM who has left must not be e-mailed). The SPO follows the team; a PDU not known keeps.
ANSWERED = ("com_name", "com_email", "spo_name", "spo_email", "team_code")


def _allocation_merge(current: Mapping[str, Any] | None, given: Mapping[str, Any]) -> dict[str, Any]:
    merged = keep_known(current, given, ALLOCATION_FIELDS)
    return merged | {name: given[name] for name in ANSWERED}


ALLOCATION_FIELDS = (*_allocations.fields, "team_code")
ALLOCATIONS_TARGET = replace(_allocations, fields=ALLOCATION_FIELDS, merge=_allocation_merge)
MAPPA = replace(_mappa, share=None, stamp={"source": "probation", "recorded_by": None})
