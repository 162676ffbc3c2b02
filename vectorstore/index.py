"""The index directory: a manifest, one record per report, the Chroma store and what is built from them.

Layout:
  manifest.json      {"version", "embedder", "generation"}: "generation" grows with every change, so
                     long-running readers know to reload (one stat of this small file tells them)
  entries/<key>.json one report's manifest entry {source, doc, hash, chunks, meta, also, generation}: a
                     change writes its own report's entry and the small manifest, so recording a report
                     costs the same in an archive of thousands as in one of five; "also" names other files
                     with identical content (one report, several names)
  writer.lock        held by the one writer (vectorstore/lock.py)
  docs/<key>.json    a processed report: normalised and original text, sentences, chunks, numeric facts,
                     sections (what answers read; loaded for every report)
  docs/<key>.tokens.json  its lexical tokens (of each chunk and each figure sentence): read only to build
                     derived/, so a load neither parses nor holds them (they were 41% of a record's bytes)
  derived/           what is built from all the records once per change (lexical matrices, restorer
                     table), stamped with the entries it was built from (vectorstore/derived.py)
  chroma/            the embedded Chroma store (absent in server mode)
Every file is written to a temporary name and renamed into place, so a crash never leaves half a record.
An index written before entries had files of their own (version 1, entries inside the manifest) is read as
it is and split at its next change.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from dataclasses import asdict, replace
from pathlib import Path

import orjson

from ingest.errors import ConfigError, IndexUnusableError
from ingest.types import (
    Chunk,
    Fact,
    FactPart,
    FactWords,
    ProcessedReport,
    ReportMeta,
    Section,
    SectionWords,
    Sentence,
)

MANIFEST_VERSION = 2
READABLE_VERSIONS = (1, 2)  # 1: every entry inside manifest.json


def write_json_atomic(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def report_to_json(report: ProcessedReport) -> dict:
    return {
        "key": report.key,
        "source": report.source,
        "hash": report.content_hash,
        "meta": report.meta.to_dict(),
        "text": report.text,
        "original": report.original,
        # [start, end, clauses] and a 1 after them for a sentence addressed to the reader
        "sentences": [
            [s.start, s.end, [list(c) for c in s.clauses], *([1] if s.addressed else [])]
            for s in report.sentences
        ],
        "chunks": [
            {"id": c.id, "start": c.start, "end": c.end, "section": c.section, "context": c.heading_context}
            for c in report.chunks
        ],
        "facts": [fact_to_json(f) for f in report.facts],
        "sections": [_section_to_json(s) for s in report.sections],
    }


def tokens_to_json(report: ProcessedReport) -> dict:
    return {"tokens": report.tokens, "figure_tokens": report.figure_tokens}


ChunkTokens = tuple[list[list[str]], list[tuple[str, list[str]]]]  # (of each chunk, (chunk id, of a figure))


def tokens_from_json(data: dict) -> ChunkTokens:
    return (
        [_interned(toks) for toks in data.get("tokens", [])],
        [(cid, _interned(toks)) for cid, toks in data.get("figure_tokens", [])],
    )


def report_from_json(data: dict) -> ProcessedReport:
    """The record as answers read it: its tokens (in a file of their own, or inside a record written
    before that) are left out, see IndexDir.load_tokens."""
    meta = ReportMeta(**data["meta"])
    text = data["text"]
    chunks = [
        Chunk(
            id=c["id"],
            doc_key=data["key"],
            text=text[c["start"] : c["end"]],
            start=c["start"],
            end=c["end"],
            section=c["section"],
            heading_context=c["context"],
            meta=meta,
        )
        for c in data["chunks"]
    ]
    return ProcessedReport(
        key=data["key"],
        source=data["source"],
        content_hash=data["hash"],
        meta=meta,
        text=text,
        original=data["original"],
        sentences=[_sentence_from_json(row) for row in data["sentences"]],
        chunks=chunks,
        tokens=[],
        figure_tokens=[],
        facts=[fact_from_json(row) for row in data.get("facts", [])],
        sections=[_section_from_json(row) for row in data.get("sections", [])],
    )


def _interned(tokens: list[str]) -> list[str]:
    """One string per distinct token, as ingest made them (JSON gives one per occurrence)."""
    return [sys.intern(t) for t in tokens]


def _sentence_from_json(row: list) -> Sentence:
    """[start, end, clauses] or [start, end, clauses, 1]; records older than the mark read as reporting."""
    start, end, clauses, *flags = row
    return Sentence(start, end, tuple((a, b) for a, b in clauses), addressed=bool(flags and flags[0]))


def _section_to_json(section: Section) -> dict:
    row = asdict(replace(section, words=None))
    if section.words is not None:
        row["words"] = {"title": section.words.title, "items": list(section.words.items)}
    return row


def _section_from_json(row: dict) -> Section:
    words = row.get("words")
    return Section(
        start=row["start"],
        end=row["end"],
        title=tuple(row["title"]),
        path=row["path"],
        level=row["level"],
        role=row["role"],
        items=tuple(tuple(i) for i in row["items"]),
        words=SectionWords(words["title"], tuple(words["items"])) if words else None,
    )


def fact_to_json(fact: Fact) -> dict:
    row = asdict(replace(fact, words=None))
    row["breakdown"] = [asdict(p) for p in fact.breakdown]
    if fact.words is not None:
        row["words"] = asdict(fact.words)
    return row


_FACT_FIELDS = set(Fact.__dataclass_fields__)
_PART_FIELDS = set(FactPart.__dataclass_fields__)
_FACT_WORDS = tuple(FactWords.__dataclass_fields__)


def fact_from_json(row: dict) -> Fact:
    """Unknown keys are ignored so older or newer rows still load."""
    data = {k: v for k, v in row.items() if k in _FACT_FIELDS}
    data["breakdown"] = tuple(
        FactPart(**{k: v for k, v in p.items() if k in _PART_FIELDS}) for p in data.get("breakdown") or ()
    )
    words = data.pop("words", None)
    if words:
        data["words"] = FactWords(**{name: words[name] for name in _FACT_WORDS})
    return Fact(**data)


class IndexDir:
    """The manifest and the records. A change writes its report's entry, then the manifest with the next
    generation, read again from disk just before (the caller holds the writer lock), so nothing another
    writer recorded is dropped."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.manifest_path = root / "manifest.json"
        self.entries_dir = root / "entries"
        self.docs_dir = root / "docs"
        self.derived_dir = root / "derived"
        self.chroma_dir = root / "chroma"
        # Written once the embedded store has been created whole: its folder appears before Chroma has
        # finished creating its tables, so the folder alone cannot say another process may open it.
        self.store_ready_path = root / "chroma.ready"
        self._stamp = self._disk_stamp()
        self.manifest = self._read_manifest()
        self._entries = self._read_entries()

    @property
    def store_ready(self) -> bool:
        return self.store_ready_path.exists() and self.chroma_dir.exists()

    def _disk_stamp(self) -> tuple[int, int, int] | None:
        """What changes whenever the manifest is replaced: cheap enough to check before every question."""
        try:
            st = self.manifest_path.stat()
        except OSError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def _read_manifest(self) -> dict:
        if not self.manifest_path.exists():
            return {"version": MANIFEST_VERSION, "embedder": None, "generation": 0}
        data = self._read_json(self.manifest_path, "manifest")
        if data.get("version") not in READABLE_VERSIONS:
            raise IndexUnusableError(f"The index at {self.root} has an unknown format; re-create it.")
        data.setdefault("generation", 0)
        return data

    def _read_json(self, path: Path, what: str) -> dict:
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise IndexUnusableError(
                f"The index {what} {path} is unreadable ({exc}). "
                "Re-create the index with `report-assistant ingest PATH --index NEW_DIR`."
            ) from exc

    def _read_entries(self) -> dict[str, dict]:
        if self.manifest.get("version") == 1:
            return dict(self.manifest.get("docs", {}))
        if not self.entries_dir.is_dir():
            return {}
        return {p.stem: self._read_json(p, "entry") for p in sorted(self.entries_dir.glob("*.json"))}

    def changed_on_disk(self) -> bool:
        """Another writer replaced the manifest since this object last read or wrote it."""
        return self._disk_stamp() != self._stamp

    def refresh(self) -> None:
        """Read the manifest and the entries again from disk."""
        self._stamp = self._disk_stamp()
        self.manifest = self._read_manifest()
        self._entries = self._read_entries()

    @property
    def generation(self) -> int:
        return int(self.manifest.get("generation", 0))

    def check_embedder(self, name: str) -> None:
        built_with = self.manifest.get("embedder")
        if built_with and built_with != name and self.entries:
            raise ConfigError(
                f"The index at {self.root} was built with the embedder {built_with!r}, not {name!r}. "
                f"Use --embedder {built_with} or a new --index directory."
            )

    @property
    def entries(self) -> dict[str, dict]:
        return self._entries

    def key_with_hash(self, content_hash: str, other_than: str) -> str | None:
        """The report already indexed with this content under another file, if any."""
        return next(
            (k for k, e in self.entries.items() if e["hash"] == content_hash and k != other_than), None
        )

    def load(self, key: str) -> ProcessedReport:
        """The report's record without its tokens."""
        path = self.docs_dir / f"{key}.json"
        try:
            return report_from_json(self._record(path))
        except KeyError as exc:
            raise IndexUnusableError(
                f"The index record {path} is damaged ({exc}); re-ingest that report."
            ) from exc

    def load_tokens(self, key: str) -> ChunkTokens:
        """The lexical tokens of the report's chunks and figure sentences: from their own file, or from
        inside a record written before they had one."""
        path = self._tokens_path(key)
        return tokens_from_json(self._record(path if path.exists() else self.docs_dir / f"{key}.json"))

    def _tokens_path(self, key: str) -> Path:
        return self.docs_dir / f"{key}.tokens.json"

    @staticmethod
    def _record(path: Path) -> dict:
        try:
            return orjson.loads(path.read_bytes())  # about 2x json's speed: every record is read at load
        except (OSError, orjson.JSONDecodeError) as exc:
            raise IndexUnusableError(
                f"The index record {path} is damaged ({exc}); re-ingest that report."
            ) from exc

    def load_all(self) -> list[ProcessedReport]:
        return [self.load(key) for key in sorted(self.entries, key=lambda k: self.entries[k]["doc"])]

    @property
    def contents(self) -> list[list]:
        """(key, content hash, generation of its record) of every report, in key order: what anything
        derived from all the records was derived from. The generation changes whenever a record is
        written again (a new pipeline re-processes the same content into other tokens)."""
        return sorted([key, e["hash"], e.get("generation", 0)] for key, e in self.entries.items())

    def save(self, record: ProcessedReport, embedder: str, pipeline: int) -> None:
        """Write the tokens and the record, then its entry and the manifest: an entry only ever names a
        complete record."""
        write_json_atomic(self._tokens_path(record.key), tokens_to_json(record))
        write_json_atomic(self.docs_dir / f"{record.key}.json", report_to_json(record))
        entry = {
            "source": record.source,
            "doc": record.meta.doc,
            "hash": record.content_hash,
            "pipeline": pipeline,
            "chunks": len(record.chunks),
            "facts": len(record.facts),
            "meta": record.meta.to_dict(),
            "ingested": time.time(),
        }
        self._change(record.key, lambda _old, generation: {**entry, "generation": generation}, embedder)

    def add_alias(self, key: str, source: str) -> None:
        """Another file with the same content as report `key`: listed under it, not indexed twice."""

        def change(old: dict | None, _generation: int) -> dict | None:
            if old is None:
                return None
            return {**old, "also": sorted({*old.get("also", ()), source} - {old["source"]})}

        self._change(key, change)

    def remove(self, key: str) -> None:
        self._change(key, lambda _old, _generation: None)
        (self.docs_dir / f"{key}.json").unlink(missing_ok=True)
        self._tokens_path(key).unlink(missing_ok=True)

    def _change(self, key: str, change, embedder: str | None = None) -> None:
        """Read the manifest from disk, write `change(old entry, next generation)` as the key's entry (None
        removes it), then the manifest with the next generation, each atomically. Everything is read
        again first if another writer changed it since (all entries then, which is rare: writers take
        turns under the lock, and each catches up before it writes)."""
        if self.changed_on_disk():
            self.refresh()
        if self.manifest.get("version") == 1:
            self._split_entries()
        path = self.entries_dir / f"{key}.json"
        old = self._read_json(path, "entry") if path.exists() else None
        generation = self.generation + 1
        new = change(old, generation)
        if new is None:
            path.unlink(missing_ok=True)
            self._entries.pop(key, None)
        else:
            write_json_atomic(path, new)
            self._entries[key] = new
        self.manifest["generation"] = generation
        if embedder:
            self.manifest["embedder"] = embedder
        write_json_atomic(self.manifest_path, self.manifest)
        self._stamp = self._disk_stamp()

    def _split_entries(self) -> None:
        """A version-1 manifest's entries into files of their own (the manifest, written next, drops them)."""
        for key, entry in self.manifest.pop("docs", {}).items():
            write_json_atomic(self.entries_dir / f"{key}.json", entry)
        self.manifest["version"] = MANIFEST_VERSION
