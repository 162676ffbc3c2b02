"""The Chroma store: embedded and persistent by default, or a Chroma server given by URL.

Two collections per embedder (so switching embedders never mixes vector sizes): the chunks search ranks,
and every sentence of every report, so answers can weigh sentences by meaning. Our embedding function is
always passed, so Chroma never fetches its default model. A sentence's id is its report's chunk-id prefix
and ":s" and its position, so a report's old sentences go with its old chunks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import urlparse

from ingest.errors import ConfigError, IndexUnusableError
from ingest.types import Chunk
from vectorstore.embedders import Embedder, LangchainEmbeddings

BATCH = 16


def _client(directory: Path | None, url: str | None):
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False, allow_reset=False)
    if url:
        parsed = urlparse(url)
        if not parsed.hostname or parsed.scheme not in ("http", "https"):
            raise ConfigError(f"Chroma URL {url!r} is not valid: use http://HOST:PORT.")
        return chromadb.HttpClient(
            host=parsed.hostname,
            port=parsed.port or 8000,
            ssl=parsed.scheme == "https",
            settings=settings,
        )
    assert directory is not None
    directory.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(directory), settings=settings)


def chunk_metadata(chunk: Chunk) -> dict[str, str | int]:
    meta = chunk.meta
    return {
        "doc_key": chunk.doc_key,
        "doc": meta.doc,
        "title": meta.title,
        "section": chunk.section,
        "province": meta.province,
        "term": meta.term,
        "kind": meta.kind,
        "start": chunk.start,
        "end": chunk.end,
    }


def sentence_id(prefix: str, position: int) -> str:
    """The id of a report's sentence: its chunks' id prefix ("key:hash8"), ":s" and its position."""
    return f"{prefix}:s{position:05d}"


def _is_sentence(vector_id: str) -> bool:
    return vector_id.rsplit(":", 1)[-1].startswith("s")


class ChunkStore:
    def __init__(self, embedder: Embedder, directory: Path | None = None, url: str | None = None) -> None:
        from langchain_chroma import Chroma

        try:
            client = _client(directory, url)
            self._chroma, self._sentences = (
                Chroma(
                    collection_name=f"{what}-{embedder.name}"[:60],
                    embedding_function=LangchainEmbeddings(embedder),
                    client=client,
                    collection_metadata={"hnsw:space": "cosine"},
                )
                for what in ("reports", "sentences")
            )
        except (ConfigError, IndexUnusableError):
            raise
        except Exception as exc:  # chromadb raises many types; the user needs one message
            where = url or str(directory)
            raise IndexUnusableError(f"Cannot open the Chroma store at {where}: {exc}") from exc
        self.embedder = embedder

    def add(self, chunks: list[Chunk], on_batch: Callable[[int], None] | None = None) -> None:
        """Embed and store chunks in batches; `on_batch(n)` reports progress."""
        for i in range(0, len(chunks), BATCH):
            batch = chunks[i : i + BATCH]
            self._chroma.add_texts(
                texts=[c.embed_text() for c in batch],
                metadatas=[chunk_metadata(c) for c in batch],
                ids=[c.id for c in batch],
            )
            if on_batch:
                on_batch(len(batch))

    def add_sentences(self, doc_key: str, prefix: str, texts: list[tuple[int, int, int, str]]) -> None:
        """Embed and store sentences given as (position, start, end, text)."""
        for i in range(0, len(texts), BATCH):
            batch = texts[i : i + BATCH]
            self._sentences.add_texts(
                texts=[text for *_, text in batch],
                metadatas=[{"doc_key": doc_key, "start": start, "end": end} for _, start, end, _ in batch],
                ids=[sentence_id(prefix, position) for position, *_ in batch],
            )

    def delete_ids(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        for collection, wanted in (
            (self._chroma, [i for i in ids if not _is_sentence(i)]),
            (self._sentences, [i for i in ids if _is_sentence(i)]),
        ):
            for i in range(0, len(wanted), 500):
                collection.delete(ids=wanted[i : i + 500])

    def ids_for_doc(self, doc_key: str) -> list[str]:
        """The ids of a report's vectors, chunks and sentences."""
        return [
            *self._chroma.get(where={"doc_key": doc_key}, include=[])["ids"],
            *self._sentences.get(where={"doc_key": doc_key}, include=[])["ids"],
        ]

    def count(self) -> int:
        return self._chroma._collection.count()

    def search(
        self, vector: list[float], k: int, doc_keys: list[str] | None = None
    ) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity), best first."""
        where = None
        if doc_keys:
            where = {"doc_key": {"$in": list(doc_keys)}}
        results = self._chroma._collection.query(
            query_embeddings=[vector],
            n_results=max(1, min(k, self.count() or 1)),
            where=where,
            include=["distances"],
        )
        return [
            (cid, 1.0 - dist) for cid, dist in zip(results["ids"][0], results["distances"][0], strict=True)
        ]

    def search_sentences(
        self, vector: list[float], k: int, doc_keys: list[str] | None = None
    ) -> list[tuple[str, int, int, float]]:
        """(report key, start, end, cosine similarity) of the sentences nearest the vector, best first."""
        count = self._sentences._collection.count()
        if not count:
            return []
        results = self._sentences._collection.query(
            query_embeddings=[vector],
            n_results=min(k, count),
            where={"doc_key": {"$in": list(doc_keys)}} if doc_keys else None,
            include=["distances", "metadatas"],
        )
        return [
            (m["doc_key"], int(m["start"]), int(m["end"]), 1.0 - dist)
            for m, dist in zip(results["metadatas"][0], results["distances"][0], strict=True)
        ]
