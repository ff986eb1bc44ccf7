"""A nightly run killed (SIGKILL) at every fail point, then run again: nothing lost, at most the in-flight e-mail twice.

Here every point once (@1) on SQLite and PostgreSQL; the full matrix (@1-@3 and kills
after a random delay) is `python scripts/reliability.py --only crashes`.
"""

from __future__ import annotations

import pytest

from config.failpoints import POINTS
from scripts.harness import trials as h


def assert_survived(trial: h.CrashTrial) -> None:
    assert trial.died, f"{trial.how} was never reached: the process finished normally"
    assert not trial.rerun_output, trial.rerun_output
    assert trial.tally.lost == 0, trial.tally.lost_pairs
    assert trial.tally.unexpected == 0
    assert trial.tally.duplicate_emails <= (1 if "deliver.after-send" in trial.how else 0)
    assert trial.states_match and trial.audit_ok


@pytest.mark.parametrize("point", POINTS)
def test_a_night_killed_at_any_point_loses_nothing_when_run_again(databases, smtp_sink, point):
    assert_survived(h.crash_trial(databases, smtp_sink, failpoint=f"{point}@1"))


def test_a_crash_after_sending_costs_exactly_the_one_message_in_flight(databases, smtp_sink):
    trial = h.crash_trial(databases, smtp_sink, failpoint="deliver.after-send@3")
    assert_survived(trial)
    assert trial.tally.duplicate_emails == 1
