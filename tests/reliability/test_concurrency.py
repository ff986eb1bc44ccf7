"""Several nightly runs of the same night at once, on PostgreSQL: each notice queued and e-mailed exactly once.

Reduced here (a few trials, threads each with its own engine behind a barrier);
`python scripts/reliability.py --only concurrency` runs 50 trials, as threads and as processes.
"""

from __future__ import annotations

import pytest

from scripts.harness import trials as h

TRIALS = 3


@pytest.mark.postgres
@pytest.mark.parametrize("runs", [2, 4])
def test_runs_started_together_queue_and_send_each_notice_once(postgres_databases, smtp_sink, runs):
    for _ in range(TRIALS):
        trial = h.race_trial(postgres_databases, smtp_sink, runs)
        assert trial.errors == []
        assert (trial.duplicate_notices, trial.duplicate_deliveries) == (0, 0)
        assert (trial.tally.lost, trial.tally.duplicate_emails, trial.tally.unexpected) == (0, 0, 0)
        assert trial.states_match and trial.audit_ok


def test_two_runs_started_together_on_sqlite_queue_and_send_each_notice_once(smtp_sink, tmp_path):
    databases = h.Databases("sqlite", tmp_path)
    trial = h.race_trial(databases, smtp_sink, 2)
    assert trial.errors == []
    assert (trial.tally.lost, trial.tally.duplicate_emails, trial.duplicate_notices) == (0, 0, 0)
    assert trial.states_match and trial.audit_ok


def test_a_run_that_loses_the_race_writes_no_second_account_of_the_same_change(engine):
    from chase.night import check_batch, load_cases
    from tests.chase.helpers import BOOK, CALENDAR, run_night

    h.build_cases(engine)
    run_night(engine, h.SETUP_NIGHT)
    first, second = load_cases(engine), load_cases(engine)  # both runs load before either writes
    check_batch(engine, first, h.NIGHT, "run 1", BOOK, CALENDAR)
    check_batch(engine, second, h.NIGHT, "run 2", BOOK, CALENDAR)
    assert h._repeated_events(engine) == 0
