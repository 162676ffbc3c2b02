"""The index directory: a manifest, one JSON record per report, the Chroma store and the lexical tokens.

Layout:
  manifest.json      {"version", "embedder", "docs": {key: {source, doc, hash, chunks, meta}}}
  docs/<key>.json    normalised and original text, chunks, lexical tokens, numeric facts
  chroma/            the embedded Chroma store (absent in server mode)
Every file is written to a temporary name and renamed into place, so a crash never leaves half a record.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import ConfigError, IndexError_
from assistant.types import Chunk, ReportMeta

MANIFEST_VERSION = 1


def doc_key_for(source: Path) -> str:
    """Stable key from the absolute path: the same file keeps its key across runs."""
    return hashlib.sha1(str(source.resolve()).encode("utf-8")).hexdigest()[:16]


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


@dataclass
class DocRecord:
    """Everything stored for one report."""

    key: str
    source: str
    content_hash: str
    meta: ReportMeta
    text: str
    original: str
    chunks: list[Chunk]
    tokens: list[list[str]]
    figure_tokens: list[tuple[str, list[str]]] = field(default_factory=list)  # (chunk id, sentence tokens)
    facts: list[dict] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "key": self.key,
            "source": self.source,
            "hash": self.content_hash,
            "meta": self.meta.to_dict(),
            "text": self.text,
            "original": self.original,
            "chunks": [
                {
                    "id": c.id,
                    "start": c.start,
                    "end": c.end,
                    "section": c.section,
                    "context": c.heading_context,
                }
                for c in self.chunks
            ],
            "tokens": self.tokens,
            "figure_tokens": self.figure_tokens,
            "facts": self.facts,
        }

    @classmethod
    def from_json(cls, data: dict) -> DocRecord:
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
        return cls(
            key=data["key"],
            source=data["source"],
            content_hash=data["hash"],
            meta=meta,
            text=text,
            original=data["original"],
            chunks=chunks,
            tokens=data["tokens"],
            figure_tokens=[(cid, toks) for cid, toks in data.get("figure_tokens", [])],
            facts=data.get("facts", []),
        )


class IndexDir:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.manifest_path = root / "manifest.json"
        self.docs_dir = root / "docs"
        self.chroma_dir = root / "chroma"
        self.manifest = self._read_manifest()

    def _read_manifest(self) -> dict:
        if not self.manifest_path.exists():
            return {"version": MANIFEST_VERSION, "embedder": None, "docs": {}}
        try:
            data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise IndexError_(
                f"The index manifest {self.manifest_path} is unreadable ({exc}). "
                "Re-create the index with `report-assistant ingest PATH --index NEW_DIR`."
            ) from exc
        if data.get("version") != MANIFEST_VERSION:
            raise IndexError_(f"The index at {self.root} has an unknown format; re-create it.")
        return data

    def check_embedder(self, name: str) -> None:
        built_with = self.manifest.get("embedder")
        if built_with and built_with != name and self.manifest["docs"]:
            raise ConfigError(
                f"The index at {self.root} was built with the embedder {built_with!r}, not {name!r}. "
                f"Use --embedder {built_with} or a new --index directory."
            )

    @property
    def entries(self) -> dict[str, dict]:
        return self.manifest["docs"]

    def load(self, key: str) -> DocRecord:
        path = self.docs_dir / f"{key}.json"
        try:
            return DocRecord.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, json.JSONDecodeError, KeyError) as exc:
            raise IndexError_(f"The index record {path} is damaged ({exc}); re-ingest that report.") from exc

    def load_all(self) -> list[DocRecord]:
        return [self.load(key) for key in sorted(self.entries, key=lambda k: self.entries[k]["doc"])]

    def save(self, record: DocRecord, embedder: str, pipeline: int) -> None:
        """Write the record, then the manifest: the manifest only ever names complete records."""
        write_json_atomic(self.docs_dir / f"{record.key}.json", record.to_json())
        self.entries[record.key] = {
            "source": record.source,
            "doc": record.meta.doc,
            "hash": record.content_hash,
            "pipeline": pipeline,
            "chunks": len(record.chunks),
            "meta": record.meta.to_dict(),
        }
        self.manifest["embedder"] = embedder
        write_json_atomic(self.manifest_path, self.manifest)

    def remove(self, key: str) -> None:
        self.entries.pop(key, None)
        write_json_atomic(self.manifest_path, self.manifest)
        (self.docs_dir / f"{key}.json").unlink(missing_ok=True)
