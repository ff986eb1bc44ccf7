"""Timing check for `decide` (a script, not a test): python -m tests.rules.time_decide

Replays a year of nights for a few hundred varied cases, then times one night
for 20,000 cases with realistic histories, and prints microseconds per call.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta

from config.policy import load_policy
from rules.calendar import WorkingCalendar
from rules.decide import CaseFacts, History, People, decide
from rules.information import Information
from rules.release import ReleaseDates
from tests.rules.replay import record

PEOPLE = People(
    com="com@probation.gov.uk",
    spo="spo@probation.gov.uk",
    pdu_mailbox="pdu@probation.gov.uk",
    head_of_pdu="hpdu@probation.gov.uk",
    mappa_coordinator="mc@probation.gov.uk",
    omu_mailbox="omu@justice.gov.uk",
    head_of_omu="homu@justice.gov.uk",
)


def case(rng: random.Random, n: int, start: date) -> CaseFacts:
    release = start + timedelta(days=rng.randrange(20, 400))
    info = Information(category=1, level=1) if rng.random() < 0.2 else Information()
    return CaseFacts(f"A{n % 10000:04d}BC", "DMI", ReleaseDates(crd=release), None, info, PEOPLE)


def main() -> None:
    rng, calendar, policy = random.Random(7), WorkingCalendar.england_and_wales(), load_policy().base
    start = date(2027, 1, 4)
    cases = [case(rng, n, start) for n in range(300)]
    histories = [History() for _ in cases]
    calls, began = 0, time.perf_counter()
    for offset in range(365):
        night = start + timedelta(days=offset)
        for i, facts in enumerate(cases):
            decision = decide(facts, histories[i], night, policy, calendar)
            histories[i] = record(histories[i], decision, facts, night)
            calls += 1
    replayed = time.perf_counter() - began
    print(f"replay: {calls} decide+record calls, {replayed / calls * 1e6:.1f} us per call")

    night = date(2027, 6, 1)
    population = [case(rng, n, night - timedelta(days=200)) for n in range(20_000)]
    tracked = [History(tracked_since=night - timedelta(days=200)) for _ in population]
    warm = [
        record(h, decide(f, h, night - timedelta(days=1), policy, calendar), f, night - timedelta(days=1))
        for f, h in zip(population, tracked)
    ]
    for attempt in ("cold", "warm", "warm"):  # the machine is shared: the best warm run is the cost
        began = time.perf_counter()
        for facts, history in zip(population, warm):
            decide(facts, history, night, policy, calendar)
        took = time.perf_counter() - began
        print(f"one night ({attempt}): 20,000 cases in {took * 1000:.0f} ms, {took / 20_000 * 1e6:.1f} us per case")


if __name__ == "__main__":
    main()
