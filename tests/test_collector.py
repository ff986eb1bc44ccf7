"""config.collector pauses the cyclic garbage collector for a step and leaves it as it found it."""

import gc

import pytest

from config.collector import collector_frozen, collector_paused


def test_the_collector_is_paused_inside_and_resumed_after_even_when_nested_or_failing():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner step did not resume it under the outer one
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("a step that fails")
    assert gc.isenabled()


def test_a_collector_already_off_is_left_off():
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_what_lives_before_a_frozen_step_is_left_out_of_collections_until_it_ends():
    before = object(), [object()]
    with collector_frozen():
        assert gc.get_freeze_count() >= len(before)
        assert gc.isenabled()  # collections go on, for what the step makes
    assert gc.get_freeze_count() == 0
    with pytest.raises(RuntimeError), collector_frozen():
        raise RuntimeError("a step that fails")
    assert gc.get_freeze_count() == 0
