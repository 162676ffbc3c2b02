"""The Chroma store: embedded and persistent by default, or a Chroma server given by URL.

Two collections per embedder (so switching embedders never mixes vector sizes): the chunks search ranks,
and every sentence of every report, so answers can weigh sentences by meaning. Our embedding function is
always passed, so Chroma never fetches its default model. A sentence's id is its report's chunk-id prefix
and ":s" and its position, so a report's old sentences go with its old chunks.

Every call that reaches Chroma goes through `_reaches_chroma`: a server that does not answer (or answers
with a server error), or an embedded store that fails, becomes one `StoreUnavailableError` naming where the
store is. The same store object works again once the server is back: chromadb's HttpClient opens a new
connection on the next request, so nothing here has to reconnect.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import ParamSpec, TypeVar
from urllib.parse import urlparse

import numpy as np

from ingest.errors import ConfigError, IndexUnusableError, ReportAssistantError, StoreUnavailableError
from ingest.types import Chunk
from vectorstore.embedders import Embedder, LangchainEmbeddings

BATCH = 16
REASON_CHARS = 200  # a server's error text can be long; the user needs its gist
# A Chroma server that accepts and never answers must not hang a question or an ingest: chromadb's HTTP
# client waits forever (timeout=None), so ours gets these (connect, then any read or write), in seconds.
SERVER_CONNECT_TIMEOUT = 3.0
SERVER_TIMEOUT = 30.0
# An embedded store is one SQLite file: while another process writes to it, a call can meet "database is
# locked" (SQLITE_BUSY) after SQLite's own wait. That is momentary, so the call is repeated, backing off,
# for up to this long before the user is told.
LOCKED_WAIT_SECONDS = 60.0
LOCKED_FIRST_PAUSE = 0.2

P = ParamSpec("P")
R = TypeVar("R")


def _client(directory: Path | None, url: str | None):
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False, allow_reset=False)
    if url:
        parsed = urlparse(url)
        if not parsed.hostname or parsed.scheme not in ("http", "https"):
            raise ConfigError(f"Chroma URL {url!r} is not valid: use http://HOST:PORT.")
        _heartbeat(url)  # chromadb's constructor asks the server with no timeout: ask first, bounded
        client = chromadb.HttpClient(
            host=parsed.hostname,
            port=parsed.port or 8000,
            ssl=parsed.scheme == "https",
            settings=settings,
        )
        _bound(client)
        return client
    assert directory is not None
    directory.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(directory), settings=settings)


def _timeout():
    import httpx

    return httpx.Timeout(SERVER_TIMEOUT, connect=SERVER_CONNECT_TIMEOUT)


def _heartbeat(url: str) -> None:
    """Raises httpx's error (mapped by _reaches_chroma) when the server does not answer in time."""
    import httpx

    httpx.get(f"{url.rstrip('/')}/api/v2/heartbeat", timeout=_timeout()).raise_for_status()


def _bound(client) -> None:
    """Give chromadb's HTTP session our timeouts (it has no setting for them)."""
    import httpx

    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = _timeout()


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception and the ones it was raised from or during, outermost first."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _connect_reason(exc: BaseException) -> str:
    """The OS's words for a failed connection ("connection refused"), from the innermost OSError."""
    words = [e.strerror.lower() for e in _chain(exc) if isinstance(e, OSError) and e.strerror]
    return words[-1] if words else str(exc)


def _failure(exc: BaseException) -> tuple[str, str] | None:
    """("unreachable" or "failed", why) if the exception, or one it came from, says Chroma cannot serve us.

    The chain is searched because chromadb re-raises: a client created while the server is down raises a
    ValueError during httpx.ConnectError, an HTTP 5xx without a Chroma error body a bare Exception."""
    import httpx
    from chromadb.errors import ChromaError

    for current in _chain(exc):
        if isinstance(current, httpx.TimeoutException):
            return "unreachable", "timed out"
        if isinstance(current, httpx.ConnectError):
            return "unreachable", _connect_reason(current)
        if isinstance(current, httpx.TransportError):  # read, write, protocol: it died mid-request
            return "unreachable", "the connection broke off mid-request"
        if isinstance(current, httpx.HTTPStatusError) and current.response.status_code >= 500:
            return "failed", f"HTTP {current.response.status_code}: {current.response.text}"
        if isinstance(current, ChromaError) and current.code() >= 500:
            return "failed", f"{type(current).__name__}: {current}"
    return None


def _locked(exc: BaseException) -> bool:
    """SQLite's busy error, from an embedded store another process is writing to."""
    return any("database is locked" in str(current) for current in _chain(exc))


def _until_unlocked(call: Callable[[], R]) -> R:
    """The call, repeated with growing pauses while the embedded store's database is locked."""
    deadline = time.monotonic() + LOCKED_WAIT_SECONDS
    pause = LOCKED_FIRST_PAUSE
    while True:
        try:
            return call()
        except Exception as exc:
            if not _locked(exc) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 5.0)


def _reaches_chroma(method: Callable[P, R]) -> Callable[P, R]:
    """Turn Chroma being down or failing, in a ChunkStore method, into one StoreUnavailableError. Each
    method is one step that may be repeated whole (writes are per batch, by id), so a locked embedded
    store is waited for here."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return _until_unlocked(lambda: method(*args, **kwargs))
        except ReportAssistantError:
            raise  # already says what to do (ours, an embedder's, or an inner call's)
        except Exception as exc:
            failure = _failure(exc)
            if failure is None:
                raise
            store = args[0]
            assert isinstance(store, ChunkStore)
            raise StoreUnavailableError(store.unavailable_message(*failure)) from exc

    return wrapper


def _display_url(url: str) -> str:
    """scheme://host:port only: a URL's user name, password or path do not belong in a message."""
    parsed = urlparse(url)
    return f"{parsed.scheme}://{parsed.hostname}:{parsed.port or 8000}"


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
        self.embedder = embedder
        self.directory = directory
        self.url = url
        try:
            self._open()
        except ReportAssistantError:
            raise
        except Exception as exc:  # chromadb raises many types; the user needs one message
            where = url or str(directory)
            raise IndexUnusableError(f"Cannot open the Chroma store at {where}: {exc}") from exc

    def unavailable_message(self, kind: str, reason: str) -> str:
        """What the user reads when Chroma cannot serve us: where the store is, why, and what to do."""
        reason = reason.strip()[:REASON_CHARS]
        if self.url is None:
            return (
                f"The Chroma store in {self.directory} failed ({reason}). Check that the folder is there "
                "and writable and the disk is not full, then repeat; nothing already recorded is lost."
            )
        where = f"The Chroma server at {_display_url(self.url)}"
        kept = "nothing already recorded is lost."
        if kind == "unreachable":
            return f"{where} does not answer ({reason}). Start it again and repeat; {kept}"
        return f"{where} failed ({reason}). Check its log and disk, then repeat; {kept}"

    @_reaches_chroma
    def _open(self) -> None:
        from langchain_chroma import Chroma

        client = _client(self.directory, self.url)
        self._chroma, self._sentences = (
            Chroma(
                collection_name=f"{what}-{self.embedder.name}"[:60],
                embedding_function=LangchainEmbeddings(self.embedder),
                client=client,
                collection_metadata={"hnsw:space": "cosine"},
            )
            for what in ("reports", "sentences")
        )

    @_reaches_chroma
    def _add_batch(self, collection, texts: list[str], metadatas: list[dict], ids: list[str]) -> None:
        """One batch: the step repeated when the store was locked (LangChain's add_texts upserts by id)."""
        collection.add_texts(texts=texts, metadatas=metadatas, ids=ids)

    def add(self, chunks: list[Chunk], on_batch: Callable[[int], None] | None = None) -> None:
        """Embed and store chunks in batches; `on_batch(n)` reports progress."""
        for i in range(0, len(chunks), BATCH):
            batch = chunks[i : i + BATCH]
            self._add_batch(
                self._chroma,
                [c.embed_text() for c in batch],
                [chunk_metadata(c) for c in batch],
                [c.id for c in batch],
            )
            if on_batch:
                on_batch(len(batch))

    def add_sentences(self, doc_key: str, prefix: str, texts: list[tuple[int, int, int, str]]) -> None:
        """Embed and store sentences given as (position, start, end, text)."""
        for i in range(0, len(texts), BATCH):
            batch = texts[i : i + BATCH]
            self._add_batch(
                self._sentences,
                [text for *_, text in batch],
                [{"doc_key": doc_key, "start": start, "end": end} for _, start, end, _ in batch],
                [sentence_id(prefix, position) for position, *_ in batch],
            )

    @_reaches_chroma
    def delete_ids(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        for collection, wanted in (
            (self._chroma, [i for i in ids if not _is_sentence(i)]),
            (self._sentences, [i for i in ids if _is_sentence(i)]),
        ):
            for i in range(0, len(wanted), 500):
                collection.delete(ids=wanted[i : i + 500])

    @_reaches_chroma
    def ids_for_doc(self, doc_key: str) -> list[str]:
        """The ids of a report's vectors, chunks and sentences."""
        return [
            *self._chroma.get(where={"doc_key": doc_key}, include=[])["ids"],
            *self._sentences.get(where={"doc_key": doc_key}, include=[])["ids"],
        ]

    @_reaches_chroma
    def count(self) -> int:
        return self._chroma._collection.count()

    @_reaches_chroma
    def search(
        self, vector: list[float], k: int, doc_keys: list[str] | None = None
    ) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity), best first. Chroma returns fewer than k when it holds fewer:
        counting first cost more than the search itself at 100k chunks (6 of 8 ms, measured)."""
        return self._nearest(self._chroma, vector, k, doc_keys)

    @_reaches_chroma
    def search_sentences(
        self, vector: list[float], k: int, doc_keys: list[str] | None = None
    ) -> list[tuple[str, float]]:
        """(sentence id, cosine similarity) of the sentences nearest the vector, best first: the caller
        knows each one's span from its id (fetching the spans from Chroma took most of the time)."""
        return self._nearest(self._sentences, vector, k, doc_keys)

    @staticmethod
    def _nearest(
        collection, vector: list[float], k: int, doc_keys: list[str] | None
    ) -> list[tuple[str, float]]:
        results = collection._collection.query(
            query_embeddings=[vector],
            n_results=max(1, k),
            where={"doc_key": {"$in": list(doc_keys)}} if doc_keys else None,
            include=["distances"],
        )
        return [
            (vid, 1.0 - dist) for vid, dist in zip(results["ids"][0], results["distances"][0], strict=True)
        ]

    @_reaches_chroma
    def vectors(self, ids: list[str], sentences: bool = False) -> tuple[list[str], np.ndarray]:
        """The stored vectors of those ids that exist (chunks, or sentences), as rows of unit length."""
        collection = self._sentences if sentences else self._chroma
        got = collection._collection.get(ids=ids, include=["embeddings"]) if ids else {"ids": []}
        if not got["ids"]:
            return [], np.zeros((0, 0), dtype=np.float32)
        matrix = np.asarray(got["embeddings"], dtype=np.float32)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return list(got["ids"]), matrix / np.where(norms > 0, norms, 1.0)


def forget_open_stores() -> None:
    """Make the next embedded store opened in this process read the disk again. Chroma keeps one system
    per path per process, whose index holds the vectors it loaded: vectors another process added are
    invisible to it (measured) until it is opened afresh. Handles already open keep working."""
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
