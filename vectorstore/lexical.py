"""BM25 over word-segmented, diacritic-folded tokens. Token lists are persisted with each report, so
the index is assembled once per process from stored tokens, never re-segmented per query."""

from __future__ import annotations

from rank_bm25 import BM25Okapi

from ingest.tokens import query_tokens


class LexicalIndex:
    def __init__(self, ids: list[str], tokens: list[list[str]]) -> None:
        self.ids = ids
        self._position = {cid: i for i, cid in enumerate(ids)}
        self._bm25 = BM25Okapi(tokens) if ids else None

    @property
    def idf(self) -> dict[str, float]:
        return self._bm25.idf if self._bm25 is not None else {}

    def search(self, query: str, k: int, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        """(id, score) best first; ids may repeat in the index (one per sentence): each is kept once."""
        if self._bm25 is None:
            return []
        scores = self._bm25.get_scores(query_tokens(query))
        order = sorted(range(len(self.ids)), key=lambda i: -scores[i])
        out: list[tuple[str, float]] = []
        seen: set[str] = set()
        for i in order:
            if scores[i] <= 0 or len(out) >= k:
                break
            cid = self.ids[i]
            if (allowed is None or cid in allowed) and cid not in seen:
                seen.add(cid)
                out.append((cid, float(scores[i])))
        return out
