import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_budget import examples

from newsclaims.corpus.decode import Decoded, DecodeFailure, decode_bytes
from newsclaims.corpus.normalize import NORMALIZER_VERSION, normalize_text


def test_line_endings_become_newlines():
    assert normalize_text("a\r\nb\rc\u2028d") == "a\nb\nc\nd"


def test_invisible_and_control_characters_are_removed():
    text = "\ufeffPre\u00adsi\u200bdent\u2060 said\x00\x07\x1b it."
    assert normalize_text(text) == "President said it."


def test_runs_of_spaces_collapse_and_lines_are_stripped():
    assert normalize_text("  a \t  b  \n   c   ") == "a b\nc"


def test_paragraphs_are_kept_and_blank_runs_shrink_to_one():
    assert normalize_text("one\n\n\n\n  \ntwo\nthree") == "one\n\ntwo\nthree"


def test_typography_and_scripts_are_kept():
    text = "“Quoted” — ‘single’ – dash… 👍🏽 👨‍👩‍👧 Київ Москва 北京 «ça» ﬁ"
    assert normalize_text(text) == text


def test_zero_width_joiner_outside_emoji_is_removed_but_kept_inside():
    assert normalize_text("ab\u200dcd") == "abcd"
    assert "\u200d" in normalize_text("👨\u200d👩")


def test_mojibake_is_repaired():
    assert normalize_text("The cafÃ© said â€œhelloâ€\x9d") == "The café said “hello”"


def test_result_is_nfc():
    assert normalize_text("Cafe\u0301") == "Café"
    assert unicodedata.is_normalized("NFC", normalize_text("e\u0301\u0327"))


def test_whitespace_only_normalizes_to_empty():
    assert normalize_text(" \n\t\u200b\r\n \u00a0 ") == ""


def test_version_is_recorded_as_a_string():
    assert isinstance(NORMALIZER_VERSION, str) and NORMALIZER_VERSION


@settings(max_examples=examples(400), deadline=None)
@given(st.text())
def test_normalizing_twice_changes_nothing(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


@settings(max_examples=examples(300), deadline=None)
@given(st.text(alphabet=st.sampled_from("ab “”—\n\r\t\u200b\u200d\u00ad\ufeff\x00é\u0301👍🏽Ã©â€œ ")))
def test_normalizing_twice_changes_nothing_on_tricky_characters(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


@settings(max_examples=examples(300), deadline=None)
@given(st.text())
def test_output_has_no_forbidden_characters(text):
    out = normalize_text(text)
    out.encode("utf-8")  # no lone surrogates
    assert "\r" not in out and "\n\n\n" not in out and "  " not in out
    assert out == out.strip()
    assert not any(unicodedata.category(ch) == "Cc" and ch != "\n" for ch in out)
    assert unicodedata.is_normalized("NFC", out)


@settings(max_examples=examples(400), deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(data):
    decoded = decode_bytes(data)
    assert isinstance(decoded, (Decoded, DecodeFailure))
    if isinstance(decoded, Decoded):
        normalize_text(decoded.text).encode("utf-8")
    else:
        assert decoded.reason in {"binary", "nul_bytes", "undecodable"}


# ---- the fast paths (issue 5) must not change what normalize_text returns ------------------
_MOJIBAKE_PRONE = st.sampled_from(
    list("ÃÂâ€™œž\x80\x85\x9d\r\u2028\ufeff\u206a\ufffc\x1b[\x0b\x0c\t\n ")
    + ["Ã ", "â€œ", "Ð¿Ñ€Ð¸", "РїСЂРё", "e\u0301", "\ud83d", "\ud83d\ude00", "\x1b[31m"]
)
_TEXTS = st.lists(st.one_of(st.text(max_size=8), _MOJIBAKE_PRONE), max_size=30).map("".join)


@settings(max_examples=examples(800), deadline=None)
@given(_TEXTS)
def test_ftfy_is_skipped_only_where_it_would_change_nothing(text):
    import ftfy

    from newsclaims.corpus.normalize import _FTFY, _fix_text

    assert _fix_text(text) == ftfy.fix_text(text, _FTFY)


@settings(max_examples=examples(300), deadline=None)
@given(st.text(alphabet=st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF), max_size=60))
def test_control_regex_removes_exactly_cc_cs_and_noncharacters(text):
    from newsclaims.corpus.normalize import _CONTROL

    def is_control(ch: str) -> bool:
        cat = unicodedata.category(ch)
        return (cat == "Cc" and ch not in "\n\t") or cat == "Cs" or ch in "\ufffe\uffff"

    assert _CONTROL.sub("", text) == "".join(ch for ch in text if not is_control(ch))


# ftfy's badness regex is tried only near non-ASCII characters (normalize.looks_bad).
_BADNESS_PRONE = st.sampled_from(
    list("ab Z.,!?\n\t ÃÂÎÐØÙ€œŠš¢£Ÿž\xa0\xad®©°·»–—´ВГРСўЂΒΓΞΟβāà²µ√≈‚Äâó×Œ“”‘’•«¦¤¨¬¯¸ƒ\x85\x9fаж")
    + ["Ã©", "â€™", "вЂ", "ГўВЂВ", "√±", "Ã ", "a Â ", "\u2028"]
)
_BADNESS_TEXTS = st.lists(st.one_of(st.text(max_size=12), _BADNESS_PRONE), max_size=40).map("".join)


def test_badness_fast_path_is_active_with_the_installed_ftfy():
    from newsclaims.corpus.normalize import _BADNESS_WINDOW

    # None would silently fall back to searching whole texts (correct, but the slow path).
    assert _BADNESS_WINDOW is not None and 1 <= _BADNESS_WINDOW < 64


@settings(max_examples=examples(1500), deadline=None)
@given(_BADNESS_TEXTS)
def test_badness_search_near_non_ascii_finds_what_ftfy_finds(text):
    from ftfy.badness import is_bad

    from newsclaims.corpus.normalize import looks_bad

    assert looks_bad(text) == is_bad(text)


def test_badness_is_found_far_from_the_start_and_between_ascii():
    from newsclaims.corpus.normalize import looks_bad

    clean = "The minister said “talks” went well — officials agreed. " * 50
    assert not looks_bad(clean)
    assert looks_bad(clean + "The cafÃ© opened.")  # mojibake after thousands of clean characters
    assert looks_bad("Ã ") and looks_bad("x" * 500 + "\x85")


# Texts that pass the layout pre-check must be exactly those the layout steps leave alone.
_LAYOUT_PRONE = st.sampled_from(
    list(
        "ab Z.\n\t\r\x0b\x0c\x1c\x1f\x85\xa0\u1680\u2003\u3000\u2028\u2029\x00\x7f\x9f"
        "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\ufe0fé\u0301😀“—"
    )
    + ["\n\n", "\n\n\n", "  ", "\r\n", "😀\u200d😀"]
)
_LAYOUT_TEXTS = st.lists(st.one_of(st.text(max_size=6), _LAYOUT_PRONE), max_size=30).map("".join)


@settings(max_examples=examples(1500), deadline=None)
@given(_LAYOUT_TEXTS)
def test_layout_precheck_skips_only_texts_the_layout_steps_leave_alone(text):
    from newsclaims.corpus.normalize import _LAYOUT_MAY_CHANGE, _normalize_layout

    if not _LAYOUT_MAY_CHANGE.search(text) and unicodedata.is_normalized("NFC", text):
        assert _normalize_layout(text) == text


def test_layout_precheck_lets_clean_text_through():
    from newsclaims.corpus.normalize import _LAYOUT_MAY_CHANGE

    assert not _LAYOUT_MAY_CHANGE.search("Title\n\nFirst paragraph “quoted” — ok.\nSecond line.")
    for dirty in (" lead", "trail ", "a\n\n\nb", "\nx", "x\n", "a  b", "a\tb", "a\r\nb", "a\u200bb", "line \nnext"):
        assert _LAYOUT_MAY_CHANGE.search(dirty), dirty
