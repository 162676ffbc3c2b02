"""The engine: the index, the embedder and everything built from them, handed finished to the CLI and the
app. Models load on first use (the first embedding), not here.

A question reads one snapshot of the index (reports, searcher, answerers) under a read lock from start to
finish; an ingest or a removal builds the next snapshot aside and swaps it in under the write lock, so a
question never sees a half-swapped index. Writers in other processes hold the index's writer lock
(vectorstore/lock.py) and bump the manifest's generation; before each question the engine checks it (one
stat) and, when it changed, reloads between questions, never mid-answer.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from assistant.answerers.base import Answerer, Draft, Library
from assistant.answerers.counts import CountAnswerer
from assistant.answerers.documents import DocumentAnswerer
from assistant.answerers.metadata import MetadataAnswerer
from assistant.answerers.not_found import NotFoundAnswerer
from assistant.answerers.quotes import QuoteAnswerer
from assistant.answerers.sections import MAX_ITEMS, SectionAnswerer
from assistant.citations import drop_unsupported_lines, markers_in, unsupported_numbers
from assistant.labels import answer_label, meta_label
from assistant.question import METADATA_KINDS, Question, QuestionKind, ReportsView, parse_question
from assistant.settings import Settings
from ingest.errors import IndexBusyError, IndexUnusableError, ReportAssistantError
from ingest.numbers import format_number
from ingest.types import (
    Answer,
    Chunk,
    Citation,
    Evidence,
    Passage,
    ProcessedReport,
    ReportMeta,
    Retrieval,
    Section,
)
from vectorstore.derived import derived
from vectorstore.embedders import Embedder, make_embedder
from vectorstore.hybrid import HybridSearcher
from vectorstore.index import IndexDir
from vectorstore.ingester import Ingester, IngestSummary
from vectorstore.lock import WriterLock
from vectorstore.store import ChunkStore, forget_open_stores

ANSWER_PASSAGES = 8
WIDE_ANSWER_PASSAGES = 12  # why, list and "which reports" answers draw on more passages
STORE_OPEN_ATTEMPTS = 5  # an embedded store being created by another process is ready within seconds
STORE_CREATION_WAIT = 60.0  # seconds to wait for another process creating the embedded store
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
    documents: DocumentAnswerer
    sections: SectionAnswerer
    not_found: NotFoundAnswerer

    def retrieve(self, q: Question, depth: int) -> Retrieval:
        """The searcher's passages; a question that a section, a figure or a cited document answers first
        gets the passages holding what was chosen to answer it first: what is cited is what was found."""
        found = self.searcher.search(q.query(), depth)
        first = self.chain(q)[0]
        if first is self.sections:
            chosen = self.sections.best_sections(q, found)
            spans = [(key, section.title[0], _section_end(section)) for key, section, _p in chosen]
            found = replace(found, sections=chosen)
        elif first is self.counts:
            figures = self.counts.best_figures(q, found)
            spans = [(f.doc_key, f.sentence_start, f.sentence_end) for _s, facts in figures for f in facts]
            found = replace(found, figures=figures)
        elif first is self.documents and (best := self.documents.best_document(q, found)):
            spans = [(best[1].doc_key, best[1].start, best[1].end)]
        else:
            return found
        return replace(found, passages=self._lifted(found.passages, spans, depth))

    def _lifted(
        self, passages: list[Passage], spans: list[tuple[str, int, int]], depth: int
    ) -> list[Passage]:
        """The passages overlapping the spans first, in the spans' order, then the others."""
        scores = {p.chunk.id: p.score for p in passages}
        lifted: dict[str, Passage] = {}
        for key, start, end in spans:
            for chunk in self.searcher.finders[key].overlapping(start, end):
                lifted.setdefault(chunk.id, Passage(chunk, scores.get(chunk.id, 0.0)))
        rest = [p for p in passages if p.chunk.id not in lifted]
        return [*lifted.values(), *rest][: max(depth, len(lifted))]

    def chain(self, q: Question) -> list[Answerer]:
        """The answerers that may answer this kind of question, in order."""
        if q.documents:
            return [self.documents, self.quotes]
        if q.kind in METADATA_KINDS:
            return [self.metadata]
        if q.kind is QuestionKind.COUNT:
            return [self.counts] if q.strict_count else [self.counts, self.quotes]
        if q.kind is QuestionKind.COMPARISON:
            return [self.counts, self.quotes]
        if q.kind is QuestionKind.WHY and not q.names_part:
            return [self.quotes, self.sections]  # "why were members disciplined": where that is told
        if q.part or q.kind is QuestionKind.LIST:
            return [self.sections, self.quotes]  # "vì sao còn hạn chế": the section of its causes
        return [self.quotes]


class Engine:
    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.embedder = embedder or make_embedder(settings.embedder)
        self.index = IndexDir(settings.index_dir)
        self.index.check_embedder(self.embedder.name)
        self.store = self._first_open()
        self._rw = ReadWriteLock()  # questions read a snapshot; a swap writes
        self._writer = threading.Lock()  # one ingest, removal or reload at a time in this process
        self._generation = -1  # the manifest generation the snapshot was built from (none yet)
        # Built at the first question, not here: an ingest from the command line never needs one.
        self._snapshot: Snapshot | None = None
        self._building = threading.Lock()

    def _first_open(self) -> ChunkStore:
        """Two processes creating one embedded store at once make Chroma fail (creation is a write, and
        its folder appears before its tables): a store is created under the writer lock and marked ready;
        until it is, others wait for the lock (its holder is creating it) or create it themselves."""
        if self.settings.chroma_url:
            return self._open_store()
        deadline = time.monotonic() + STORE_CREATION_WAIT
        while not self.index.store_ready:
            try:
                with WriterLock(self.settings.index_dir):
                    store = self._open_store()
                    self.index.store_ready_path.touch()
                    return store
            except IndexBusyError:
                if time.monotonic() > deadline:
                    break  # its holder takes long: open beside it, as below
                time.sleep(0.2)
        for attempt in range(STORE_OPEN_ATTEMPTS):
            try:
                return self._open_store(fresh=attempt > 0)  # not a half-made store Chroma cached
            except IndexUnusableError:
                if attempt == STORE_OPEN_ATTEMPTS - 1:
                    raise
                time.sleep(0.5)
        raise AssertionError("unreachable")

    def _open_store(self, fresh: bool = False) -> ChunkStore:
        """The vector store; `fresh` after another process wrote to an embedded store, whose open
        handles keep the vectors they loaded (a server answers for itself)."""
        if self.settings.chroma_url:
            return getattr(self, "store", None) or ChunkStore(self.embedder, None, self.settings.chroma_url)
        if fresh:
            forget_open_stores()
        return ChunkStore(self.embedder, self.index.chroma_dir, None)

    def _build(self) -> Snapshot:
        records = self.index.load_all()
        reports = {r.key: r for r in records}
        chunks = {c.id: c for r in records for c in r.chunks}
        built = derived(self.index, lambda: records)
        lexical = built.passages
        metas = {r.key: r.meta for r in records}
        searcher = HybridSearcher(
            self.embedder,
            self.store,
            lexical,
            built.figures,
            chunks,
            metas,
            built.restorer,
            {r.key: r.sentences for r in records},
        )
        idf = lexical.idf
        library = Library(reports, idf, built.facts, built.restorer.vocabulary)
        return Snapshot(
            reports=reports,
            chunks=chunks,
            searcher=searcher,
            view=ReportsView(
                metas, idf.__contains__, lambda t: frozenset(chunks[c].doc_key for c in lexical.ids_with(t))
            ),
            library=library,
            counts=CountAnswerer(library),
            quotes=QuoteAnswerer(library, idf.__contains__),
            metadata=MetadataAnswerer(library),
            documents=DocumentAnswerer(library),
            sections=SectionAnswerer(library),
            not_found=NotFoundAnswerer(library),
        )

    # --- staying current ----------------------------------------------------------------------------
    def refresh(self) -> bool:
        """Reload when another process changed the index since the snapshot was built; True if it did.
        Skipped while this process is writing (its own writer swaps the snapshot when done)."""
        if self._snapshot is None:
            return False  # the first question builds from what is on disk then
        current = not self.index.changed_on_disk() and self.index.generation == self._generation
        if current or not self._writer.acquire(blocking=False):
            return False
        try:
            return self._catch_up()
        finally:
            self._writer.release()

    def _catch_up(self) -> bool:
        """(Holding self._writer.) Read the manifest again; rebuild and swap if its generation moved."""
        self._reread_if_changed()
        if self._snapshot is None or self.index.generation == self._generation:
            return False
        self._publish()
        return True

    def _publish(self, after: Callable[[], None] | None = None) -> None:
        """Build the next snapshot aside and swap it in (if questions have been asked: else the first
        question builds it, reading what this one derives); `after` runs once no question reads the old
        one."""
        if self._snapshot is None:
            if after:
                after()
            derived(self.index, self.index.load_all)  # built now, by the writer, for the next reader
            return
        generation, nxt = self.index.generation, self._build()
        with self._rw.write():
            self._snapshot = nxt
            self._generation = generation
            if after:
                after()

    def _current(self) -> Snapshot:
        """The snapshot questions read, built on first use."""
        snap = self._snapshot
        if snap is not None:
            return snap
        with self._building:
            if self._snapshot is None:
                self._reread_if_changed()  # another process may have written since this engine opened
                generation = self.index.generation  # read before the records: a later change shows
                self._snapshot = self._build()
                self._generation = generation
            return self._snapshot

    def _reread_if_changed(self) -> None:
        """The manifest and the store afresh when another process replaced the manifest (and so may have
        written vectors this process's open store cannot see)."""
        if self.index.changed_on_disk():
            self.index.refresh()
            self.store = self._open_store(fresh=True)

    @contextmanager
    def _writing(self, wait: bool = False) -> Iterator[None]:
        """This process's writer lock, then the index's (other processes); caught up with their changes
        first, so nothing is written from a stale view."""
        with self._writer, WriterLock(self.settings.index_dir, wait=wait):
            self._catch_up()
            yield

    @property
    def generation(self) -> int:
        return self._generation

    # --- reports -------------------------------------------------------------------------------------
    @property
    def records(self) -> dict[str, ProcessedReport]:
        return self._current().reports

    @property
    def chunks(self) -> dict[str, Chunk]:
        return self._current().chunks

    def reports(self) -> list[ReportInfo]:
        self.refresh()
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
        wait: bool = False,
    ) -> IngestSummary:
        """Store the files, build the next snapshot aside, swap it in, then drop the old versions' vectors.
        Raises IndexBusyError when another writer holds the index (unless `wait`)."""
        with self._writing(wait):
            ingester = Ingester(self.index, self.store, show_progress, self.settings.max_file_mb)
            summary = ingester.ingest(paths, prune=prune, on_file=on_file)
            if summary.changed or self.index.generation != self._generation:
                self._publish(after=lambda: ingester.commit(summary))
        return summary

    def remove_report(self, key: str, wait: bool = False) -> str:
        """Remove one report (by key) under the writer lock."""
        return self.remove_files([key], wait)[0]

    def remove_files(self, names: Iterable[str], wait: bool = False) -> list[str]:
        """Remove the reports named by file name, path or key; every name must match one."""
        with self._writing(wait):
            keys = [self._key_for(name) for name in names]
            ingester = Ingester(self.index, self.store, False)
            removed = [ingester.remove(key) for key in dict.fromkeys(keys)]
            self._publish()
        return removed

    def _key_for(self, name: str) -> str:
        entries = self.index.entries
        path = str(Path(name).expanduser().resolve()) if Path(name).exists() else None
        for key, entry in entries.items():
            if name in (key, entry["doc"], entry["source"]) or path in (
                entry["source"],
                *entry.get("also", ()),
            ):
                return key
        raise IndexUnusableError(
            f"No indexed report is called {name!r}; `report-assistant reports` lists what is indexed."
        )

    def manifest_entries(self) -> dict[str, dict]:
        """The manifest's record of each report (for `report-assistant reports`), current on disk."""
        return dict(IndexDir(self.settings.index_dir).entries)  # a reader of its own: never this one's

    # --- questions -----------------------------------------------------------------------------------
    def require_reports(self) -> None:
        if not self.records:
            raise IndexUnusableError(
                f"The index at {self.settings.index_dir} has no reports yet. "
                "Add some with `report-assistant ingest FOLDER` (or the upload box in the app)."
            )

    @property
    def searcher(self) -> HybridSearcher:
        return self._current().searcher

    @property
    def snapshot(self) -> Snapshot:
        """The index as questions see it now (for tools that look inside: the fitting scripts, tests)."""
        return self._current()

    def parse(
        self, question: str, history: list[dict] | None = None, reports: list[str] | None = None
    ) -> Question:
        """The question as search and the answerers see it (for tools that look inside)."""
        return self._question(self._current(), question, history, reports)

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
        self.refresh()
        self.require_reports()
        with self._rw.read():
            snap = self._current()
            q = self._question(snap, query, history, reports)
            return snap.retrieve(q, k or self.settings.k).passages

    def ask(
        self, question: str, history: list[dict] | None = None, reports: list[str] | None = None
    ) -> Answer:
        """Answer with cited passages. `history` is [{"q": ..., "a": ...}]; `reports` limits the reports."""
        started = time.perf_counter()
        self.refresh()
        self.require_reports()
        with self._rw.read():
            snap = self._current()
            q = self._question(snap, question, history, reports)
            depth = ANSWER_PASSAGES if q.kind in _NARROW_KINDS else WIDE_ANSWER_PASSAGES
            found = snap.retrieve(q, depth)
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
        supports += [str(n) for n in draft.tallies]
        text, dropped = drop_unsupported_lines("\n".join(draft.lines), supports, q.lang)
        if draft.found and dropped and not markers_in(text):
            return None
        return Answer(
            question=q.text,
            text=text,
            found=draft.found,
            citations=citations,
            passages=passages,
            computed=draft.derived,
            tallies=draft.tallies,
            table=[
                r for r in draft.table if not unsupported_numbers(format_number(r.figure, "vi"), [r.quote])
            ],
        )

    def _rewriter(self):
        """The optional LLM, created on first use."""
        if getattr(self, "_llm_rewriter", None) is None:
            from assistant.llm import LLMRewriter, make_chat_model

            self._llm_rewriter = LLMRewriter(make_chat_model(self.settings.llm))
        return self._llm_rewriter


def _section_end(section: Section) -> int:
    """Where the part of a section an answer quotes ends: its last quoted item, or its heading."""
    return max((b for _a, b in section.items[:MAX_ITEMS]), default=section.title[1])


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
