"""The one retrieval path, used by search and by answers alike: dense (Chroma) rankings of passages and
of single sentences (a passage ranks by its sentence nearest the question), lexical (BM25) rankings, plus
figure sentences for count questions and passages naming people for "who" questions, fused
by reciprocal rank; then spread over reports so that when several reports match, each one's best passage
is near the top.

A Query keeps apart the reports the user chose and the reports the question itself names: both limit the
search, but only words that name the latter are taken out of the query (the user's filter is not in the
question's words).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

import numpy as np

from ingest.chunking import ChunkFinder
from ingest.glossary import LexicalQuery, lexical_query, translate_terms
from ingest.names import names_a_person
from ingest.normalize import fold, normalize_query
from ingest.types import Chunk, Passage, Query, ReportMeta, Retrieval, Sentence
from vectorstore.embedders import Embedder
from vectorstore.lexical import LexicalIndex
from vectorstore.restore import DiacriticRestorer
from vectorstore.scope import strip_naming, strip_naming_text
from vectorstore.store import ChunkStore, sentence_id

RRF_K = 60
DEPTH = 200  # candidates taken from each ranking
NAMES_WITHIN = 25  # the who-hint reorders only passages that already match the question
LIFT_WITHIN = 12  # another report's best passage within this fused rank is lifted ...
LIFT_MAX = 2  # ... for at most this many other reports
SENTENCE_DEPTH = 300  # sentences nearest the query whose similarity answers may weigh
ACROSS_WITHIN = 20  # "which reports": a report whose best passage ranks below this does not mention it
# A search within at most this many reports compares their own vectors, fetched once and kept: Chroma's
# filter reads every vector's metadata (75-150 ms at 100k chunks, measured; 5 ms to fetch a report's).
EXACT_WITHIN = 40
KEPT_REPORTS = 256  # reports whose vectors are kept for that, the least recently fetched dropped first
# A larger scope takes the archive's nearest, as many as hold about OVER times the depth from the scope's
# share of the archive, and keeps the scope's: exactly the scope's nearest, down to the farthest taken
# (8,000 cost ~30 ms at 100k chunks, 20,000 ~70 ms, the filter 70-150 ms: measured). Only if fewer than
# half the depth remain of as many as were asked, or more would have to be taken, is Chroma's filter asked.
OVER = 1.5
OVERFETCH_MAX = 16_000


class ReportVectors(NamedTuple):
    """A report's stored vectors, rows of unit length: its chunks' and its sentences'."""

    chunk_ids: list[str]
    chunks: np.ndarray
    sentence_ids: list[str]
    sentences: np.ndarray


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
        sentences: Mapping[str, list[Sentence]] | None = None,
    ) -> None:
        """`sentences`: each report's sentences, as the ids of their vectors number them."""
        self.embedder = embedder
        self.store = store
        self.lexical = lexical
        self.figures = figures
        self.chunks = chunks
        self.reports = reports
        self.restorer = restorer
        by_report: dict[str, list[Chunk]] = defaultdict(list)
        for chunk in chunks.values():
            by_report[chunk.doc_key].append(chunk)
        self.finders = {
            key: ChunkFinder(sorted(cs, key=lambda c: (c.start, c.end))) for key, cs in by_report.items()
        }
        self.sentences = sentences or {}
        # A vector's id starts with its report's id prefix ("key:hash8"): one of another version is stale.
        self.prefix_of = {key: cs[0].id.rsplit(":", 1)[0] for key, cs in by_report.items()}
        self.prefixes = {prefix: key for key, prefix in self.prefix_of.items()}
        self._kept: dict[str, ReportVectors] = {}

    def _prepared(self, query: Query) -> LexicalQuery:
        """The lexical query: for English, what Vietnamese text can match word for word (glossary terms,
        names, numbers) and how much of the question that is; Vietnamese typed without marks gets them
        back."""
        text = normalize_query(query.text)
        return lexical_query(text) if query.english else LexicalQuery(self.restorer.restore(text), 1.0)

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
        text = prepared if query.english else f"{query.text} {prepared}"
        if not query.implied_scope or query.user_scope:
            return text
        folded = re.findall(r"[\w&]+", fold(text))
        return " ".join(strip_naming(folded, [self.reports[k] for k in query.implied_scope], kinds=False))

    def rankings(self, query: Query) -> Rankings:
        """Each ranking of the query's candidates, before fusion."""
        scope = list(query.scope) if query.scope else None
        prepared, share = self._prepared(query)
        allowed = {c.id for key in scope for c in self._chunks_of(key)} if scope else None
        vector = self.embedder.embed_query(self._dense_text(query, prepared))
        dense, nearest = self._dense(vector, scope)
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
        sentences = self._by_nearest_sentence(nearest)
        return Rankings(dense, lexical, figures, names, sentences, share, vector, nearest)

    def _chunks_of(self, key: str) -> list[Chunk]:
        finder = self.finders.get(key)
        return finder.chunks if finder else []

    def _dense(
        self, vector: list[float], scope: list[str] | None
    ) -> tuple[list[tuple[str, float]], list[tuple[str, int, int, float]]]:
        """The passages and the sentences nearest the vector: (chunk id, similarity) and (report, start,
        end, similarity), best first."""
        if scope and len(scope) <= EXACT_WITHIN:
            return self._exact(vector, scope)
        dense = self._nearest_in(self.store.search, vector, DEPTH, scope)
        return dense, self._spans(
            self._nearest_in(self.store.search_sentences, vector, SENTENCE_DEPTH, scope)
        )

    def _nearest_in(
        self,
        search: Callable[..., list[tuple[str, float]]],
        vector: list[float],
        k: int,
        scope: list[str] | None,
    ) -> list[tuple[str, float]]:
        """The store's k nearest within the scope (a vector's id starts with its report's key)."""
        if not scope:
            return search(vector, k)
        share = sum(len(self._chunks_of(key)) for key in scope) / max(len(self.chunks), 1)
        taken = int(k * OVER / share) if share else OVERFETCH_MAX + 1
        if taken <= OVERFETCH_MAX:
            wanted = set(scope)
            hits = search(vector, taken)
            kept = [(vid, s) for vid, s in hits if vid.split(":", 1)[0] in wanted]
            if len(kept) >= k // 2 or len(hits) < taken:  # fewer than asked: the filter finds no more
                return kept[:k]
        return search(vector, k, scope)

    def _spans(self, hits: list[tuple[str, float]]) -> list[tuple[str, int, int, float]]:
        """Sentence vectors' spans, from their ids; a stale vector (another version of its report) is
        not part of the index."""
        out = []
        for vid, similarity in hits:
            prefix, position = vid.rsplit(":s", 1)
            key = self.prefixes.get(prefix)
            sentences = self.sentences.get(key, []) if key else []
            if position.isdigit() and int(position) < len(sentences):
                sentence = sentences[int(position)]
                out.append((key, sentence.start, sentence.end, similarity))
        return out

    def _exact(
        self, vector: list[float], scope: list[str]
    ) -> tuple[list[tuple[str, float]], list[tuple[str, int, int, float]]]:
        """The same rankings as the store's, computed over the scope's own vectors."""
        query = np.asarray(vector, dtype=np.float32)
        query /= np.linalg.norm(query) or 1.0
        kept = [self._vectors_of(key) for key in scope]
        dense = _nearest([i for v in kept for i in v.chunk_ids], [v.chunks for v in kept], query, DEPTH)
        sentences = _nearest(
            [i for v in kept for i in v.sentence_ids], [v.sentences for v in kept], query, SENTENCE_DEPTH
        )
        return dense, self._spans(sentences)

    def _vectors_of(self, key: str) -> ReportVectors:
        kept = self._kept.pop(key, None)  # taken out and put back: the dict's order is the recency
        if kept is None:
            chunk_ids, chunks = self.store.vectors([c.id for c in self._chunks_of(key)])
            prefix = self.prefix_of.get(key)
            count = len(self.sentences.get(key, [])) if prefix else 0
            ids = [sentence_id(prefix, position) for position in range(count)] if prefix else []
            sentence_ids, sentences = self.store.vectors(ids, sentences=True)
            kept = ReportVectors(chunk_ids, chunks, sentence_ids, sentences)
            while len(self._kept) >= KEPT_REPORTS:
                self._kept.pop(next(iter(self._kept)))
        self._kept[key] = kept
        return kept

    def _by_nearest_sentence(self, nearest: list[tuple[str, int, int, float]]) -> list[tuple[str, float]]:
        """Passages ranked by their sentence nearest the query: a passage's own vector blurs a sentence
        that answers among others that do not. A sentence counts for each passage holding it whole (two
        neighbours overlap); one cut between passages for none: which piece holds what matched is unknown
        (counting it for both lowered recall@1 on the labelled questions)."""
        best: dict[str, float] = {}
        for key, start, end, similarity in nearest:
            finder = self.finders.get(key)
            for chunk, _ in finder.holding([(start, end)]) if finder else ():
                best[chunk.id] = max(best.get(chunk.id, similarity), similarity)
        return sorted(best.items(), key=lambda cs: -cs[1])

    def search(self, query: Query, k: int = 10) -> Retrieval:
        """Ranked passages for the query (at most k), and the sentences nearest it in meaning."""
        if not self.chunks:
            return Retrieval([])
        rankings = self.rankings(query)
        passages = self.arrange(query, self.fuse(rankings, weights_for(query)))[:k]
        nearest = rankings.nearest
        by_report: dict[str, list[tuple[int, int, float]]] = {}
        for key, start, end, similarity in nearest:
            by_report.setdefault(key, []).append((start, end, similarity))
        for spans in by_report.values():
            spans.sort()
        return Retrieval(passages, by_report, min((s for *_, s in nearest), default=0.0))

    @staticmethod
    def arrange(query: Query, fused: list[Passage]) -> list[Passage]:
        """The fused order; "which reports" questions get each report's best passage first, and a count
        asked of no report in particular (each report states its own figure) gets other reports' best
        passages lifted near the top. Other questions are answered where they are best answered."""
        if query.scope:
            return fused
        if query.across_reports:
            return each_report_first(fused)
        return diversify(fused) if query.wants_figures else fused

    def fuse(self, rankings: Rankings, weights: Weights) -> list[Passage]:
        """Weighted reciprocal rank fusion of the rankings; the word-for-word rankings count for the share
        of the question their query stands for."""
        passages: dict[str, Passage] = {}
        share = rankings.lexical_share
        scaled = (
            weights.dense,
            weights.lexical * share,
            weights.figures * share,
            weights.names * share,
            weights.sentences,
        )
        ordered = (rankings.dense, rankings.lexical, rankings.figures, rankings.names, rankings.sentences)
        for weight, ranking in zip(scaled, ordered, strict=True):
            if not weight:
                continue
            for rank, (cid, _) in enumerate(ranking, start=1):
                chunk = self.chunks.get(cid)
                if chunk is None:  # a stale vector from an interrupted ingest: not part of the index
                    continue
                passage = passages.setdefault(cid, Passage(chunk=chunk, score=0.0))
                passage.score += weight / (RRF_K + rank)
        return sorted(passages.values(), key=lambda p: -p.score)


class Rankings(NamedTuple):
    """The candidates of each ranking, best first, as (chunk id, score)."""

    dense: list[tuple[str, float]]
    lexical: list[tuple[str, float]]
    figures: list[tuple[str, float]]
    names: list[tuple[str, float]]
    sentences: list[tuple[str, float]]
    lexical_share: float = 1.0  # how much of the question the lexical query stands for
    vector: list[float] | None = None  # the dense query
    nearest: Sequence[tuple[str, int, int, float]] = ()  # (report, start, end, similarity), best first


class Weights(NamedTuple):
    """How much each ranking counts in the fusion, in the order of Rankings."""

    dense: float
    lexical: float
    figures: float
    names: float
    sentences: float


# Chosen by scripts/fit_fusion.py on half of the labelled questions (public, dev and xquad-dev), the other
# half measuring them; the README gives both halves' figures.
WEIGHTS = {"vi": Weights(1.0, 1.25, 1.0, 0.75, 1.0), "en": Weights(1.0, 0.5, 1.5, 0.75, 0.5)}


def _nearest(ids: list[str], blocks: list[np.ndarray], query: np.ndarray, k: int) -> list[tuple[str, float]]:
    """(id, cosine similarity) of the k rows nearest the query, best first."""
    if not ids:
        return []
    similarities = np.concatenate([b @ query for b in blocks if len(b)])
    order = np.argsort(-similarities, kind="stable")[:k]
    return [(ids[i], float(similarities[i])) for i in order]


def weights_for(query: Query) -> Weights:
    return WEIGHTS["en" if query.english else "vi"]


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
