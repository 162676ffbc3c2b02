"""Lexical tokens for Vietnamese: word-segmented, diacritic-folded, abbreviations expanded.

Documents are segmented with pyvi (compound words such as "đảng_viên"), then folded ("dang_vien"), and
indexed with their single syllables too. Queries may come without diacritics, where segmentation fails,
so a query contributes its syllables and every pair and triple of neighbouring syllables: whichever of
those are words of the index match.
"""

from __future__ import annotations

import re
import sys
from functools import cache, lru_cache

from ingest.lexicon import ABBREVIATIONS, STOPWORDS
from ingest.normalize import fold
from ingest.sentences import HEADING_NUMBER_RE
from ingest.types import Sentence

_TOKEN_RE = re.compile(r"[\w&]+(?:[.,]\d+)*", re.UNICODE)
WORD_RE = re.compile(r"[\w&]+")  # a word as matching sees it: letters, digits, "&" ("kh&cn")
MIN_FIGURE_CLAUSE_WORDS = 4


def words(text: str) -> list[str]:
    """The folded words of a text, "&" kept inside abbreviations: "Sở KH&CN" -> ["so", "kh&cn"]."""
    return WORD_RE.findall(fold(text))


def figure_clauses(text: str, sentences: list[Sentence]) -> list[tuple[int, int]]:
    """Clauses that state a figure (a digit beyond the numbering of a list item or heading, and enough
    words to say what it counts): what a count question is answered from."""
    out: list[tuple[int, int]] = []
    for sentence in sentences:
        for start, end in sentence.clauses:
            numbering = HEADING_NUMBER_RE.match(text, start, end)
            body = text[numbering.end() if numbering else start : end]
            if len(body.split()) >= MIN_FIGURE_CLAUSE_WORDS and any(ch.isdigit() for ch in body):
                out.append((start, end))
    return out


def syllables(text: str) -> list[str]:
    """Folded syllables with '&' kept inside abbreviations ("kh&cn")."""
    return [t for t in (fold(m.group(0)) for m in _TOKEN_RE.finditer(text)) if t]


def expand_abbreviations(tokens: list[str]) -> list[str]:
    out: list[str] = []
    for token in tokens:
        out.append(token)
        if token in ABBREVIATIONS:
            out.extend(syllables(ABBREVIATIONS[token]))
            out.extend(_ngrams(syllables(ABBREVIATIONS[token]), 2))
    return out


def spelled_out(folded_words: list[str] | tuple[str, ...]) -> list[str]:
    """Abbreviations replaced by their words, in place: "so khcn" -> "so khoa hoc va cong nghe"."""
    out: list[str] = []
    for word in folded_words:
        out.extend(fold(ABBREVIATIONS[word]).split() if word in ABBREVIATIONS else [word])
    return out


def _ngrams(tokens: list[str], n: int) -> list[str]:
    return ["_".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]


@cache
def _segmenter():
    from pyvi import ViTokenizer  # loaded on first use: it reads a model file

    return ViTokenizer


def _pyvi_words(text: str) -> list[str]:
    """pyvi's words, line by line: compounds joined by "_" ("đảng_viên")."""
    return [w for line in text.split("\n") if line.strip() for w in _segmenter().tokenize(line).split()]


def segmented_words(text: str) -> list[str]:
    """pyvi compound words, folded: "đảng viên" -> "dang_vien"."""
    return [fold(w) for w in _pyvi_words(text) if "_" in w]


def lone_syllables(text: str) -> set[str]:
    """The syllables pyvi reads as words on their own, lower case with their marks: "nam" in "đảng viên
    nam", but not in "Hà Nam" or "Nam Mỹ"; "tổ" not in "tổ chức" (one word)."""
    return {w.lower() for w in _pyvi_words(text) if "_" not in w}


def document_tokens(text: str) -> list[str]:
    """A passage's lexical tokens, interned: a report repeats a few thousand words, and a long report's
    token lists held one string per occurrence (most of its memory at ingest and at load)."""
    sylls = syllables(text)
    tokens = [t for t in expand_abbreviations(sylls) if t not in STOPWORDS] + segmented_words(text)
    return [sys.intern(t) for t in tokens]


@lru_cache(maxsize=50_000)
def token_set(text: str) -> frozenset[str]:
    """The document tokens of a sentence as a set; the same sentences come back question after question."""
    return frozenset(document_tokens(text))


def query_tokens(text: str) -> list[str]:
    sylls = expand_abbreviations(syllables(text))
    content = [t for t in sylls if t not in STOPWORDS]
    return content + _ngrams(sylls, 2) + _ngrams(sylls, 3)
