"""The ingest pipeline: file -> text -> normalised text -> metadata -> sentences -> chunks -> facts ->
sections.

`process_file` makes a ProcessedReport and writes nothing: storing it (vectors, lexical tokens, manifest)
is the index's job (vectorstore/ingester.py), done only once everything here has succeeded.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ingest.chunking import ChunkFinder, chunk_document
from ingest.facts import extract_facts
from ingest.instructions import mark_addressed
from ingest.loaders import load_file
from ingest.metadata import read_metadata
from ingest.normalize import normalize_text
from ingest.sections import build_sections
from ingest.sentences import split_sentences
from ingest.span_words import with_fact_words, with_section_words
from ingest.table_cells import label_cells
from ingest.tokens import document_tokens, figure_clauses
from ingest.types import Chunk, ProcessedReport, id_prefix

# Bumped whenever normalising, sentences, chunking, tokens or facts change: a report indexed by an older
# pipeline is processed again even though its file is unchanged. 6: sentences addressed to the reader marked.
# 7: numbers after a kind of document that count a noun are figures. 8: the "advantages" part of a report.
# 9: the issuer read from the document header; an annual report's period is the year its title names.
# 10: the words around each figure and in each section, segmented at ingest (ingest/span_words.py).
# 11: the province named by the superior committee in the header ("TỈNH ỦY NGHỆ AN").
# 12: a list after a colon summing to its figure is its breakdown; a review of years carrying out a resolution
# is thematic, of the period its title names. 13: a verb in a closed aside is not the figure's; "N đảng viên là
# X" qualifies what is counted; a share's target belongs to its count; inline enumerations; a review's task
# headings are results. 14: a part named by its title line; direct sub-headings as items; the signature and
# recipients outside every section. 15: "xác minh" (verify) a predicate. 16: personnel verbs (điều động, luân
# chuyển, bổ nhiệm, giới thiệu ứng cử); "(kế hoạch 1.000 tỷ đồng)" a target; units of people and places; a
# province named after "thôn" is not the report's; a figure in a parenthesis takes its verb from inside it; a
# line's label ("- Phường Hải Minh: ...") is in the context of its figures; a table cell's figure is labelled by
# its row and column. 17: "sinh" no longer ends a noun phrase ("68 học sinh"), "sinh hoạt" does. 18: "ngày công" a unit.
PIPELINE_VERSION = 18


def report_key(source: Path) -> str:
    """Stable key from the absolute path: the same file keeps its key across runs."""
    return hashlib.sha1(str(source.resolve()).encode("utf-8")).hexdigest()[:16]


def file_hash(path: Path) -> str:
    """The content hash, read in blocks: an unchanged file is recognised without holding it in memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def process_file(path: Path, content_hash: str | None = None) -> ProcessedReport:
    """Everything ingest makes of a file. Chunk ids carry the content hash, so a changed file's new vectors
    never overwrite the old ones before the new version is recorded."""
    content_hash = content_hash or file_hash(path)
    loaded = load_file(path)
    text = normalize_text(loaded.text)
    key = report_key(path)
    meta = read_metadata(text, path.name)
    sentences = mark_addressed(text, split_sentences(text))  # never facts, vectors nor answers
    chunks = chunk_document(text, key, meta, sentences, id_prefix=id_prefix(key, content_hash))
    finder = ChunkFinder(chunks)
    facts = label_cells(text, extract_facts(text, key, sentences, sections=finder.section_at))
    clauses = figure_clauses(text, [s for s in sentences if not s.addressed])
    figure_tokens = _figure_tokens(text, finder.holding(clauses))
    return ProcessedReport(
        key=key,
        source=str(path.resolve()),
        content_hash=content_hash,
        meta=meta,
        text=text,
        original=loaded.text,
        sentences=sentences,
        chunks=chunks,
        tokens=[document_tokens(c.embed_text()) for c in chunks],
        figure_tokens=figure_tokens,
        facts=with_fact_words(text, facts),
        sections=with_section_words(text, build_sections(text)),
    )


def _figure_tokens(text: str, held: list[tuple[Chunk, tuple[int, int]]]) -> list[tuple[str, list[str]]]:
    """(chunk id, tokens of its title and the figure clause) for each clause in each chunk holding it; a
    clause that two overlapping chunks of one section hold is segmented once."""
    segmented: dict[tuple[str, int, int], list[str]] = {}
    out = []
    for chunk, (start, end) in held:
        tokens = segmented.get((chunk.title, start, end))
        if tokens is None:
            tokens = segmented[chunk.title, start, end] = document_tokens(f"{chunk.title} {text[start:end]}")
        out.append((chunk.id, tokens))
    return out
