"""The one retrieval path, used by search and by answers alike: dense (Chroma) and lexical (BM25)
rankings, plus figure sentences for count questions and passages naming people for "who" questions, fused
by reciprocal rank; then spread over reports so that when several reports match, each one's best passage
is near the top.

A Query keeps apart the reports the user chose and the reports the question itself names: both limit the
search, but only words that name the latter are taken out of the query (the user's filter is not in the
question's words).
"""

from __future__ import annotations

import re

from ingest.glossary import expand_query, translate_terms
from ingest.names import names_a_person
from ingest.normalize import fold, normalize_query
from ingest.types import Chunk, Passage, Query, ReportMeta
from vectorstore.embedders import Embedder
from vectorstore.lexical import LexicalIndex
from vectorstore.restore import DiacriticRestorer
from vectorstore.scope import strip_naming, strip_naming_text
from vectorstore.store import ChunkStore

RRF_K = 60
DEPTH = 200  # candidates taken from each ranking
WEIGHTS = (1.0, 1.0, 1.0, 0.75)  # dense, lexical, figure sentences, passages naming people (a hint)
NAMES_WITHIN = 25  # the who-hint reorders only passages that already match the question
LIFT_WITHIN = 12  # another report's best passage within this fused rank is lifted ...
LIFT_MAX = 2  # ... for at most this many other reports
ACROSS_WITHIN = 20  # "which reports": a report whose best passage ranks below this does not mention it


class HybridSearcher:
    def __init__(
        self,
        embedder: Embedder,
        store: ChunkStore,
        lexical: LexicalIndex,
        figures: LexicalIndex,
        chunks: dict[str, Chunk],
        reports: dict[str, ReportMeta],
        restorer: DiacriticRestorer,
    ) -> None:
        self.embedder = embedder
        self.store = store
        self.lexical = lexical
        self.figures = figures
        self.chunks = chunks
        self.reports = reports
        self.restorer = restorer

    def _prepared(self, query: Query) -> str:
        """English gets glossary terms; Vietnamese typed without marks gets them back."""
        text = normalize_query(query.text)
        return expand_query(text) if query.english else self.restorer.restore(text)

    def _dense_text(self, query: Query, prepared: str) -> str:
        """The embedder matches Vietnamese passages best from mostly Vietnamese text: an English query has
        its glossary phrases replaced by their Vietnamese terms; translated, the words naming the report the
        question names would outweigh the few terms of what is asked, so they are left out."""
        if not query.english:
            return prepared
        text = translate_terms(normalize_query(query.text))
        if query.implied_scope and not query.user_scope:
            text = strip_naming_text(text, [self.reports[k] for k in query.implied_scope])
        return text

    def _asked_words(self, query: Query, prepared: str) -> str:
        """Lexical query words; when the question itself named its reports, the words that name them are
        left out: every passage of those reports would match them."""
        text = f"{query.text} {prepared}"
        if not query.implied_scope or query.user_scope:
            return text
        folded = re.findall(r"[\w&]+", fold(text))
        return " ".join(strip_naming(folded, [self.reports[k] for k in query.implied_scope], kinds=False))

    def search(self, query: Query, k: int = 10) -> list[Passage]:
        """Ranked passages for the query, at most k."""
        if not self.chunks:
            return []
        scope = list(query.scope) if query.scope else None
        prepared = self._prepared(query)
        allowed = {cid for cid, c in self.chunks.items() if c.doc_key in scope} if scope else None
        dense = self.store.search(self.embedder.embed_query(self._dense_text(query, prepared)), DEPTH, scope)
        words = self._asked_words(query, prepared)
        lexical = self.lexical.search(words, DEPTH, allowed)
        # A count question is answered by a sentence stating a figure: rank those sentences too.
        figures = self.figures.search(words, DEPTH, allowed) if query.wants_figures else []
        # A "who" question is answered where a person is named: rank those passages by the lexical score.
        names = (
            [(cid, s) for cid, s in lexical[:NAMES_WITHIN] if names_a_person(self.chunks[cid].text)]
            if query.asks_who
            else []
        )
        fused = self._fuse(dense, lexical, figures, names)
        if scope:
            return fused[:k]
        if query.across_reports:
            return each_report_first(fused)[:k]
        return diversify(fused)[:k]

    def _fuse(self, *rankings: list[tuple[str, float]]) -> list[Passage]:
        """Reciprocal rank fusion of the dense, lexical, figure-sentence and named-person rankings."""
        passages: dict[str, Passage] = {}
        for weight, ranking in zip(WEIGHTS, rankings, strict=True):
            for rank, (cid, _) in enumerate(ranking, start=1):
                chunk = self.chunks.get(cid)
                if chunk is None:  # a stale vector from an interrupted ingest: not part of the index
                    continue
                passage = passages.setdefault(cid, Passage(chunk=chunk, score=0.0))
                passage.score += weight / (RRF_K + rank)
        return sorted(passages.values(), key=lambda p: -p.score)


def each_report_first(passages: list[Passage]) -> list[Passage]:
    """ "Which reports mention ...": every report's best passage first (best report first), then the rest."""
    best: dict[str, Passage] = {}
    for passage in passages[:ACROSS_WITHIN]:
        best.setdefault(passage.chunk.doc_key, passage)
    head = list(best.values())
    return head + [p for p in passages if p not in head]


def diversify(passages: list[Passage]) -> list[Passage]:
    """Keep the order, but lift the best passage of up to LIFT_MAX other reports found within the first
    LIFT_WITHIN right after the top one: answers spread over reports are not crowded out by one report."""
    if not passages:
        return passages
    top = passages[0]
    lifted: list[Passage] = []
    seen_docs = {top.chunk.doc_key}
    for passage in passages[1:LIFT_WITHIN]:
        if passage.chunk.doc_key not in seen_docs and len(lifted) < LIFT_MAX:
            lifted.append(passage)
        seen_docs.add(passage.chunk.doc_key)
    rest = [p for p in passages[1:] if p not in lifted]
    return [top, *lifted, *rest]
