"""The eval-inputs comparison rule, the same for us and for trafilatura."""

from __future__ import annotations

import datetime as dt

from newsclaims.bench.eval_compare import authors_equal, gold_date, norm


def test_titles_compare_without_typography_case_or_invisible_characters():
    assert norm("Genesenen\u00adnachweise – „neu“") == norm('genesenennachweise - "neu"')
    assert norm("Ab wann legen Hühner") != norm("Ab wann und wie lange legen Hühner")


def test_authors_compare_as_a_set_of_names_not_as_their_joining():
    assert authors_equal(["Jane Doe", "John Roe"], "John Roe; Jane Doe")
    assert authors_equal(["JANE DOE"], "Jane Doe")
    assert not authors_equal(["T V Raman"], "T. V. Raman")  # punctuation in a name still counts
    assert not authors_equal(["Jane Doe"], "Jane Doe; John Roe")


def test_what_a_byline_prints_around_the_names_is_not_compared():
    assert authors_equal(["Roland Brockmann", "Sebastian Drescher"], "Von Roland Brockmann und Sebastian Drescher")
    assert authors_equal(["Rodolfo Costa"], "Rodolfo Costa.")
    assert authors_equal(["Det", "Dpa"], "det/dpa")
    assert authors_equal(["Michael L. Anderson", "Carlos Dobkin"], "Michael L. Anderson, PhD; Carlos Dobkin, PhD")
    # ... but a name that starts like a byline word, or another person, still counts
    assert not authors_equal(["Jane Doe"], "Von Jane Doe und John Roe")
    assert not authors_equal(["Bybee"], "By Bee")


def test_a_gold_date_must_be_a_calendar_date():
    assert gold_date("2022-11-29") == dt.date(2022, 11, 29)
    assert gold_date("2022-29-11") is None and gold_date("2022-11-1") is None and gold_date("2022-01.26") is None
