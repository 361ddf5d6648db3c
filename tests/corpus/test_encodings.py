"""The labelled encoding set (tests/data/encodings): hand-written articles saved in each legacy
encoding; the decoder must give back exactly the text that was written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsclaims.corpus.decode import Decoded, DecodeFailure, decode_bytes

DATA = Path(__file__).parent.parent / "data" / "encodings"
LABELS = json.loads((DATA / "labels.json").read_text(encoding="utf-8"))
CASES = [(encoding, name) for encoding, names in LABELS["cases"].items() for name in names]


@pytest.mark.parametrize(("encoding", "name"), CASES, ids=[f"{e}-{n}" for e, n in CASES])
def test_labelled_file_decodes_to_its_text(encoding, name):
    text = (DATA / "texts" / f"{name}.txt").read_text(encoding="utf-8")
    decoded = decode_bytes(text.encode(encoding))
    assert isinstance(decoded, Decoded), decoded
    assert decoded.text == text, f"read as {decoded.encoding}"


def test_the_issue_example_is_windows_1252_not_baltic():
    text = "\u2013 The finance minister \u2026 spent \u20ac4.2 billion \u2026 \u201cmore than any year before.\u201d"
    decoded = decode_bytes(text.encode("cp1252"))
    assert isinstance(decoded, Decoded) and decoded.text == text and decoded.encoding == "cp1252"


def test_a_sidecar_encoding_overrides_detection():
    data = "Ceci est un texte assez long pour la détection, écrit en français.".encode("cp1252")
    decoded = decode_bytes(data, "cp1251")  # wrong on purpose: what the sidecar says is used
    assert isinstance(decoded, Decoded) and decoded.encoding == "cp1251" and "détection" not in decoded.text


def test_a_sidecar_encoding_that_does_not_fit_is_an_error():
    failure = decode_bytes("日本語のテキスト".encode(), "ascii")
    assert isinstance(failure, DecodeFailure) and "sidecar" in failure.detail
    failure = decode_bytes(b"text", "no-such-codec")
    assert isinstance(failure, DecodeFailure) and "unknown encoding" in failure.detail


def test_html_declared_charset_is_honoured():
    page = '<html><head><meta charset="koi8-r"></head><body><p>Привет, мир</p></body></html>'
    decoded = decode_bytes(page.encode("koi8-r"), html=True)
    assert isinstance(decoded, Decoded) and decoded.encoding == "koi8-r" and "Привет" in decoded.text


def test_stray_nul_bytes_are_still_not_taken_for_utf16():
    decoded = decode_bytes(b"A normal looking line of text.\n" * 20 + b"\x00" + b"More text.\n")
    assert isinstance(decoded, DecodeFailure) and decoded.reason.value == "nul_bytes"


def test_a_close_call_names_the_runner_up():
    # Two bytes only, both letters in Polish (cp1250) and in Czech (iso-8859-2) text: a guess.
    decoded = decode_bytes("Ala ma kota, a kot ma Al\u0119 \u017c".encode("cp1250"))
    assert isinstance(decoded, Decoded)
    assert (decoded.runner_up is not None) == (decoded.confidence < 0.3)


def test_a_web_page_with_a_few_stray_nuls_is_read_and_a_text_file_is_not():
    page = b"<html><body><p>" + b"Council votes on the budget. " * 200 + b"\x00</p></body></html>"
    decoded = decode_bytes(page, html=True)
    assert isinstance(decoded, Decoded) and decoded.dropped_nuls == 1 and "\x00" not in decoded.text
    assert isinstance(decode_bytes(page), DecodeFailure)  # the same bytes as a .txt: corrupted
