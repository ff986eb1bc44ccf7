"""Synthetic, fictional feed files at any scale, the same for the same seed.

    paths = synth.generate(folder, seed=1, scale=1.0, today=date(2027, 1, 4))
    later = synth.arrivals(folder, on_or_before=date(2027, 3, 1))

`generate` writes the four CSV feeds (establishments, pdus, releases, allocations)
as the systems would export them on `today`; `arrivals` writes the allocations feed
as it would look on a later night, with the MAPPA information COMs have confirmed
since. Scale 1 is the national workload: 120 prisons, 110 PDUs, 90,000 prisoners.
"""

from synth.profile import Profile
from synth.write import arrivals, generate

__all__ = ["Profile", "arrivals", "generate"]
