"""Put diacritics back on a query typed without them, using the reports' own words.

"ket nap bao nhieu dang vien moi" -> "kết nạp bao nhiêu đảng viên mới": the dense embedder handles
Vietnamese far better with its marks. Each folded 1-3 word sequence maps to its most frequent written form
in the index; the query is rewritten greedily, longest sequence first. Counting every sequence of every
report is the slow part of loading an archive, so the table is built once per change of the index and
saved beside it (`vocabulary`, `from_vocabulary`).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from ingest.lexicon import RESTORE_WORDS
from ingest.normalize import fold, has_diacritics

WORD_RE = re.compile(r"\w+", re.UNICODE)
MAX_N = 3


def written_forms(texts: list[str]) -> dict[str, str]:
    """Each folded 1-3 word sequence of the texts, and its most frequent written form."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for text in texts:
        words = WORD_RE.findall(text.lower())
        for n in range(1, MAX_N + 1):
            for i in range(len(words) - n + 1):
                written = " ".join(words[i : i + n])
                counts[fold(written)][written] += 1
    return {key: c.most_common(1)[0][0] for key, c in counts.items()}


class DiacriticRestorer:
    def __init__(self, texts: list[str]) -> None:
        self.vocabulary = written_forms(texts)
        self._best = {**self.vocabulary, **RESTORE_WORDS}  # question words: how people ask, not reports

    @classmethod
    def from_vocabulary(cls, vocabulary: dict[str, str]) -> DiacriticRestorer:
        """A restorer from a saved `vocabulary` (the texts' forms, without the lexicon's question words)."""
        restorer = cls([])
        restorer.vocabulary = vocabulary
        restorer._best = {**vocabulary, **RESTORE_WORDS}
        return restorer

    def restore(self, query: str) -> str:
        """Restore marks only when the query has none; a query with marks is the user's own spelling."""
        if has_diacritics(query):
            return query
        words = WORD_RE.findall(query.lower())
        out: list[str] = []
        i = 0
        while i < len(words):
            for n in range(min(MAX_N, len(words) - i), 0, -1):
                key = " ".join(words[i : i + n])
                if key in self._best:
                    out.append(self._best[key])
                    i += n
                    break
            else:
                out.append(words[i])
                i += 1
        return " ".join(out)
