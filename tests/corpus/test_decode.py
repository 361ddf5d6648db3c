import pytest

from newsclaims.corpus.decode import Decoded, DecodeFailure, decode_bytes

from .samples import FOREIGN


@pytest.mark.parametrize(
    "data,text",
    [
        (b"plain ascii", "plain ascii"),
        ("\ufeffwith BOM — ok".encode("utf-8"), "with BOM — ok"),
        ("UTF-16 text — Київ".encode("utf-16"), "UTF-16 text — Київ"),
        (FOREIGN["ru"].encode("cp1251"), FOREIGN["ru"]),
        (FOREIGN["fr"].encode("cp1252"), FOREIGN["fr"]),
        (FOREIGN["de"].encode("latin-1"), FOREIGN["de"]),
        (FOREIGN["uk"].encode("cp1251"), FOREIGN["uk"]),
        # UTF-8 with a pasted Windows-1252 fragment: each part keeps its own characters.
        ("Café “quoted” — ".encode() + b"na\xefve \x93quoted\x94 \x805", "Café “quoted” — naïve “quoted” €5"),
    ],
)
def test_text_in_various_encodings_decodes(data, text):
    decoded = decode_bytes(data)
    assert isinstance(decoded, Decoded), decoded
    assert decoded.text == text


@pytest.mark.parametrize(
    "data,reason",
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "binary"),
        (b"%PDF-1.7\n" + bytes(range(256)), "binary"),
        (bytes(range(32)) * 20, "binary"),
        (b"A normal looking line of text.\n" * 20 + b"\x00" + b"More text.\n", "nul_bytes"),
        (bytes(range(0x80, 0x100)) * 4, "undecodable"),
    ],
)
def test_non_text_is_refused_with_a_reason(data, reason):
    decoded = decode_bytes(data)
    assert isinstance(decoded, DecodeFailure)
    assert decoded.reason == reason and decoded.detail
