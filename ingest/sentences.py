"""The one sentence splitter: sentences and their clauses, never inside parentheses nor on a decimal dot.

Every part of the project that needs sentences (facts, chunk splitting, figure sentences for search,
quotes in answers) takes them from here; ingest stores them with the report.
"""

from __future__ import annotations

import bisect
import re

from ingest.types import Sentence

# The numbering that opens a heading line: "2.3", "II. 1", "2. 3." (not a whole heading: see chunking).
HEADING_NUMBER_RE = re.compile(r"[ \t]*(?:[IVXLC]+\.\s*)?[0-9]{1,2}(?:\.\s?[0-9]{1,2})*\.?(?=\s)")
# Bullets and dashes that open a list item.
BULLET_RE = re.compile(r"[\s\-–+•*·]+")


def _line_prefix_is_heading(text: str, line_start: int, i: int) -> bool:
    """The text from the line start to i is only heading numbering ("2.3", "II", "2. 3")."""
    return bool(re.fullmatch(r"\s*(?:[IVXLC]+|[0-9]{1,2}(?:\.\s?[0-9]{1,2})*)", text[line_start:i]))


def _dot_ends_sentence(text: str, i: int, line_start: int) -> bool:
    n = len(text)
    nxt = text[i + 1] if i + 1 < n else " "
    if i > 0 and text[i - 1].isdigit() and nxt.isdigit():
        return False  # decimal or thousands separator
    if not (nxt.isspace() or nxt.isupper()):
        return False  # "..." (not the last dot), "v.v", "TP.HCM" is split only before an upper case letter
    return not _line_prefix_is_heading(text, line_start, i)


def _newline_ends_sentence(text: str, i: int, depth: int) -> tuple[bool, bool]:
    """(ends a sentence, resets parentheses). A wrapped line goes on with a lower case letter."""
    j = i + 1
    while j < len(text) and text[j] in " \t\r":
        j += 1
    nxt = text[j] if j < len(text) else "\n"
    if nxt == "\n":
        return True, True  # blank line: a new paragraph
    if nxt in "-+•*–·" or HEADING_NUMBER_RE.match(text, j):
        return True, True  # a new item or heading
    if depth:
        return False, False
    k = i - 1
    while k >= 0 and text[k] in " \t\r":
        k -= 1
    prev = text[k] if k >= 0 else "."
    return (prev in ".;:!?" or not nxt.islower()), False


def split_sentences(text: str) -> list[Sentence]:
    """Sentences (split on . ! ? and line breaks) with their clauses (split on ;), never inside
    parentheses nor on a decimal dot. Spans are trimmed of spaces and leading bullets."""
    out: list[Sentence] = []
    clauses: list[tuple[int, int]] = []
    sent_start = clause_start = line_start = 0
    depth = open_at = 0

    def close_clause(end: int) -> None:
        span = _trim(text, clause_start, end)
        if span:
            clauses.append(span)

    def close_sentence(end: int) -> None:
        nonlocal clauses
        close_clause(end)
        span = _trim(text, sent_start, end)
        if span and clauses:
            out.append(Sentence(span[0], span[1], tuple(clauses)))
        clauses = []

    for i, ch in enumerate(text):
        if depth and i - open_at > 800:
            depth = 0  # an unclosed parenthesis must not swallow the rest of the text
        if ch == "(":
            depth, open_at = depth + 1, (i if depth == 0 else open_at)
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == "\n":
            ends, reset = _newline_ends_sentence(text, i, depth)
            if reset:
                depth = 0
            if ends:
                close_sentence(i)
                sent_start = clause_start = i + 1
            line_start = i + 1
        elif depth:
            continue
        elif ch in "!?" or (ch == "." and _dot_ends_sentence(text, i, line_start)):
            close_sentence(i + 1)
            sent_start = clause_start = i + 1
        elif ch == ";":
            close_clause(i + 1)
            clause_start = i + 1
    close_sentence(len(text))
    return out


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    m = BULLET_RE.match(text, start, end)
    if m:
        start = m.end()
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


def sentences_within(sentences: list[Sentence], start: int, end: int) -> list[Sentence]:
    """The sentences that touch [start, end) (a chunk edge may cut one); `sentences` in text order."""
    first = bisect.bisect_right(sentences, start, key=lambda s: s.end)
    out: list[Sentence] = []
    for sentence in sentences[first:]:
        if sentence.start >= end:
            break
        out.append(sentence)
    return out
