"""The release build pauses the cyclic garbage collector and always restores its state."""

from __future__ import annotations

import gc

import pytest

from newsclaims.gc_pause import gc_paused


def test_collector_is_off_inside_and_back_on_after_even_on_error():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError("interrupted build")
    assert gc.isenabled()


def test_a_caller_that_turned_the_collector_off_keeps_it_off():
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
