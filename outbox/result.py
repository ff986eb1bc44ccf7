"""What one delivery pass hands the flows: counts and reasons to judge the run by and show in the UI.

`outbox.send.DeliveryReport` is the sender's working tally; this is its frozen summary, the
contract with flows/nightly.py, flows/simulate.py, flows/report.py and the run's artifacts.
Prison numbers and steps only, never names.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from outbox.send import DeliveryReport

STILL_UNDELIVERED = ("retry-later", "failed", "blocked")


@dataclass(frozen=True)
class DeliveryResult:
    counts: dict[str, int] = field(default_factory=dict)  # deliveries by outcome: sent, retry-later, failed, ...
    messages: int = 0  # e-mails sent
    blocked: tuple[dict[str, str], ...] = ()  # {prison_number, step, reason} held back, not sent
    undelivered: int = 0  # copies not delivered (to be retried, failed or blocked)
    undelivered_notices: int = 0  # notices with such a copy
    held_ids: tuple[int, ...] = ()  # notices failed for good or blocked: not retried
    later_ids: tuple[int, ...] = ()  # notices left for a later attempt
    why: str = ""  # the reasons, in words

    @classmethod
    def of(cls, report: DeliveryReport) -> DeliveryResult:
        return cls(
            counts=dict(report.counts),
            messages=report.messages,
            blocked=tuple(report.blocked),
            undelivered=report.undelivered,
            undelivered_notices=len(report.stuck),
            held_ids=tuple(sorted(report.held)),
            later_ids=tuple(sorted(report.stuck - report.held)),
            why=report.why(),
        )

    def then(self, second: DeliveryResult) -> DeliveryResult:
        """This pass followed by `second`, which retried what this one left for later."""
        counts = {k: v for k, v in self.counts.items() if k != "retry-later"}
        for k, v in second.counts.items():
            counts[k] = counts.get(k, 0) + v
        held = set(self.held_ids) | set(second.held_ids)
        return DeliveryResult(
            counts=counts,
            messages=self.messages + second.messages,
            blocked=self.blocked + second.blocked,
            undelivered=sum(counts.get(k, 0) for k in STILL_UNDELIVERED),
            undelivered_notices=len(held | set(second.later_ids)),
            held_ids=tuple(sorted(held)),
            later_ids=second.later_ids,
            why="; ".join(dict.fromkeys(w for w in (self.why, second.why) if w)),
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
