"""Bytes -> text for plain-text reports: UTF-8/UTF-16 (with or without BOM) and legacy Windows-1258.

Vietnamese offices still produce files in Windows-1258, where tone marks are separate combining
characters. A wrong guess silently corrupts every number's context, so we accept a legacy decoding only
when the result clearly looks like Vietnamese, and otherwise ask the user to re-save the file as UTF-8.
"""

from __future__ import annotations

import codecs
import unicodedata

from ingest.errors import LoadError

# Longest BOMs first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_TONES = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
_VOWELS = "aăâeêioôơuưy"
# Every non-ASCII letter Vietnamese uses (NFC): toned vowels and đ, both cases.
VIETNAMESE_LETTERS: frozenset[str] = frozenset(
    c
    for c in {unicodedata.normalize("NFC", v + t) for v in _VOWELS + _VOWELS.upper() for t in _TONES}
    | {"đ", "Đ"}
    if not c.isascii()
)

# Non-ASCII, non-letter characters that ordinary Vietnamese documents do contain.
_COMMON_SYMBOLS = frozenset("“”‘’–—…•₫°×·«»€\xa0\xad")
_TEXT_CONTROLS = frozenset("\t\n\r\f\v")


def decode_bytes(data: bytes, *, name: str = "the file") -> tuple[str, str]:
    """Decode report bytes; return (text, encoding name). Raise LoadError rather than guess wrong.

    Windows-1258 text is returned NFC-normalised, because its tone marks are decomposed by design.
    """
    if not data:
        return "", "utf-8"
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data[len(bom) :], encoding.removesuffix("-sig"), name), encoding
    utf16 = _bomless_utf16(data)
    if utf16:
        return _strict(data, utf16, name), utf16
    if b"\x00" in data:
        raise LoadError(
            f"{name} contains NUL bytes: it looks like a binary file, not text. "
            "Check that it is really a text report (or save it as UTF-8 text)."
        )
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass  # Not UTF-8: try the one legacy encoding Vietnamese offices used.
    legacy = _try_cp1258(data)
    if legacy is not None:
        return legacy, "cp1258"
    raise LoadError(
        f"{name} is not valid UTF-8 and does not look like Vietnamese Windows-1258 text either"
        f"{_detector_hint(data)}. It may use an old font encoding (TCVN3/ABC, VNI) or not be text at all. "
        "Open it in a text editor or Unikey's converter, save it as UTF-8, and ingest it again."
    )


def _strict(data: bytes, encoding: str, name: str) -> str:
    """Decode with a known encoding; a failure here means the file is damaged."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise LoadError(
            f"{name} says it is {encoding.upper()} but byte {exc.start} is invalid in that encoding: "
            "the file is damaged or mislabelled. Re-save it as UTF-8 and ingest it again."
        ) from exc


def _bomless_utf16(data: bytes) -> str | None:
    """Spot UTF-16 without a BOM: text in Latin script puts a NUL in every other byte."""
    if len(data) < 4 or len(data) % 2:
        return None
    half = len(data) // 2
    even_nuls = data[0::2].count(0)
    odd_nuls = data[1::2].count(0)
    if odd_nuls >= 0.3 * half and even_nuls <= 0.05 * half:
        candidate = "utf-16-le"
    elif even_nuls >= 0.3 * half and odd_nuls <= 0.05 * half:
        candidate = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(candidate)
    except UnicodeDecodeError:
        return None
    return candidate if _looks_like_text(text) else None


def _looks_like_text(text: str) -> bool:
    """No control characters apart from ordinary whitespace."""
    return not any(unicodedata.category(c) == "Cc" and c not in _TEXT_CONTROLS for c in text)


def _try_cp1258(data: bytes) -> str | None:
    """Decode as Windows-1258 and keep the result only if it reads as Vietnamese."""
    try:
        text = unicodedata.normalize("NFC", data.decode("cp1258"))
    except UnicodeDecodeError:
        return None  # bytes undefined in cp1258 (0x81, 0x8A, 0x8D-0x90 ...)
    return text if looks_vietnamese(text) else None


def looks_vietnamese(text: str) -> bool:
    """Heuristic check that NFC text is Vietnamese rather than a mis-decoding.

    After NFC every Vietnamese tone mark composes with its vowel, so a leftover combining mark, a
    non-Vietnamese accented letter or a run of odd symbols (TCVN3 decoded as cp1258) means a wrong guess.
    """
    if not _looks_like_text(text):
        return False
    visible = [c for c in text if not c.isspace()]
    letters = [c for c in visible if c.isalpha()]
    if not letters or len(letters) < 0.5 * len(visible):
        return False
    viet = sum(c in VIETNAMESE_LETTERS for c in letters)
    foreign = sum(not c.isascii() and c not in VIETNAMESE_LETTERS for c in letters)
    combining = sum(unicodedata.combining(c) > 0 for c in visible)
    odd = sum(
        not c.isascii() and not c.isalpha() and not unicodedata.combining(c) and c not in _COMMON_SYMBOLS
        for c in visible
    )
    return (
        combining == 0
        and viet >= max(1, 0.02 * len(letters))
        and foreign * 50 <= viet
        and odd <= max(2, 0.01 * len(visible))
    )


def _detector_hint(data: bytes) -> str:
    """charset-normalizer's guess, shown to the user as a hint only (it mislabels cp1258 text)."""
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:65536]).best()
    except Exception:  # the hint is optional; never let it mask the real error
        return ""
    return f" (a detector guesses {best.encoding})" if best is not None else ""
