"""Vietnamese text normalisation: NFC, one tone-placement convention, whitespace, broken lines joined.

The normalised text is what chunks, facts and citations index into, so every step here is applied once,
at ingest, and queries go through `normalize_query` to meet the same conventions.
"""

from __future__ import annotations

import re
import unicodedata

_TONES = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook, dot below
# Old-style placement puts the tone on the second vowel of an open "oa", "oe", "uy" syllable ("hoà", "uỷ");
# we move it to the first ("hòa", "ủy"). "qu" is a consonant, so "quý" keeps its tone.
_OLD_TONE_RE = re.compile(rf"(?<![qQ])([oOuU])([aAeEyY])([{_TONES}])(?![\w\u0300-\u036f])")
_SUPERSCRIPTS = "¹²³⁴⁵⁶⁷⁸⁹⁰"
_DIGIT_BEFORE_MARK_RE = re.compile(rf"(\d)([{_SUPERSCRIPTS}])")
_SPACES_RE = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_MANY_NEWLINES_RE = re.compile(r"\n{3,}")
_SENTENCE_END = '.!?:;…"”)»'
_LIST_START_RE = re.compile(
    rf"^(?:[-+•*–]\s|[IVXLC]+\.\s|\d+(?:\.\s?\d+)*\.?\s|[a-zđ]\)\s|Phần thứ\s|[{_SUPERSCRIPTS}])",
    re.IGNORECASE,
)


def fix_tone_placement(text: str) -> str:
    """Unify "hoà"/"hòa", "uỷ"/"ủy", "khoẻ"/"khỏe" on the modern placement. Returns NFC text."""
    decomposed = unicodedata.normalize("NFD", text)
    moved = _OLD_TONE_RE.sub(lambda m: m.group(1) + m.group(3) + m.group(2), decomposed)
    return unicodedata.normalize("NFC", moved)


def normalize_text(text: str) -> str:
    """Normalise a whole report: NFC, tone placement, whitespace, broken lines joined, footnotes apart."""
    text = text.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    text = fix_tone_placement(text)
    text = _DIGIT_BEFORE_MARK_RE.sub(r"\1 \2", text)  # "350¹" must not read as 3501
    lines = [_SPACES_RE.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(_join_broken_lines(lines))
    return _MANY_NEWLINES_RE.sub("\n\n", text).strip()


def _join_broken_lines(lines: list[str]) -> list[str]:
    """Join a line to the previous one when a sentence was broken by a line or page break."""
    out: list[str] = []
    blank_since = False
    for line in lines:
        if not line:
            blank_since = True
            if out and out[-1] != "":
                out.append("")
            continue
        prev = _last_text_line(out)
        if prev is not None and _continues(prev, line, across_blank=blank_since):
            while out and out[-1] == "":
                out.pop()
            out[-1] = out[-1] + " " + line
        else:
            out.append(line)
        blank_since = False
    return out


def _last_text_line(out: list[str]) -> str | None:
    for line in reversed(out):
        if line:
            return line
    return None


def _continues(prev: str, line: str, across_blank: bool) -> bool:
    """A continuation: the previous line ends mid-sentence and this one is not a heading or bullet."""
    if prev.endswith(tuple(_SENTENCE_END)) or _LIST_START_RE.match(line):
        return False
    unclosed_paren = prev.count("(") > prev.count(")")
    starts_lower = line[0].islower() or line[0].isdigit()
    if across_blank:
        # A page break mid-sentence; short lines before a blank are titles or labels, not broken prose.
        return starts_lower and len(prev) > 60
    return starts_lower or unclosed_paren


def fold(text: str) -> str:
    """Lower-case and strip diacritics: "Đảng ủy" -> "dang uy". Used for matching, never for display."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def collapse_spaces(text: str) -> str:
    """Runs of white space (line breaks too) as one space, ends trimmed."""
    return " ".join(text.split())


def normalize_query(text: str) -> str:
    """Queries meet the same conventions as the reports."""
    return _SPACES_RE.sub(" ", fix_tone_placement(text)).strip()


def has_diacritics(text: str) -> bool:
    return fold(text) != text.lower()


# A Vietnamese syllable, folded: an onset, a vowel nucleus and a coda ("truong", "minh"); abbreviations in
# capitals ("THCS", "UBND", "HĐND") are not one.
_SYLLABLE_RE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?"
)


def is_syllable(word: str) -> bool:
    return _SYLLABLE_RE.fullmatch(fold(word)) is not None
