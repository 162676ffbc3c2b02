"""Incremental, atomic ingest: file -> text -> normalised -> metadata -> chunks -> facts -> stored.

A file whose content hash is unchanged is skipped (nothing is embedded again). A changed file gets new
chunk ids (they carry the content hash), is fully embedded and recorded, and only then are its old vectors
deleted: a failure at any step leaves the previous version of that report searchable. A bad file is
reported and the batch goes on.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import ReportAssistantError
from ingest.chunking import chunk_document, section_at
from ingest.facts import extract_facts, facts_to_json
from ingest.loaders import iter_report_files, load_file
from ingest.metadata import read_metadata
from ingest.normalize import normalize_text
from vectorstore.index import DocRecord, IndexDir, doc_key_for
from vectorstore.store import ChunkStore
from vectorstore.textproc import document_tokens, figure_sentences

# Bumped whenever normalising, chunking, tokens or facts change: a report indexed by an older pipeline is
# processed again even though its file is unchanged.
PIPELINE_VERSION = 2


@dataclass
class IngestSummary:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    chunks_embedded: int = 0

    def to_dict(self) -> dict:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "failed": [{"file": f, "reason": r} for f, r in self.failed],
            "chunks_embedded": self.chunks_embedded,
        }

    def lines(self) -> list[str]:
        out = [
            f"added: {len(self.added)}, updated: {len(self.updated)}, unchanged: {len(self.unchanged)}, "
            f"removed: {len(self.removed)}, failed: {len(self.failed)} ({self.chunks_embedded} chunks embedded)"
        ]
        out += [f"  failed: {name}: {reason}" for name, reason in self.failed]
        return out


def build_record(path: Path, content_hash: str) -> DocRecord:
    """Everything but the vectors, computed before anything stored is touched. Chunk ids carry the
    content hash, so a changed file's new vectors never overwrite the old ones before it is recorded."""
    loaded = load_file(path)
    text = normalize_text(loaded.text)
    key = doc_key_for(path)
    meta = read_metadata(text, path.name)
    chunks = chunk_document(text, key, meta, id_prefix=f"{key}:{content_hash[:8]}")
    facts = extract_facts(text, key, sections=lambda offset: section_at(chunks, offset))
    return DocRecord(
        key=key,
        source=str(path.resolve()),
        content_hash=content_hash,
        meta=meta,
        text=text,
        original=loaded.text,
        chunks=chunks,
        tokens=[document_tokens(c.embed_text()) for c in chunks],
        figure_tokens=[
            (c.id, document_tokens(f"{c.heading_context.rsplit(' > ', 1)[-1]} {sentence}"))
            for c in chunks
            for sentence in figure_sentences(c.text)
        ],
        facts=facts_to_json(facts),
    )


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Ingester:
    def __init__(self, index: IndexDir, store: ChunkStore, show_progress: bool | None = None) -> None:
        self.index = index
        self.store = store
        self.show_progress = sys.stderr.isatty() if show_progress is None else show_progress

    def ingest(
        self,
        paths: Iterable[Path],
        prune: bool = False,
        on_file: Callable[[str, str], None] | None = None,
    ) -> IngestSummary:
        """Ingest files and folders. `on_file(name, status)` reports each file's outcome as it happens."""
        summary = IngestSummary()
        paths = [Path(p) for p in paths]
        for missing in (p for p in paths if not p.exists()):
            summary.failed.append((str(missing), "no such file or folder"))
        files = iter_report_files([p for p in paths if p.exists()])
        seen: set[str] = set()
        progress = self._progress_bar(len(files))
        for path in files:
            key = doc_key_for(path)
            seen.add(key)
            status = self._ingest_one(path, key, summary)
            if on_file:
                on_file(path.name, status)
            if progress:
                progress.update(1)
        if progress:
            progress.close()
        if prune:
            self._prune(seen, summary)
        return summary

    def _progress_bar(self, total: int):
        if not self.show_progress or total == 0:
            return None
        from tqdm import tqdm

        return tqdm(total=total, unit="file", desc="ingest", file=sys.stderr)

    def _ingest_one(self, path: Path, key: str, summary: IngestSummary) -> str:
        entry = self.index.entries.get(key)
        try:
            content_hash = _file_hash(path)
            if entry and entry["hash"] == content_hash and entry.get("pipeline") == PIPELINE_VERSION:
                summary.unchanged.append(path.name)
                return "unchanged"
            record = build_record(path, content_hash)
            self.store.add(record.chunks)
            summary.chunks_embedded += len(record.chunks)
            self.index.save(record, self.store.embedder.name, PIPELINE_VERSION)
        except (ReportAssistantError, OSError, ValueError) as exc:
            summary.failed.append((str(path), str(exc)))
            return f"failed: {exc}"
        self._delete_stale_vectors(record)
        (summary.updated if entry else summary.added).append(path.name)
        return "updated" if entry else "added"

    def _delete_stale_vectors(self, record: DocRecord) -> None:
        current = {c.id for c in record.chunks}
        self.store.delete_ids(i for i in self.store.ids_for_doc(record.key) if i not in current)

    def remove(self, key: str) -> str:
        """Remove one report from the index (vectors, record, manifest entry)."""
        entry = self.index.entries.get(key)
        if entry is None:
            raise ReportAssistantError(f"No report with key {key!r} is indexed.")
        self.store.delete_ids(self.store.ids_for_doc(key))
        self.index.remove(key)
        return entry["doc"]

    def _prune(self, seen: set[str], summary: IngestSummary) -> None:
        """Drop reports whose files are gone."""
        for key, entry in list(self.index.entries.items()):
            if key not in seen and not Path(entry["source"]).exists():
                summary.removed.append(self.remove(key))
