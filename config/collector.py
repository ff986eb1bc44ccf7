"""Pausing Python's cyclic garbage collector around the set-based steps, or freezing what it walks.

While a step allocates tens of thousands of objects (a night's cases, a chunk of an import), the
collector runs again and again and each full pass walks every live object, Prefect's and pydantic's
included: a fifth of loading a national night's cases, a tenth of an import. Those steps make no
cycles of their own, so the collector is paused for them and simply resumes afterwards.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Nested or from several threads it stays safe: only the caller that paused it resumes it."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


@contextmanager
def collector_frozen() -> Iterator[None]:
    """For a long step that allocates without end (delivering a night's e-mails one by one): every
    object alive when it starts is left out of the collector's passes until it ends.

    Collections still run for what the step itself makes, but a full pass no longer walks the
    hundreds of thousands of objects a night's process already holds (a full pass per few dozen
    e-mails, three quarters of the collector's time). What was frozen is walked again afterwards.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
