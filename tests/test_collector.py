"""config.collector pauses the cyclic garbage collector for a step and leaves it as it found it."""

import gc

import pytest

from config.collector import collector_paused


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
