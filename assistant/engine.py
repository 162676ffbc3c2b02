"""The engine: the index, the embedder and everything built from them, handed finished to the CLI and the
app. Models load on first use (the first embedding), not here.

A question reads one snapshot of the index (reports, searcher, answerers) under a read lock from start to
finish; an ingest or a removal builds the next snapshot aside and swaps it in under the write lock, so a
question never sees a half-swapped index.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from assistant.answerers.base import Answerer, Draft, Library
from assistant.answerers.counts import CountAnswerer
from assistant.answerers.metadata import MetadataAnswerer
from assistant.answerers.not_found import NotFoundAnswerer
from assistant.answerers.quotes import QuoteAnswerer
from assistant.answerers.sections import SectionAnswerer
from assistant.citations import drop_unsupported_lines, markers_in
from assistant.labels import answer_label, meta_label
from assistant.question import METADATA_KINDS, Question, QuestionKind, ReportsView, parse_question
from assistant.settings import Settings
from ingest.errors import IndexUnusableError, ReportAssistantError
from ingest.numbers import format_number
from ingest.types import Answer, Chunk, Citation, Evidence, Passage, ProcessedReport, ReportMeta, Retrieval
from vectorstore.embedders import Embedder, make_embedder
from vectorstore.hybrid import HybridSearcher
from vectorstore.index import IndexDir
from vectorstore.ingester import Ingester, IngestSummary
from vectorstore.lexical import LexicalIndex
from vectorstore.restore import DiacriticRestorer
from vectorstore.store import ChunkStore

ANSWER_PASSAGES = 8
WIDE_ANSWER_PASSAGES = 12  # why, list and "which reports" answers draw on more passages
_NARROW_KINDS = {QuestionKind.COUNT, QuestionKind.FACT, QuestionKind.PROVINCE}


@dataclass(frozen=True)
class ReportInfo:
    key: str
    meta: ReportMeta
    chunks: int
    source: str


class ReadWriteLock:
    """Many readers or one writer; a waiting writer goes before new readers."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0

    @contextmanager
    def read(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: not self._writing and not self._writers_waiting)
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def write(self) -> Iterator[None]:
        with self._cond:
            self._writers_waiting += 1
            self._cond.wait_for(lambda: not self._writing and not self._readers)
            self._writers_waiting -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


@dataclass(frozen=True)
class Snapshot:
    """One consistent state of the index and everything built from it."""

    reports: dict[str, ProcessedReport]
    chunks: dict[str, Chunk]
    searcher: HybridSearcher
    view: ReportsView
    library: Library
    counts: CountAnswerer
    quotes: QuoteAnswerer
    metadata: MetadataAnswerer
    sections: SectionAnswerer
    not_found: NotFoundAnswerer

    def chain(self, q: Question) -> list[Answerer]:
        """The answerers that may answer this kind of question, in order."""
        if q.kind in METADATA_KINDS:
            return [self.metadata]
        if q.kind is QuestionKind.COUNT:
            return [self.counts] if q.strict_count else [self.counts, self.quotes]
        if q.kind is QuestionKind.COMPARISON:
            return [self.counts, self.quotes]
        if q.kind is QuestionKind.WHY:
            return [self.quotes, self.sections]
        if q.part or q.kind is QuestionKind.LIST:
            return [self.sections, self.quotes]
        return [self.quotes]


class Engine:
    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.embedder = embedder or make_embedder(settings.embedder)
        self.index = IndexDir(settings.index_dir)
        self.index.check_embedder(self.embedder.name)
        chroma_dir = None if settings.chroma_url else self.index.chroma_dir
        self.store = ChunkStore(self.embedder, chroma_dir, settings.chroma_url)
        self._rw = ReadWriteLock()  # questions read a snapshot; a swap writes
        self._writer = threading.Lock()  # one ingest or removal at a time in this process
        self._snapshot = self._build()

    def _build(self) -> Snapshot:
        records = self.index.load_all()
        reports = {r.key: r for r in records}
        chunks = {c.id: c for r in records for c in r.chunks}
        lexical = LexicalIndex(
            [c.id for r in records for c in r.chunks], [t for r in records for t in r.tokens]
        )
        figures = LexicalIndex(
            [cid for r in records for cid, _ in r.figure_tokens],
            [t for r in records for _, t in r.figure_tokens],
        )
        metas = {r.key: r.meta for r in records}
        searcher = HybridSearcher(
            self.embedder,
            self.store,
            lexical,
            figures,
            chunks,
            metas,
            DiacriticRestorer([r.text for r in records]),
        )
        idf = lexical.idf
        library = Library(reports, idf)
        return Snapshot(
            reports=reports,
            chunks=chunks,
            searcher=searcher,
            view=ReportsView(metas, idf.__contains__),
            library=library,
            counts=CountAnswerer(library),
            quotes=QuoteAnswerer(library, idf.__contains__),
            metadata=MetadataAnswerer(library),
            sections=SectionAnswerer(library),
            not_found=NotFoundAnswerer(library),
        )

    # --- reports -------------------------------------------------------------------------------------
    @property
    def records(self) -> dict[str, ProcessedReport]:
        return self._snapshot.reports

    @property
    def chunks(self) -> dict[str, Chunk]:
        return self._snapshot.chunks

    def reports(self) -> list[ReportInfo]:
        return [ReportInfo(r.key, r.meta, len(r.chunks), r.source) for r in self.records.values()]

    def resolve_reports(self, names: Iterable[str] | None) -> tuple[str, ...] | None:
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
                raise IndexUnusableError(
                    f"No indexed report matches {name!r}. See the list with the Reports panel."
                )
            keys.extend(matches)
        return tuple(sorted(set(keys)))

    # --- ingest --------------------------------------------------------------------------------------
    def ingest(
        self,
        paths: Iterable[Path],
        prune: bool = False,
        show_progress: bool | None = None,
        on_file: Callable[[str, str], None] | None = None,
    ) -> IngestSummary:
        """Store the files, build the next snapshot aside, swap it in, then drop the old versions' vectors."""
        with self._writer:
            ingester = Ingester(self.index, self.store, show_progress)
            summary = ingester.ingest(paths, prune=prune, on_file=on_file)
            if summary.changed:
                nxt = self._build()
                with self._rw.write():
                    self._snapshot = nxt
                    ingester.commit(summary)
        return summary

    def remove_report(self, key: str) -> str:
        with self._writer, self._rw.write():
            name = Ingester(self.index, self.store, False).remove(key)
            self._snapshot = self._build()
        return name

    # --- questions -----------------------------------------------------------------------------------
    def require_reports(self) -> None:
        if not self.records:
            raise IndexUnusableError(
                f"The index at {self.settings.index_dir} has no reports yet. "
                "Add some with `report-assistant ingest FOLDER` (or the upload box in the app)."
            )

    @property
    def searcher(self) -> HybridSearcher:
        return self._snapshot.searcher

    @property
    def snapshot(self) -> Snapshot:
        """The index as questions see it now (for tools that look inside: the fitting scripts, tests)."""
        return self._snapshot

    def parse(
        self, question: str, history: list[dict] | None = None, reports: list[str] | None = None
    ) -> Question:
        """The question as search and the answerers see it (for tools that look inside)."""
        return self._question(self._snapshot, question, history, reports)

    def _question(
        self, snap: Snapshot, question: str, history: list[dict] | None, reports: list[str] | None
    ) -> Question:
        if not question or not question.strip():
            raise ReportAssistantError("The question is empty: type a question about the reports.")
        return parse_question(question, history or [], snap.view, self.resolve_reports(reports))

    def search(
        self,
        query: str,
        k: int | None = None,
        reports: list[str] | None = None,
        history: list[dict] | None = None,
    ) -> list[Passage]:
        """Ranked passages, by the same retrieval as answers: the question parsed, then searched."""
        self.require_reports()
        with self._rw.read():
            snap = self._snapshot
            q = self._question(snap, query, history, reports)
            return snap.searcher.search(q.query(), k or self.settings.k).passages

    def ask(
        self, question: str, history: list[dict] | None = None, reports: list[str] | None = None
    ) -> Answer:
        """Answer with cited passages. `history` is [{"q": ..., "a": ...}]; `reports` limits the reports."""
        started = time.perf_counter()
        self.require_reports()
        with self._rw.read():
            snap = self._snapshot
            q = self._question(snap, question, history, reports)
            depth = ANSWER_PASSAGES if q.kind in _NARROW_KINDS else WIDE_ANSWER_PASSAGES
            found = snap.searcher.search(q.query(), depth)
            searched = time.perf_counter()
            answer = self._answer(snap, q, found)
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

    def _answer(self, snap: Snapshot, q: Question, found: Retrieval) -> Answer:
        """The first answerer's draft that answers, else "not found"; then the citation check."""
        draft = next((d for a in snap.chain(q) if (d := a.answer(q, found))), None)
        checked = self._checked(snap, q, draft, found.passages) if draft else None
        return checked or self._checked(snap, q, snap.not_found.answer(q, found), found.passages)

    def _checked(self, snap: Snapshot, q: Question, draft: Draft, passages: list[Passage]) -> Answer | None:
        """The draft with every line whose number no cited passage holds dropped; None when a found
        answer loses every claim."""
        citations = [_citation(snap.library, n, ev) for n, ev in enumerate(draft.evidence, start=1)]
        supports = [c.text for c in citations] + [c.label for c in citations]
        supports += [format_number(v, lang) for v in draft.derived for lang in ("vi", "en")]
        text, dropped = drop_unsupported_lines("\n".join(draft.lines), supports, q.lang)
        if draft.found and dropped and not markers_in(text):
            return None
        return Answer(question=q.text, text=text, found=draft.found, citations=citations, passages=passages)

    def _rewriter(self):
        """The optional LLM, created on first use."""
        if getattr(self, "_llm_rewriter", None) is None:
            from assistant.llm import LLMRewriter, make_chat_model

            self._llm_rewriter = LLMRewriter(make_chat_model(self.settings.llm))
        return self._llm_rewriter


def _citation(library: Library, n: int, ev: Evidence) -> Citation:
    meta = library.meta(ev.doc_key)
    return Citation(
        n=n,
        doc=meta.doc,
        title=meta_label(meta),
        section=ev.section,
        text=library.text(ev.doc_key)[ev.start : ev.end],
        start=ev.start,
        end=ev.end,
        score=ev.score,
        doc_key=ev.doc_key,
        label=answer_label(meta, "vi"),
    )
