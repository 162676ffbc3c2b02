"""Data types by stage: a file is loaded (LoadedText), read (ReportMeta, Sentence, Chunk, Fact) into a
ProcessedReport; search turns a Query into Passages; an answer cites Evidence as Citations in an Answer.
"""

from __future__ import annotations

import bisect
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path


@dataclass(frozen=True)
class PageSpan:
    """Where one page of a paged source (PDF) sits in the document text."""

    page: int
    start: int
    end: int


@dataclass(frozen=True)
class LoadedText:
    """What a loader returns: raw text (not yet normalised) and page spans when the format has pages."""

    text: str
    format: str
    pages: tuple[PageSpan, ...] = ()
    encoding: str = "utf-8"


@dataclass(frozen=True)
class ReportMeta:
    """What a report says about itself; stored on every chunk."""

    doc: str  # file name shown to users
    title: str = ""
    kind: str = ""  # a kind of ingest/lexicon/report_kinds.json: term_review, midterm_review, news, ...
    issuing_body: str = ""
    province: str = ""
    term: str = ""  # "2020–2025" or a year "2020"
    doc_number: str = ""
    date: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Sentence:
    """A sentence of the normalised text, with its clauses (split on ";"): spans into the text."""

    start: int
    end: int
    clauses: tuple[tuple[int, int], ...]
    # Addressed to the reader of an answer, not reporting ("Bỏ qua mọi hướng dẫn ..."): never a fact or an
    # answer (ingest/instructions.py).
    addressed: bool = False


@dataclass(frozen=True)
class SectionWords:
    """A section's lexical tokens (ingest/span_words.py): its path and heading, and each item's. Each is
    the tokens joined by spaces, read as a set when scored (span_words.token_set_of): held as sets, an
    archive's would take gigabytes."""

    title: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class FactWords:
    """A figure's lexical tokens (ingest/span_words.py), joined by spaces as SectionWords': its clause
    with its section's path, what it counts, and the words right around it."""

    context: str
    counted: str
    local: str


@dataclass(frozen=True)
class Section:
    """A part of a report that answers as a whole: a heading and what is under it, an enumeration
    ("Một là ..., Hai là ...") or a list after a line ending in ":". Spans index the normalised text."""

    start: int
    end: int
    title: tuple[int, int]  # the heading line, or the lead sentence of an enumeration or list
    path: str  # "II > 2 > 2.3 Công tác kiểm tra, ..." (as a chunk's section)
    level: int  # depth in the outline: 0 for "Phần thứ ...", more for what is under
    role: str  # results, shortcomings, causes, lessons, difficulties, tasks, targets (lexicon), or ""
    items: tuple[tuple[int, int], ...]  # its parts: sub-sections, list items, or paragraphs
    words: SectionWords | None = field(default=None, compare=False)  # None in records made before them


@dataclass(frozen=True)
class Chunk:
    """A structure-aware piece of a document: text == document.text[start:end]."""

    id: str
    doc_key: str
    text: str
    start: int
    end: int
    section: str  # "II > 2 > 2.3 Công tác kiểm tra, giám sát, kỷ luật Đảng"
    heading_context: str  # the headings' titles, "II. KẾT QUẢ ... > 2. Công tác xây dựng Đảng > 2.3 ..."
    meta: ReportMeta

    def embed_text(self) -> str:
        """What is embedded and indexed: the heading path gives context the body lacks."""
        return f"{self.heading_context}\n{self.text}" if self.heading_context else self.text

    @property
    def title(self) -> str:
        """The title of the innermost heading the chunk is under ("" in a preamble)."""
        return self.heading_context.rsplit(" > ", 1)[-1]


@dataclass(frozen=True)
class FactPart:
    """One part of a breakdown: "khiển trách: 30 đảng viên"."""

    label: str
    value: float
    unit: str = ""


@dataclass(frozen=True)
class Fact:
    """A number and what it counts, with the exact span in the normalised document text."""

    doc_key: str
    value: float
    unit: str
    predicate: str  # "xử lý kỷ luật", "kết nạp" ... ("" when none is near)
    subject: str  # the noun phrase counted, e.g. "đảng viên"
    start: int  # span of the number and its unit
    end: int
    sentence_start: int  # span of the clause that states it
    sentence_end: int
    section: str = ""
    approx: bool = False  # "gần", "trên", "khoảng" ...
    qualifier: str = ""  # the word that made it approximate
    breakdown: tuple[FactPart, ...] = ()
    target: float | None = None  # "(chỉ tiêu Đại hội: 400)"
    raw: str = ""  # the number as written, "06", "39,4"
    # In a table: what its row and its column say ("2023; Được công nhận"); "" outside tables
    cell: str = ""
    words: FactWords | None = field(default=None, compare=False)  # None in records made before them


@dataclass
class ProcessedReport:
    """Everything ingest makes of one report file; the index stores it and adds the vectors."""

    key: str
    source: str  # absolute path of the file
    content_hash: str
    meta: ReportMeta
    text: str  # normalised: every span below indexes into it
    original: str  # as loaded
    sentences: list[Sentence]
    chunks: list[Chunk]
    tokens: list[list[str]]  # lexical tokens of each chunk
    figure_tokens: list[tuple[str, list[str]]] = field(default_factory=list)  # (chunk id, sentence tokens)
    facts: list[Fact] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)

    @property
    def id_prefix(self) -> str:
        """What the ids of this version's vectors start with: a changed file gets new ids."""
        return id_prefix(self.key, self.content_hash)


def id_prefix(key: str, content_hash: str) -> str:
    return f"{key}:{content_hash[:8]}"


@dataclass(frozen=True)
class Query:
    """What search is asked: the text, the reports the user chose, the reports the question itself names
    (kept apart: only the latter's naming words are taken out of the query), and what kind of passage
    answers it."""

    text: str
    user_scope: tuple[str, ...] | None = None  # report keys the user chose; None: all
    implied_scope: tuple[str, ...] | None = None  # report keys the question names; None: none named
    english: bool = False
    wants_figures: bool = False  # a count question: sentences stating figures answer it
    asks_who: bool = False  # asks who holds a post: passages naming people answer it
    across_reports: bool = False  # "which reports ...": every report's best passage first

    @property
    def scope(self) -> tuple[str, ...] | None:
        """The reports searched: the user's choice wins over what the question names."""
        return self.user_scope or self.implied_scope


@dataclass
class Passage:
    """A chunk found by search, with its fused score."""

    chunk: Chunk
    score: float

    def to_dict(self) -> dict:
        return {
            "doc": self.chunk.meta.doc,
            "title": self.chunk.meta.title,
            "section": self.chunk.section,
            "text": self.chunk.text,
            "start": self.chunk.start,
            "end": self.chunk.end,
            "score": round(self.score, 6),
        }


@dataclass
class Retrieval:
    """What search found for a query: ranked passages, and the sentences nearest it in meaning."""

    passages: list[Passage]
    # report key -> (start, end, cosine similarity) of its sentences nearest the query, in text order
    sentences: dict[str, list[tuple[int, int, float]]] = field(default_factory=dict)
    floor: float = 0.0  # the similarity of the farthest sentence found: every other one is farther
    # (report key, section, probability) of the sections chosen to answer, when a section answers first:
    # chosen once, before their passages were lifted, and handed on to the answer
    sections: list[tuple[str, Section, float]] | None = None
    # (probability, figures) of each report answering, best first, when a count answers first: chosen
    # once, before the passages holding them were lifted, and handed on to the answer
    figures: list[tuple[float, list[Fact]]] | None = None

    def meaning(self, doc_key: str, start: int, end: int) -> float:
        """How near the query a span of a report is in meaning: its nearest sentence's similarity."""
        spans = self.sentences.get(doc_key, [])
        i = bisect.bisect_left(spans, (end,)) - 1  # the last sentence starting before the span ends
        best = self.floor
        while i >= 0 and spans[i][1] > start:
            best = max(best, spans[i][2])
            i -= 1
        return best

    @cached_property
    def top(self) -> float:
        return max((sim for spans in self.sentences.values() for *_, sim in spans), default=self.floor)

    def relative_meaning(self, doc_key: str, start: int, end: int) -> float:
        """The span's meaning on a scale from the farthest sentence found (0) to the nearest (1)."""
        if self.top <= self.floor:
            return 0.0
        return (self.meaning(doc_key, start, end) - self.floor) / (self.top - self.floor)


@dataclass
class Evidence:
    """A verbatim span of a report that an answer line cites, with how well it answers."""

    doc_key: str
    start: int
    end: int
    section: str
    score: float = 0.0


@dataclass(frozen=True)
class Citation:
    n: int
    doc: str
    title: str
    section: str
    text: str
    start: int
    end: int
    score: float = 0.0
    doc_key: str = ""
    label: str = ""

    def to_dict(self) -> dict:
        return {
            "n": self.n,
            "doc": self.doc,
            "title": self.title,
            "section": self.section,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "score": round(self.score, 6),
        }


@dataclass(frozen=True)
class TableRow:
    """One report's figure when a count is answered across many reports: a row of the answer's table and
    of its CSV. Every row's figure stands in its quoted sentence (checked as the answer's lines are)."""

    report: str  # the file name
    issuing_body: str
    province: str
    term: str
    counted: str  # what the figure counts, in the report's words ("đảng viên")
    action: str  # the verb it counts by ("xử lý kỷ luật"), or ""
    figure: float
    unit: str
    breakdown: str  # "khiển trách: 30; cảnh cáo: 15", or ""
    quote: str  # the sentence that states it
    marker: int | None = None  # its [n] in the answer's text; None for the rows beyond the lines shown

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Answer:
    question: str
    text: str
    found: bool
    citations: list[Citation] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    answered_by: str = "extractive"
    id: str | None = None
    computed: tuple[float, ...] = ()  # figures computed from cited ones (a difference): in no passage
    table: list[TableRow] = field(default_factory=list)  # a count across many reports, one row each
    tallies: tuple[int, ...] = ()  # how many reports the answer says it searched or left out: no claims

    def to_dict(self) -> dict:
        out: dict = {} if self.id is None else {"id": self.id}
        out.update(
            question=self.question,
            answer=self.text,
            found=self.found,
            answered_by=self.answered_by,
            computed=list(self.computed),
            tallies=list(self.tallies),
            table=[row.to_dict() for row in self.table],
            citations=[c.to_dict() for c in self.citations],
            passages=[p.to_dict() for p in self.passages],
            timings_ms={k: round(v, 2) for k, v in self.timings_ms.items()},
        )
        return out


@dataclass(frozen=True)
class FileScan:
    """What a list of files and folders holds: the report files to read, and what was passed over, with
    why (symlink loops, sockets, devices, unreadable entries)."""

    files: tuple[Path, ...]
    skipped: tuple[tuple[str, str], ...] = ()  # (path, reason)
