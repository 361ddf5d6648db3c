"""Bytes -> str: UTF-8 (with or without BOM) first, other encodings detected by charset-normalizer.

Binary and undecodable inputs are refused with a reason instead of being guessed into garbage.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import charset_normalizer

from newsclaims.corpus.reasons import RejectReason

# Magic numbers of formats that sometimes land in a raw folder by mistake.
_BINARY_MAGIC = (
    b"%PDF",
    b"PK\x03\x04",
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"\x7fELF",
    b"\x1f\x8b",
    b"BZh",
    b"7z\xbc\xaf",
    b"Rar!",
    b"\xd0\xcf\x11\xe0",
    b"RIFF",
    b"OggS",
    b"ID3",
    b"\x00\x00\x01\x00",
)
_UTF_BOMS = (  # longest first: the UTF-32-LE BOM starts with the UTF-16-LE one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Bytes below 0x20 other than \t \n \r \f \v and ESC never appear in text files.
_TEXT_CONTROLS = {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B}


# Well-formed UTF-8 multi-byte sequences; a legacy single-byte file almost never contains them.
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _cp1252_byte(err: UnicodeDecodeError) -> tuple[str, int]:
    """Decode one stray byte as Windows-1252 (Latin-1 for the five bytes cp1252 leaves undefined)."""
    byte = err.object[err.start : err.start + 1]
    try:
        return byte.decode("cp1252"), err.start + 1
    except UnicodeDecodeError:
        return byte.decode("latin-1"), err.start + 1


# typeshed wants a handler of any UnicodeError; this one is only ever named in bytes.decode().
codecs.register_error("newsclaims-cp1252", _cp1252_byte)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


@dataclass(frozen=True)
class DecodeFailure:
    reason: RejectReason  # binary | nul_bytes | undecodable
    detail: str


def _control_ratio(data: bytes) -> float:
    sample = data[:65536]
    bad = sum(1 for b in sample if b < 0x20 and b not in _TEXT_CONTROLS)
    return bad / max(len(sample), 1)


def decode_bytes(data: bytes) -> Decoded | DecodeFailure:
    for bom, encoding in _UTF_BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), encoding)
            except UnicodeDecodeError as e:
                return DecodeFailure(
                    RejectReason.UNDECODABLE, f"starts with a {encoding} BOM but is not {encoding}: {e.reason}"
                )
    if data.startswith(_BINARY_MAGIC):
        return DecodeFailure(RejectReason.BINARY, "file starts with the signature of a binary format")
    if b"\x00" in data:
        if _control_ratio(data) > 0.10:
            return DecodeFailure(RejectReason.BINARY, "mostly non-text bytes")
        nuls = data.count(0)
        return DecodeFailure(RejectReason.NUL_BYTES, f"{nuls} NUL byte(s) in a text file (corrupted?)")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    if _control_ratio(data) > 0.10:
        return DecodeFailure(RejectReason.BINARY, "mostly non-text bytes")
    # UTF-8 with pasted Windows-1252 bytes (a common copy-paste accident): guessing one encoding
    # for the whole file would garble the UTF-8 part, so keep UTF-8 and fix only the stray bytes.
    valid = len(_UTF8_MULTIBYTE.findall(data))
    if valid:
        stray = len(data.decode("utf-8", errors="replace")) - len(data.decode("utf-8", errors="ignore"))
        if valid >= stray:
            return Decoded(data.decode("utf-8", errors="newsclaims-cp1252"), "utf-8+cp1252")
    if _control_ratio(data) > 0.10:
        return DecodeFailure(RejectReason.BINARY, "mostly non-text bytes")
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        return DecodeFailure(RejectReason.UNDECODABLE, "not UTF-8 and no other encoding fits")
    return Decoded(str(best), best.encoding)
