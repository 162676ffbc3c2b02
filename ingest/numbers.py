"""Numbers as Vietnamese reports write them: "06", "39,4", "1.234.567", "34.84", "7/7".

Conventions (vi): a dot followed by exactly three digits groups thousands ("5.000"); any other dot is a
decimal point ("34.84", "1.5"); a single comma is a decimal comma ("39,4"); commas in repeated groups of
three group thousands ("1,234,567"). In English text a single comma before three digits groups thousands.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# Letters but not digits, "_" or superscripts: a footnote marker glued to a number must not hide it.
_LETTER = r"[^\W\d_¹²³⁰⁴⁵⁶⁷⁸⁹]"
_SEP_NUMBER = r"[0-9]+(?:[.,][0-9]+)*"

# A quantity: not glued to a word, a code ("D-03", "TW4", "5S"), a date, a ratio, a time or a document
# number ("165-BC/ĐUK", "08 - QĐ/TW", "2199/KH-UBND").
NUMBER_RE = re.compile(
    rf"(?<!{_LETTER})(?<![0-9/])(?<![0-9][.,:])(?<!{_LETTER}[-–])"
    rf"{_SEP_NUMBER}"
    rf"(?!{_LETTER}|[0-9/]|[.,:][0-9]|\s?[-–]\s?[A-ZĐ][A-Za-zĐđ]*\s?/)"
)

# Every numeric token, classified, so dates and document numbers can be skipped (or checked) as wholes.
TOKEN_RE = re.compile(
    r"(?P<date>(?<![0-9/])[0-9]{1,2}/[0-9]{1,2}/[0-9]{2,4}(?![0-9/]))"
    r"|(?P<doc>(?<![0-9/])[0-9]+(?=/[A-ZĐ]|\s?[-–]\s?[A-ZĐ][A-Za-zĐđ]*\s?/))"
    r"|(?P<ratio>(?<![0-9/.,])[0-9]+/[0-9]+(?![0-9/]|[.,][0-9]))"
    r"|(?P<time>(?<![0-9:])[0-9]{1,2}:[0-9]{2}(?![0-9]))"
    rf"|(?P<num>{NUMBER_RE.pattern})"
)
_PART_RE = re.compile(r"[0-9]+")
_RAW_RE = re.compile(r"[0-9]+(?:[.,][0-9]+)*")


@dataclass(frozen=True)
class Token:
    """One numeric token in a text. `kind`: num, ratio, date, doc, time."""

    kind: str
    start: int
    end: int
    raw: str
    value: float | None  # None for an unparsable "num" ("3,4,5,6") and for dates/docs/times


def parse_number(raw: str, lang: str = "vi") -> float | None:
    """The value of a number written the Vietnamese way (or the English way when lang="en")."""
    raw = raw.strip()
    if not _RAW_RE.fullmatch(raw):
        return None
    seps = re.findall(r"[.,]", raw)
    groups = re.split(r"[.,]", raw)
    if not seps:
        return float(int(raw))
    if len(set(seps)) == 1:
        return _parse_uniform(groups, seps[0], lang)
    return _parse_mixed(groups, seps)


def _thousands(groups: list[str]) -> bool:
    """Groups after the first all have three digits and the first is a real leading group."""
    return 1 <= len(groups[0]) <= 3 and groups[0] != "0" and all(len(g) == 3 for g in groups[1:])


def _parse_uniform(groups: list[str], sep: str, lang: str) -> float | None:
    if sep == "." and _thousands(groups):
        return float(int("".join(groups)))
    if sep == "," and _thousands(groups) and (len(groups) > 2 or lang == "en"):
        return float(int("".join(groups)))
    if len(groups) == 2:
        return float(f"{groups[0]}.{groups[1]}")
    return None  # "3,4,5,6" is a list, "1.2.3" a heading


def _parse_mixed(groups: list[str], seps: list[str]) -> float | None:
    """ "1.246,5" (vi) or "1,246.5" (en): the last separator is the decimal one, the others group."""
    last = seps[-1]
    if any(s == last for s in seps[:-1]) or not _thousands(groups[:-1]):
        return None
    return float(f"{''.join(groups[:-1])}.{groups[-1]}")


def iter_tokens(text: str) -> Iterator[Token]:
    """Every numeric token with its kind; superscript footnote markers are never numbers."""
    for m in TOKEN_RE.finditer(text):
        kind = m.lastgroup or "num"
        raw = m.group()
        value = parse_number(raw) if kind == "num" else None
        if kind == "ratio":
            value = float(int(raw.split("/")[0]))
        yield Token(kind, m.start(), m.end(), raw, value)


def numbers_in(
    text: str, *, quantities_only: bool = False, lang: str = "vi"
) -> list[tuple[float, int, int, str]]:
    """(value, start, end, raw) for every number in `text`.

    By default every digit group counts: quantities, both sides of a ratio "7/7", the parts of a date
    "01/3/2025", a time, the number of a document "165-BC/ĐUK". That is what a citation check needs: a
    number stated in an answer ("1 March 2025", "Directive 10-CT/TW") must stand in the cited passage.
    With quantities_only=True, dates, times and document numbers are left out.
    """
    out: list[tuple[float, int, int, str]] = []
    for tok in TOKEN_RE.finditer(text):
        kind = tok.lastgroup
        if kind == "num":
            value = parse_number(tok.group(), lang)
            if value is not None:
                out.append((value, tok.start(), tok.end(), tok.group()))
                continue
        elif quantities_only and kind != "ratio":
            continue
        # A list "3,4,5,6", a ratio, a date, a time or a document number: each digit group on its own.
        for p in _PART_RE.finditer(tok.group()):
            out.append((float(int(p.group())), tok.start() + p.start(), tok.start() + p.end(), p.group()))
    return out


def same_number(a: float, b: float) -> bool:
    """Equal up to float noise: 6 == 6.0 ("06"), 39.4 == 39.40."""
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def format_number(value: float, lang: str = "vi", group_thousands: bool = True) -> str:
    """39.4 -> "39,4" (vi) / "39.4" (en); 4500 -> "4.500" / "4,500"; whole numbers without decimals.

    Pass group_thousands=False for years and codes ("2025", not "2.025").
    """
    dec_sep, group_sep = (",", ".") if lang == "vi" else (".", ",")
    sign = "-" if value < 0 else ""
    value = abs(value)
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    whole, _, frac = text.partition(".")
    if group_thousands and len(whole) > 3:
        whole = f"{int(whole):,}".replace(",", group_sep)
    return sign + whole + (dec_sep + frac if frac else "")
