"""Incremental, atomic ingest into the index: processed reports are stored, vectors first.

A file whose content hash is unchanged is skipped (nothing is embedded again). A changed file gets new
chunk ids (they carry the content hash), is fully embedded and recorded, and only then are its old vectors
deleted: a failure at any step leaves the previous version of that report searchable. A bad file is
reported and the batch goes on.

Write order per report (the atomicity guarantee): (1) everything is computed by `ingest.process_file`
before anything stored is touched; (2) the new vectors are added; (3) the record, then the manifest, are
written atomically; (4) the old vectors are deleted, after the caller has swapped its readers to the new
index (`commit`). A crash between (2) and (3) leaves stray vectors that no manifest names: search ignores
them and the next ingest of that report deletes them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ingest import pipeline
from ingest.errors import ReportAssistantError, StoreUnavailableError
from ingest.folders import scan_report_files
from ingest.normalize import collapse_spaces
from ingest.types import ProcessedReport
from vectorstore.index import IndexDir
from vectorstore.store import ChunkStore, sentence_id

MIN_SENTENCE_WORDS = 2  # a lone number or mark says nothing by meaning


@dataclass
class IngestSummary:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (entry, reason): not report files
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (file, the report it is listed under)
    chunks_embedded: int = 0
    # (report key, its current chunk ids) of each report stored: its other vectors go at commit
    stored: list[tuple[str, frozenset[str]]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def to_dict(self) -> dict:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "failed": [{"file": f, "reason": r} for f, r in self.failed],
            "skipped": [{"path": f, "reason": r} for f, r in self.skipped],
            "duplicates": [{"file": f, "same_as": d} for f, d in self.duplicates],
            "chunks_embedded": self.chunks_embedded,
        }

    def lines(self) -> list[str]:
        out = [
            f"added: {len(self.added)}, updated: {len(self.updated)}, unchanged: {len(self.unchanged)}, "
            f"removed: {len(self.removed)}, failed: {len(self.failed)}, skipped: {len(self.skipped)}, "
            f"same content as another file: {len(self.duplicates)} ({self.chunks_embedded} chunks embedded)"
        ]
        out += [f"  failed: {name}: {reason}" for name, reason in self.failed]
        out += [f"  {reason}: {name}" for name, reason in self.skipped]
        out += [f"  {name}: same content as {other}; listed under it" for name, other in self.duplicates]
        return out


def embedded_sentences(record: ProcessedReport) -> list[tuple[int, int, int, str]]:
    """(position, start, end, text) of the report's sentences that are embedded; never one addressed to the
    reader (it would be found as the sentence nearest a question it tries to answer)."""
    out = []
    for position, sentence in enumerate(record.sentences):
        if sentence.addressed:
            continue
        text = collapse_spaces(record.text[sentence.start : sentence.end])
        if len(text.split()) >= MIN_SENTENCE_WORDS:
            out.append((position, sentence.start, sentence.end, text))
    return out


class Ingester:
    def __init__(
        self,
        index: IndexDir,
        store: ChunkStore,
        show_progress: bool | None = None,
        max_file_mb: int | None = None,
    ) -> None:
        self.index = index
        self.store = store
        self.show_progress = sys.stderr.isatty() if show_progress is None else show_progress
        self.max_bytes = max_file_mb * 1024 * 1024 if max_file_mb else None

    def ingest(
        self,
        paths: Iterable[Path],
        prune: bool = False,
        on_file: Callable[[str, str], None] | None = None,
    ) -> IngestSummary:
        """Store files and folders; `on_file(name, status)` reports each file's outcome as it happens.
        Call `commit(summary)` once readers see the new index."""
        summary = IngestSummary()
        paths = [Path(p) for p in paths]
        for missing in (p for p in paths if not p.exists()):
            summary.failed.append((str(missing), "no such file or folder"))
        scan = scan_report_files([p for p in paths if p.exists() or p.is_symlink()])
        summary.skipped.extend(scan.skipped)
        files = scan.files
        seen: set[str] = set()
        progress = self._progress_bar(len(files))
        for path in files:
            key = pipeline.report_key(path)
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

    def commit(self, summary: IngestSummary) -> None:
        """Delete the vectors of the old versions of the reports just stored."""
        for key, current in summary.stored:
            self.store.delete_ids(i for i in self.store.ids_for_doc(key) if i not in current)
        summary.stored.clear()

    def _progress_bar(self, total: int):
        if not self.show_progress or total == 0:
            return None
        from tqdm import tqdm

        return tqdm(total=total, unit="file", desc="ingest", file=sys.stderr)

    def _ingest_one(self, path: Path, key: str, summary: IngestSummary) -> str:
        entry = self.index.entries.get(key)
        try:
            self._check_size(path)
            content_hash = pipeline.file_hash(path)
            if entry and entry["hash"] == content_hash and entry.get("pipeline") == pipeline.PIPELINE_VERSION:
                summary.unchanged.append(path.name)
                return "unchanged"
            twin = self.index.key_with_hash(content_hash, other_than=key)
            if twin and Path(self.index.entries[twin]["source"]).exists():
                return self._list_under(twin, path, key, summary)
            record = pipeline.process_file(path, content_hash)
            sentences = embedded_sentences(record)
            self.store.add(record.chunks)
            self.store.add_sentences(record.key, record.id_prefix, sentences)
            summary.chunks_embedded += len(record.chunks)
            self.index.save(record, self.store.embedder.name, pipeline.PIPELINE_VERSION)
        except StoreUnavailableError:
            raise  # the store is gone: every later report would fail the same way
        except (ReportAssistantError, OSError, ValueError) as exc:
            summary.failed.append((str(path), str(exc)))
            return f"failed: {exc}"
        current = [c.id for c in record.chunks] + [sentence_id(record.id_prefix, p) for p, *_ in sentences]
        summary.stored.append((key, frozenset(current)))
        (summary.updated if entry else summary.added).append(path.name)
        return "updated" if entry else "added"

    def _check_size(self, path: Path) -> None:
        """Refuse an oversized file before reading a byte of it."""
        size = path.stat().st_size
        if self.max_bytes is not None and size > self.max_bytes:
            raise ReportAssistantError(
                f"{path.name}: the file is {size / 1048576:.1f} MB, over the limit of "
                f"{self.max_bytes // 1048576} MB; split it, or raise the limit with --max-size MB."
            )

    def _list_under(self, twin: str, path: Path, key: str, summary: IngestSummary) -> str:
        """Identical content under another name: one report listing both names, never indexed twice."""
        if key in self.index.entries:  # this file used to hold something else: that version goes
            self.remove(key)
        if str(path.resolve()) not in self.index.entries[twin].get("also", ()):
            self.index.add_alias(twin, str(path.resolve()))
        other = self.index.entries[twin]["doc"]
        summary.duplicates.append((path.name, other))
        return f"same content as {other}"

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
