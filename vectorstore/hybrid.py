"""Hybrid search: dense (Chroma) and lexical (BM25) rankings, plus figure sentences for count questions
and passages naming people for "who" questions, fused by reciprocal rank; then spread over reports so
that when several reports match, each one's best passage is near the top."""

from __future__ import annotations

import re

from assistant.types import Chunk, Passage, ReportMeta
from ingest.normalize import fold, normalize_query
from vectorstore.embedders import Embedder
from vectorstore.glossary import expand_query, looks_english, translate_terms
from vectorstore.lexical import LexicalIndex
from vectorstore.restore import DiacriticRestorer
from vectorstore.scope import ACROSS_REPORTS_RE, report_scope, strip_naming, strip_naming_text
from vectorstore.store import ChunkStore
from vectorstore.textproc import PERSON_NAME_RE, is_count_question, is_who_question

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

    def prepare(self, query: str) -> str:
        """English gets glossary terms; Vietnamese typed without marks gets them back."""
        query = normalize_query(query)
        return expand_query(query) if looks_english(query) else self.restorer.restore(query)

    @staticmethod
    def dense_text(query: str, prepared: str) -> str:
        """The embedder matches Vietnamese passages best from mostly Vietnamese text: an English query has
        its glossary phrases replaced by their Vietnamese terms."""
        return translate_terms(normalize_query(query)) if looks_english(query) else prepared

    def _asked_words(self, text: str, named: list[str] | None) -> str:
        """Lexical query words; when the question itself named its reports, the words that name them are
        left out: every passage of those reports would match them."""
        if not named:
            return text
        folded = re.findall(r"[\w&]+", fold(text))
        return " ".join(strip_naming(folded, [self.reports[k] for k in named], kinds=False))

    def scope(self, query: str) -> list[str] | None:
        return report_scope(query, self.reports) if len(self.reports) > 1 else None

    def search(self, query: str, k: int = 10, doc_keys: list[str] | None = None) -> list[Passage]:
        """Ranked passages; `doc_keys` limits the reports, else the question's own scope does."""
        if not self.chunks:
            return []
        scoped = doc_keys or self.scope(query)
        text = self.prepare(query)
        allowed = {cid for cid, c in self.chunks.items() if c.doc_key in scoped} if scoped else None
        dense_text = self.dense_text(query, text)
        if scoped and not doc_keys and looks_english(query):
            # Translated, the report's name outweighs the few Vietnamese terms of what is asked.
            dense_text = strip_naming_text(dense_text, [self.reports[k] for k in scoped])
        dense = self.store.search(self.embedder.embed_query(dense_text), DEPTH, scoped)
        words = self._asked_words(f"{query} {text}", None if doc_keys else scoped)
        lexical = self.lexical.search(words, DEPTH, allowed)
        # A count question is answered by a sentence stating a figure: rank those sentences too.
        figures = self.figures.search(words, DEPTH, allowed) if is_count_question(text) else []
        # A "who" question is answered where a person is named: rank those passages by the lexical score.
        names = (
            [(cid, s) for cid, s in lexical[:NAMES_WITHIN] if PERSON_NAME_RE.search(self.chunks[cid].text)]
            if is_who_question(query)
            else []
        )
        fused = self._fuse(dense, lexical, figures, names)
        if scoped:
            return fused[:k]
        if ACROSS_REPORTS_RE.search(fold(query)):
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
