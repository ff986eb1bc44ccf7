"""After the chase: re-address what was corrected, deliver, and tell a person about data problems.

Shared by the nightly check and simulate, so both leave the same outbox and give the same verdict.
"""

from __future__ import annotations

from datetime import date

from outbox.result import DeliveryResult
from tasks.deliver import deliver_notices
from tasks.problems import queue_data_problem_digests, readdress_undelivered


def deliver_and_tell(night: date, actor: str) -> tuple[DeliveryResult, dict]:
    """(delivery, told): tonight's e-mails go first, then the data-problems digests, which list
    tonight's failures too (nobody reads the Prefect UI at 02:00)."""
    readdress_undelivered(night)
    delivery = deliver_notices(night, actor)
    told = queue_data_problem_digests(night, actor)
    if told["queued"]:
        delivery = delivery.then(deliver_notices(night, actor))
    return delivery, told


def untold_reason(told: dict | None) -> str | None:
    untold = (told or {}).get("untold") or {}
    if not untold:
        return None
    where = ", ".join(f"{group} ({n})" for group, n in sorted(untold.items()))
    return (
        f"data problems nobody could be told about: {where}; set MAPPA_DATA_PROBLEMS_TO "
        "(national mailbox) or the establishment's OMU mailbox"
    )
