"""The engine: one object holding the index, the embedder and the searchers; the CLI and the UI are
handed a finished engine. Models load on first use (the first embedding), not here."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from assistant.answering import Answerer, idf_from
from assistant.errors import IndexError_, ReportAssistantError
from assistant.question import parse_question
from assistant.settings import Settings
from assistant.types import Answer, Chunk, Passage, ReportMeta
from ingest.facts import facts_from_json
from ingest.pipeline import Ingester, IngestSummary
from vectorstore.embedders import Embedder, make_embedder
from vectorstore.hybrid import HybridSearcher
from vectorstore.index import DocRecord, IndexDir
from vectorstore.lexical import LexicalIndex
from vectorstore.restore import DiacriticRestorer
from vectorstore.store import ChunkStore

ANSWER_PASSAGES = 8
WIDE_ANSWER_PASSAGES = 12  # why, list and "which reports" answers draw on more passages


@dataclass(frozen=True)
class ReportInfo:
    key: str
    meta: ReportMeta
    chunks: int
    source: str


class Engine:
    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.embedder = embedder or make_embedder(settings.embedder)
        self.index = IndexDir(settings.index_dir)
        self.index.check_embedder(self.embedder.name)
        chroma_dir = None if settings.chroma_url else self.index.chroma_dir
        self.store = ChunkStore(self.embedder, chroma_dir, settings.chroma_url)
        self._lock = threading.Lock()  # ingest and removal swap the searchers; questions read them
        self._load()

    def _load(self) -> None:
        records = self.index.load_all()
        self.records: dict[str, DocRecord] = {r.key: r for r in records}
        self.chunks: dict[str, Chunk] = {c.id: c for r in records for c in r.chunks}
        ids = [c.id for r in records for c in r.chunks]
        tokens = [t for r in records for t in r.tokens]
        self.searcher = HybridSearcher(
            self.embedder,
            self.store,
            LexicalIndex(ids, tokens),
            LexicalIndex(
                [cid for r in records for cid, _ in r.figure_tokens],
                [t for r in records for _, t in r.figure_tokens],
            ),
            self.chunks,
            {r.key: r.meta for r in records},
            DiacriticRestorer([r.text for r in records]),
        )
        self._on_reload()

    def _on_reload(self) -> None:
        """The answerer's tables follow the index."""
        idf = self.searcher.lexical.idf
        self.answerer = Answerer(
            texts={k: r.text for k, r in self.records.items()},
            metas={k: r.meta for k, r in self.records.items()},
            facts={k: facts_from_json(r.facts) for k, r in self.records.items()},
            idf=idf_from(idf),
            known=idf.__contains__,
        )

    # --- reports -------------------------------------------------------------------------------------
    def reports(self) -> list[ReportInfo]:
        return [ReportInfo(r.key, r.meta, len(r.chunks), r.source) for r in self.records.values()]

    def resolve_reports(self, names: Iterable[str] | None) -> list[str] | None:
        """Report keys for names given as file names, keys or title fragments; None means all."""
        names = [n for n in (names or []) if n]
        if not names:
            return None
        keys: list[str] = []
        for name in names:
            matches = [
                r.key
                for r in self.records.values()
                if name in (r.key, r.meta.doc, Path(r.source).name) or name.lower() in r.meta.title.lower()
            ]
            if not matches:
                raise IndexError_(f"No indexed report matches {name!r}. See the list with the Reports panel.")
            keys.extend(matches)
        return sorted(set(keys))

    # --- ingest --------------------------------------------------------------------------------------
    def ingest(
        self,
        paths: Iterable[Path],
        prune: bool = False,
        show_progress: bool | None = None,
        on_file: Callable[[str, str], None] | None = None,
    ) -> IngestSummary:
        with self._lock:
            summary = Ingester(self.index, self.store, show_progress).ingest(
                paths, prune=prune, on_file=on_file
            )
            if summary.added or summary.updated or summary.removed:
                self._load()
        return summary

    def remove_report(self, key: str) -> str:
        with self._lock:
            name = Ingester(self.index, self.store, False).remove(key)
            self._load()
        return name

    # --- search --------------------------------------------------------------------------------------
    def require_reports(self) -> None:
        if not self.records:
            raise IndexError_(
                f"The index at {self.settings.index_dir} has no reports yet. "
                "Add some with `report-assistant ingest FOLDER` (or the upload box in the app)."
            )

    def search(self, query: str, k: int | None = None, reports: list[str] | None = None) -> list[Passage]:
        self.require_reports()
        return self.searcher.search(query, k or self.settings.k, self.resolve_reports(reports))

    # --- answers -------------------------------------------------------------------------------------
    def _rewriter(self):
        """The optional LLM, created on first use."""
        if getattr(self, "_llm_rewriter", None) is None:
            from assistant.llm import LLMRewriter, make_chat_model

            self._llm_rewriter = LLMRewriter(make_chat_model(self.settings.llm))
        return self._llm_rewriter

    def ask(
        self, question: str, history: list[dict] | None = None, reports: list[str] | None = None
    ) -> Answer:
        """Answer with cited passages. `history` is [{"q": ..., "a": ...}]; `reports` limits the reports."""
        started = time.perf_counter()
        self.require_reports()
        if not question or not question.strip():
            raise ReportAssistantError("The question is empty: type a question about the reports.")
        q = parse_question(question, history or [])
        scope = self.resolve_reports(reports) or self.searcher.scope(q.search_text)
        depth = ANSWER_PASSAGES if q.kind in ("count", "fact", "province") else WIDE_ANSWER_PASSAGES
        passages = self.searcher.search(q.search_text, depth, scope)
        searched = time.perf_counter()
        answer = self.answerer.answer(q, passages, scope)
        if self.settings.llm:
            answer = self._rewriter().rewrite(answer, q.lang)
        done = time.perf_counter()
        answer.question = question
        answer.timings_ms = {
            "search": (searched - started) * 1000,
            "answer": (done - searched) * 1000,
            "total": (done - started) * 1000,
        }
        return answer
