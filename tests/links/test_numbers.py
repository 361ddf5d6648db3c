"""Figures written two ways compare equal (or compatible) after normalization; hand-written cases."""

from __future__ import annotations

import pytest

from newsclaims.links.features import number_overlap
from newsclaims.links.numbers import Quantity, compatible, figures


def test_digits_and_words_give_one_value():
    assert figures("Exchange of 1,000 prisoners of war").quantities == (Quantity(1000.0, "prisoner"),)
    assert figures("Exchange of one thousand prisoners of war").quantities == (Quantity(1000.0, "prisoner"),)
    assert figures("Russia had stolen 19 thousand Ukrainian children").quantities == (Quantity(19000.0, "children"),)


def test_money_with_sign_or_word_is_the_same_amount():
    sign = figures("$70.2 billion in military and financial support")
    word = figures("70.2 billion dollars in military and financial support")
    assert sign.quantities == word.quantities == (Quantity(70.2e9, "USD", money=True),)
    assert number_overlap(sign, word) == (1.0, 0.0, 0.0)


def test_a_bound_is_compatible_but_not_equal():
    more = figures("Transfer of remains of more than 6,000 Ukrainian soldiers")
    exact = figures("the remaining of 6,060 Ukrainian soldiers have been transferred")
    assert more.quantities == (Quantity(6000.0, "soldier", bound="min"),)
    assert exact.quantities == (Quantity(6060.0, "soldier"),)
    assert number_overlap(more, exact) == (0.0, 1.0, 0.0)  # both figures compatible, none equal
    assert not compatible(Quantity(6000.0, "soldier", bound="min"), Quantity(5900.0, "soldier"))


def test_synonymous_units_count_the_same_thing():
    states = figures("119 states—including Pakistan—supported a Russian resolution at the UN in 2024")
    countries = figures("In 2024, 119 countries, including Pakistan, supported the relevant Russian UN resolution")
    assert states.quantities == countries.quantities == (Quantity(119.0, "country"),)
    assert states.dates == countries.dates == frozenset({"2024"})


def test_conflicting_figures_of_one_thing():
    a, b = figures("the attacks killed 7 civilians"), figures("the attacks killed 12 civilians")
    assert number_overlap(a, b) == (0.0, 0.0, 1.0)


def test_dates_are_not_counts():
    f = figures("explosions on railway bridges on May 31 and June 1 2025")
    assert f.dates >= {"m05", "m05-31", "m06", "2025"}
    assert all(q.value not in (31.0, 2025.0) for q in f.quantities)


@pytest.mark.parametrize("text", ["Russia remains open to meaningful dialogue", "", "Russia may agree"])
def test_no_figures_no_error(text):
    f = figures(text)
    assert f.empty and number_overlap(f, f) == (0.0, 0.0, 0.0)
