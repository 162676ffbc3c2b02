"""Lexical tokens for Vietnamese: word-segmented, diacritic-folded, abbreviations expanded.

Documents are segmented with pyvi (compound words such as "đảng_viên"), then folded ("dang_vien"), and
indexed with their single syllables too. Queries may come without diacritics, where segmentation fails,
so a query contributes its syllables and every pair and triple of neighbouring syllables: whichever of
those are words of the index match.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterable, Sequence
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


def without_phrases(words: list[str], phrases: Sequence[tuple[str, ...]]) -> list[str]:
    """The words left once every occurrence of the given phrases (longest first) is taken out."""
    out = list(words)
    for pattern in phrases:
        n = len(pattern)
        i = 0
        while i + n <= len(out):
            if tuple(out[i : i + n]) == pattern:
                del out[i : i + n]
            else:
                i += 1
    return out


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


# A syllable's shape: consonants, vowels, a final consonant Vietnamese allows. An abbreviation of that
# shape ("tu", "du") is also a word once folded ("tự vệ", "dự án", "du lịch").
_SYLLABLE_SHAPE_RE = re.compile(r"[bcdghklmnpqrstvx]*[aeiouy]+(?:ch|ng|nh|[cmnpt])?")


def abbreviated(written: str, folded: str | None = None) -> str | None:
    """The words a token as written abbreviates ("KH&CN", "ubkt"), None when it is no abbreviation: a
    token with tone or vowel marks never is ("tự"), nor one shaped like a syllable unless in capitals
    ("05-NQ/TU", not "tu" typed without marks)."""
    key = fold(written) if folded is None else folded
    full = ABBREVIATIONS.get(key)
    if full is None or any(unicodedata.combining(ch) for ch in unicodedata.normalize("NFD", written)):
        return None
    if _SYLLABLE_SHAPE_RE.fullmatch(key) and not written.isupper():
        return None
    return full


def _expanded_syllables(text: str) -> list[str]:
    """The folded syllables, each abbreviation followed by the syllables and pairs of its words."""
    out: list[str] = []
    for match in _TOKEN_RE.finditer(text):
        token = fold(match.group(0))
        if not token:
            continue
        out.append(token)
        if token in ABBREVIATIONS and (full := abbreviated(match.group(0), token)):
            out.extend(syllables(full))
            out.extend(_ngrams(syllables(full), 2))
    return out


def spelled_out(written_words: Iterable[str]) -> list[str]:
    """Folded words, abbreviations replaced by their words in place: "Sở KHCN" -> "so khoa hoc va cong
    nghe"; the words as written, since "TU" abbreviates and "tự" does not."""
    out: list[str] = []
    for word in written_words:
        folded = fold(word)
        full = abbreviated(word, folded) if folded in ABBREVIATIONS else None
        out.extend(fold(full).split() if full else [folded])
    return out


ACRONYM_SYLLABLES = (3, 8)  # "tuyên truyền viên" (TTV) to "cộng tác viên dư luận xã hội" (CTVDLXH)


def acronyms(folded_words: Sequence[str]) -> list[str]:
    """The initials of each run of neighbouring syllables, as a report abbreviates what a question may
    spell out ("tổ TTV, CTVDLXH" for "tuyên truyền viên, cộng tác viên dư luận xã hội"): folded, so
    "Đ" is "d" as in the reports' folded tokens."""
    shortest, longest = ACRONYM_SYLLABLES
    out: list[str] = []
    for i in range(len(folded_words)):
        run = folded_words[i : i + longest]
        for n in range(shortest, len(run) + 1):
            if all(w.isalpha() and w not in STOPWORDS for w in run[:n]):  # "trong đó cấp" is no "TĐC"
                initials = "".join(w[0] for w in run[:n])
                if not _SYLLABLE_SHAPE_RE.fullmatch(initials):  # "hoi" is a word, not initials
                    out.append(initials)
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


def first_word_syllables(text: str) -> int:
    """How many syllables the text's first word has, as pyvi segments it ("Công an tỉnh": 2, "Khối các cơ
    quan": 1); 0 for a text without words."""
    found = _pyvi_words(text)
    return len(found[0].split("_")) if found else 0


def lone_syllables(text: str) -> set[str]:
    """The syllables pyvi reads as words on their own, lower case with their marks: "nam" in "đảng viên
    nam", but not in "Hà Nam" or "Nam Mỹ"; "tổ" not in "tổ chức" (one word)."""
    return {w.lower() for w in _pyvi_words(text) if "_" not in w}


def document_tokens(text: str) -> list[str]:
    """A passage's lexical tokens, interned: a report repeats a few thousand words, and a long report's
    token lists held one string per occurrence (most of its memory at ingest and at load)."""
    tokens = [t for t in _expanded_syllables(text) if t not in STOPWORDS] + segmented_words(text)
    return [sys.intern(t) for t in tokens]


@lru_cache(maxsize=50_000)
def token_set(text: str) -> frozenset[str]:
    """The document tokens of a sentence as a set; the same sentences come back question after question."""
    return frozenset(document_tokens(text))


def query_tokens(text: str) -> list[str]:
    sylls = _expanded_syllables(text)
    content = [t for t in sylls if t not in STOPWORDS]
    return content + _ngrams(sylls, 2) + _ngrams(sylls, 3)
