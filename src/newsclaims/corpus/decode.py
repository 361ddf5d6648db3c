"""Bytes -> str: a given encoding (sidecar) first, then a BOM, UTF-8, UTF-16 without BOM, the
charset an HTML page declares, and otherwise charset-normalizer's guess, checked against the
other single-byte code pages when it is one (charset_check.py).

Binary and undecodable inputs are refused with a reason instead of being guessed into garbage.
"""

from __future__ import annotations

import codecs
import dataclasses
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

import charset_normalizer

from newsclaims.corpus.charset_check import canonical, check_single_byte, is_single_byte
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


# <meta charset="x"> or <meta http-equiv="Content-Type" content="text/html; charset=x">
_META_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_:.-]{2,40})", re.IGNORECASE)


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    # 1.0 when nothing else was plausible (BOM, valid UTF-8, given); for a checked single-byte
    # guess the winner's margin over the runner-up (charset_check.Verdict.confidence).
    confidence: float = 1.0
    runner_up: str | None = None  # set on a close call: the code page that nearly won
    dropped_nuls: int = 0  # NUL bytes dropped from an HTML page


@dataclass(frozen=True)
class DecodeFailure:
    reason: RejectReason  # binary | nul_bytes | undecodable
    detail: str


def _control_ratio(data: bytes) -> float:
    sample = data[:65536]
    bad = sum(1 for b in sample if b < 0x20 and b not in _TEXT_CONTROLS)
    return bad / max(len(sample), 1)


def _script_spread(text: str) -> float:
    """Share of the characters outside the text's three commonest scripts: near 0 for text,
    high for UTF-16 read with the wrong byte order (or bytes that are not UTF-16)."""
    scripts = Counter(unicodedata.name(ch, "?").split(" ", 1)[0] for ch in text if not ch.isascii())
    top = sum(n for _, n in scripts.most_common(3))
    return (sum(scripts.values()) - top) / max(len(text), 1)


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """(text, byte order) of UTF-16 without a BOM. Text in UTF-16 has ASCII characters (spaces,
    digits, newlines) whose NUL high byte sits on one side; a text file with stray NULs read as
    UTF-16 has almost none and a binary one has characters from every script."""
    if len(data) % 2:
        return None
    found = []
    for name in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        ascii_chars = sum(1 for ch in text if ch.isascii() and (ch.isprintable() or ch in "\t\n\r"))
        controls = sum(1 for ch in text if ch.isascii() and not (ch.isprintable() or ch in "\t\n\r\f"))
        if ascii_chars >= max(1, len(text) // 50) and controls <= len(text) // 100:
            found.append((_script_spread(text), name, text))
    if not found:
        return None
    spread, name, text = min(found)
    return (text, name) if spread <= 0.05 else None


def _declared_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:4096])
    if not m:
        return None
    name = canonical(m[1].decode("ascii"))
    # Browsers (WHATWG Encoding) read a page declared latin-1 / ASCII as windows-1252.
    return "cp1252" if name in ("latin-1", "iso8859-1", "ascii") else name


def decode_with(data: bytes, encoding: str) -> Decoded | DecodeFailure:
    """Decode with an encoding given by a sidecar: no guessing, and an error if it does not fit."""
    try:
        return Decoded(data.decode(encoding), canonical(encoding))
    except LookupError:
        return DecodeFailure(RejectReason.UNDECODABLE, f"the sidecar names an unknown encoding {encoding!r}")
    except UnicodeDecodeError as e:
        return DecodeFailure(RejectReason.UNDECODABLE, f"not {encoding} as its sidecar says: {e.reason}")


def decode_bytes(data: bytes, encoding: str | None = None, html: bool = False) -> Decoded | DecodeFailure:
    """`encoding`: given (a sidecar's), used as is. `html`: honour the page's declared charset
    (and drop a few stray NUL bytes, as browsers do)."""
    result = _decode(data, encoding, html)
    if html and isinstance(result, Decoded) and b"\x00" in data and data.count(0) <= len(data) // 1000:
        return dataclasses.replace(result, dropped_nuls=data.count(0))
    return result


def _decode(data: bytes, encoding: str | None, html: bool) -> Decoded | DecodeFailure:
    if encoding:
        return decode_with(data, encoding)
    for bom, name in _UTF_BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(name), name)
            except UnicodeDecodeError as e:
                return DecodeFailure(
                    RejectReason.UNDECODABLE, f"starts with a {name} BOM but is not {name}: {e.reason}"
                )
    if data.startswith(_BINARY_MAGIC):
        return DecodeFailure(RejectReason.BINARY, "file starts with the signature of a binary format")
    if html and b"\x00" in data and data.count(0) <= len(data) // 1000:
        # A few NULs in a web page: browsers drop them (HTML parse errors), and so does the build.
        data = data.replace(b"\x00", b"")
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return Decoded(*utf16)
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
    declared = _declared_charset(data) if html else None
    if declared and declared not in ("utf-8", "utf-16", "utf-16-le", "utf-16-be"):
        try:
            return Decoded(data.decode(declared), declared)
        except (UnicodeDecodeError, LookupError):
            pass  # the page's declaration is wrong: detect instead
    # UTF-8 with pasted Windows-1252 bytes (a common copy-paste accident): guessing one encoding
    # for the whole file would garble the UTF-8 part, so keep UTF-8 and fix only the stray bytes.
    valid = len(_UTF8_MULTIBYTE.findall(data))
    if valid:
        stray = len(data.decode("utf-8", errors="replace")) - len(data.decode("utf-8", errors="ignore"))
        if valid >= stray:
            return Decoded(data.decode("utf-8", errors="newsclaims-cp1252"), "utf-8+cp1252")
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        return DecodeFailure(RejectReason.UNDECODABLE, "not UTF-8 and no other encoding fits")
    if is_single_byte(best.encoding):
        verdict = check_single_byte(data, best.encoding)
        if verdict is None:
            return DecodeFailure(RejectReason.UNDECODABLE, "not UTF-8 and no other encoding fits")
        return Decoded(
            verdict.text, verdict.encoding, verdict.confidence, verdict.runner_up if verdict.close_call else None
        )
    return Decoded(str(best), canonical(best.encoding), round(1.0 - best.chaos, 2))
