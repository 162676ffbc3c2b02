"""Opposed time qualifiers: "sau hợp nhất" asks for what holds after the merger, so a figure whose clause
or section says "trước hợp nhất" does not answer it, though every word but one is shared."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache, lru_cache

from ingest.lexicon import ENGLISH_STOPWORDS, OPPOSED_QUALIFIERS, STOPWORDS

REACH = 2  # the qualified word stands this close after its qualifier ("sau khi hợp nhất", "after the merger")
_FUNCTION_WORDS = STOPWORDS | ENGLISH_STOPWORDS


@cache
def _sides() -> dict[str, str]:
    """Each qualifier word, Vietnamese or English, to its side: looked up for every word of every figure's
    sentence. A Vietnamese qualifier is its own side; an English one the first side listing it."""
    sides = {word: word for word in OPPOSED_QUALIFIERS}
    for side, (_, english) in OPPOSED_QUALIFIERS.items():
        for word in english:
            sides.setdefault(word, side)
    return sides


def qualified(folded_words: Sequence[str]) -> frozenset[tuple[str, str]]:
    """(side, word) for each qualifier and the content word right after it: {("sau", "hop")}."""
    return _qualified(tuple(folded_words))


@lru_cache(maxsize=4096)  # a question's words are read once per figure it is weighed against
def _qualified(folded_words: tuple[str, ...]) -> frozenset[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    sides = _sides()
    for i, word in enumerate(folded_words):
        side = sides.get(word)
        if side is None:
            continue
        after = [w for w in folded_words[i + 1 : i + 2 + REACH] if w not in _FUNCTION_WORDS]
        out.update((side, w) for w in after[:1])
    return frozenset(out)


def opposed(asked: frozenset[tuple[str, str]], context: frozenset[tuple[str, str]]) -> bool:
    """The context qualifies a word asked about by the opposite side only ("trước hợp nhất" for "sau
    hợp nhất"); a question asking for both sides (a comparison) is answered by either."""
    if asked & context:
        return False
    return any((OPPOSED_QUALIFIERS[side][0], word) in context for side, word in asked)
