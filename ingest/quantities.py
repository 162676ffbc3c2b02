"""The quantities of a clause: each number with its qualifier, unit and noun phrase (no dates or years)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.lexicon import (
    APPROXIMATIONS,
    UNITS,
    alternation,
    dictionary_words,
    number_words,
    tone_key,
)
from ingest.normalize import collapse_spaces
from ingest.numbers import Token
from ingest.periods import TERM_RE, YEAR_RE
from ingest.sentences import HEADING_NUMBER_RE

_NOT_LETTER_BEFORE = r"(?<![^\W\d_])"
_NOT_LETTER_AFTER = r"(?![^\W\d_])"
_APPROX_RE = re.compile(
    rf"{_NOT_LETTER_BEFORE}({alternation(v for v, where, _ in APPROXIMATIONS if where == 'before')})\s*$",
    re.IGNORECASE,
)
_APPROX_AFTER_RE = re.compile(
    rf"\s*({alternation(v for v, where, _ in APPROXIMATIONS if where == 'after')}){_NOT_LETTER_AFTER}",
    re.IGNORECASE,
)
# Text just before a number that makes it a name, an ordinal or a reference, not a quantity.
_SKIP_BEFORE_RE = re.compile(
    rf"{_NOT_LETTER_BEFORE}(?:{alternation(number_words('reference'))})(?:\s+số)?\s*[-–]?\s*$", re.IGNORECASE
)
_DOCUMENT_BEFORE_RE = re.compile(
    rf"{_NOT_LETTER_BEFORE}(?:{alternation(number_words('document'))})(\s+số)?\s*$", re.IGNORECASE
)
_YEAR_BEFORE_RE = re.compile(
    rf"{_NOT_LETTER_BEFORE}(?:{alternation(number_words('year_before'))}|tháng\s+[0-9]{{1,2}})\s*$",
    re.IGNORECASE,
)
_DATE_BEFORE_RE = re.compile(
    rf"{_NOT_LETTER_BEFORE}(?:{alternation(number_words('date_before'))})\s*$", re.IGNORECASE
)
_WORD_RE = re.compile(r"[^\s,;:.()\[\]\"“”‘’!?…/]+")
_BOUNDARY_CHARS = set(',;:.()[]"“”!?…/')
# "56 chi, đảng bộ cơ sở": party cells and grassroots committees counted together, the first noun elided.
_CELLS_AND_COMMITTEES_RE = re.compile(r"\s+(chi,\s*đảng bộ(?:\s+cơ sở)?)(?![^\W\d_])", re.IGNORECASE)
_STOP = frozenset(number_words("noun_stop"))
_STOP_PAIRS = frozenset(number_words("noun_stop_pair"))
_DETERMINERS = frozenset(number_words("determiner"))
_MAGNITUDES = frozenset(number_words("magnitude"))
_YEAR_AFTER_RE = re.compile(r"\s*(?:năm|/)")  # "7/2020", "3/3 năm": a date
TERM_REACH = 12  # how far around a year the other end of its term may stand
_MAX_UNIT_WORDS = max(len(u.split()) for u in UNITS)


@dataclass
class Quantity:
    """A quantity found in a sentence, with the words around it."""

    start: int
    end: int  # end of the digits (or of "a/b")
    raw: str
    value: float
    q_start: int  # start of the qualifier ("gần") or of the number
    qualifier: str = ""
    unit: str = ""
    unit_known: bool = False  # the unit is in the lexicon, not a guess
    unit_end: int = 0
    phrase: str = ""  # the noun phrase after the number (after "%" for percentages)
    phrase_end: int = 0
    consumed: bool = False  # a target or a breakdown part: not an ordinary fact
    target: float | None = None
    target_end: int = 0


def _is_heading(text: str, tok: Token) -> bool:
    line_start = text.rfind("\n", 0, tok.start) + 1
    m = HEADING_NUMBER_RE.match(text, line_start)
    if not m or tok.end > m.end():
        return False
    rest = text[m.end() : m.end() + 3].lstrip()
    return m.group().rstrip().endswith(".") or (bool(rest) and rest[0].isupper())


def _is_year(text: str, tok: Token, before: str, unit_known: bool) -> bool:
    if not YEAR_RE.fullmatch(tok.raw):
        return False
    around = TERM_RE.finditer(text, max(0, tok.start - TERM_REACH), tok.end + TERM_REACH)
    if any(m.start() <= tok.start and tok.end <= m.end() for m in around):
        return True  # a term "2020 - 2025"
    return bool(_YEAR_BEFORE_RE.search(before)) or not unit_known


def _noun_words(text: str, pos: int, limit: int) -> list[re.Match[str]]:
    """The words of the noun phrase starting at pos, up to punctuation, a stop word or a number."""
    raw: list[re.Match[str]] = []
    prev_end = pos
    for m in _WORD_RE.finditer(text, pos, limit):
        gap = text[prev_end : m.start()]
        if any(c in _BOUNDARY_CHARS for c in gap) or gap.count("\n") > 1 or len(raw) > 10:
            break
        raw.append(m)
        prev_end = m.end()
    low = [m.group().lower() for m in raw]
    lead = 0
    while lead < len(low) and low[lead] in _DETERMINERS:
        lead += 1  # "100% các chi bộ"
    words: list[re.Match[str]] = []
    for k in range(lead, len(raw)):
        w = low[k]
        pair = f"{w} {low[k + 1]}" if k + 1 < len(low) else ""
        if w in _STOP or pair in _STOP_PAIRS or w[0].isdigit() or not any(c.isalpha() for c in w):
            break
        words.append(raw[k])
    return words[:8]


def _unit_of(words: list[re.Match[str]]) -> tuple[str, bool, int]:
    """(unit, known, number of words) at the start of a noun phrase: longest lexicon match, else the
    longest dictionary word, else the first syllable."""
    low = [w.group().lower() for w in words]
    if not low:
        return "", False, 0
    lead = 1 if low[0] in _MAGNITUDES and " ".join(low[:2]) not in UNITS else 0  # "1.5 triệu cây xanh"
    for k in range(min(_MAX_UNIT_WORDS, len(low) - lead), 0, -1):
        if " ".join(low[lead : lead + k]) in UNITS:
            return " ".join(low[: lead + k]), True, lead + k
    if lead:
        return " ".join(low[:2]), len(low) > 1, min(2, len(low))
    for k in range(min(4, len(low)), 1, -1):
        if tone_key(" ".join(low[:k])) in dictionary_words():
            return " ".join(low[:k]), False, k
    return low[0], False, 1


def _describe(text: str, num: Quantity, limit: int) -> None:
    """Fill unit, phrase and their ends from the words after the number."""
    pos = num.end
    pct = re.match(r" ?%", text[pos:limit])
    if pct:
        num.unit, num.unit_known, num.unit_end = "%", True, pos + pct.end()
        words = _noun_words(text, num.unit_end, limit)
    elif m := _CELLS_AND_COMMITTEES_RE.match(
        text, pos, limit
    ):  # "56 chi, đảng bộ cơ sở": branches and committees
        num.unit, num.unit_known, num.unit_end = collapse_spaces(m.group(1)).lower(), True, m.end()
        num.phrase, num.phrase_end = collapse_spaces(m.group(1)), m.end()
        return
    else:
        words = _noun_words(text, pos, limit)
        unit, known, k = _unit_of(words)
        num.unit, num.unit_known = unit, known
        num.unit_end = words[(k if known else len(words)) - 1].end() if k else pos
    num.phrase = collapse_spaces(text[words[0].start() : words[-1].end()]) if words else ""
    num.phrase_end = words[-1].end() if words else num.unit_end


def _names_document(text: str, tok: Token, before: str, num: Quantity) -> bool:
    """After a kind of document, a number names one ("Nghị quyết số 05", "Kế hoạch 45/KH-UBND") unless it
    counts a known noun ("hướng dẫn 58 cơ sở")."""
    document = _DOCUMENT_BEFORE_RE.search(before)
    if document is None:
        return False
    return bool(document.group(1)) or not num.unit_known or text[tok.end : tok.end + 1] in ("-", "/")


def _ratio_is_date(text: str, tok: Token, before: str, num: Quantity) -> bool:
    a, b = (int(x) for x in tok.raw.split("/"))
    if _DATE_BEFORE_RE.search(before) or _YEAR_AFTER_RE.match(text[tok.end : tok.end + 8]):
        return True
    if a <= b and num.unit:
        return False  # "7/7 đồng chí", "6/6 chỉ tiêu"
    return 1 <= a <= 31 and 1 <= b <= 12


def quantities_in(text: str, tokens: list[Token], start: int, end: int) -> list[Quantity]:
    """The quantities of one sentence: not dates, years, headings, ordinals or references."""
    out: list[Quantity] = []
    for tok in tokens:
        if tok.kind not in ("num", "ratio") or tok.value is None or _is_heading(text, tok):
            continue
        before = text[max(start, tok.start - 40) : tok.start]
        if (
            _SKIP_BEFORE_RE.search(before)
            or re.search(r"\(\s*$", before)
            and text[tok.end : tok.end + 1] == ")"
        ):
            continue  # an article "Điều 3", an ordinal "lần thứ 19", an enumerator "(1)"
        num = Quantity(tok.start, tok.end, tok.raw, tok.value, tok.start)
        _describe(text, num, end)
        if _names_document(text, tok, before, num):
            continue
        if tok.kind == "ratio" and _ratio_is_date(text, tok, before, num):
            continue
        if tok.kind == "num" and _is_year(text, tok, before, num.unit_known):
            continue
        q = _APPROX_RE.search(before)
        if q:
            num.qualifier, num.q_start = q.group(1).lower(), tok.start - (len(before) - q.start())
        elif m := _APPROX_AFTER_RE.match(text, num.unit_end, end):
            num.qualifier = m.group(1).lower()
        out.append(num)
    _join_ranges(text, out)
    return out


def _join_ranges(text: str, nums: list[Quantity]) -> None:
    """ "từ 10 – 20% đảng viên": the lower bound takes the unit of the upper one; both are approximate."""
    for a, b in zip(nums, nums[1:], strict=False):
        if a.phrase or a.unit or not re.fullmatch(r"\s*[-–]\s*", text[a.end : b.q_start]):
            continue
        a.unit, a.unit_known, a.phrase = b.unit, b.unit_known, b.phrase
        a.qualifier = a.qualifier or "từ"
        b.qualifier = b.qualifier or "đến"
