"""Named places where a reliability test can make this process die on the spot.

`MAPPA_FAILPOINT=deliver.after-send@3` kills the process with SIGKILL the third
time it passes `failpoint("deliver.after-send")`. Unset (always, in production),
a fail point costs one dictionary lookup.
"""

from __future__ import annotations

import os
import signal

# Passes are counted per armed target: arming another (or the same again after disarming)
# starts from zero, so one test's passes never count towards the next one's.
_passes: dict[str, int] = {}
_armed: list[str] = [""]


def failpoint(name: str) -> None:
    target = os.environ.get("MAPPA_FAILPOINT", "")
    if target != _armed[0]:
        _armed[0] = target
        _passes.clear()
    if not target:
        return
    point, _, nth = target.partition("@")
    if point != name:
        return
    _passes[name] = _passes.get(name, 0) + 1
    if _passes[name] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)


POINTS = (
    "night.after-load",  # cases loaded, nothing written
    "apply.after-notices",  # notices inserted, transaction not committed
    "apply.before-commit",  # everything written, not committed
    "night.after-batch",  # a batch committed, the next not started
    "deliver.after-claim",  # deliveries claimed (status sending), nothing sent
    "deliver.after-send",  # the SMTP server accepted a message, its result not recorded
    "deliver.after-record",  # a sent message's record committed (PostgreSQL: just before the next is sent)
)
