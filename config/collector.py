"""Pausing Python's cyclic garbage collector around the set-based steps.

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
