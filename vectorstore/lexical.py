"""BM25 over word-segmented, diacritic-folded tokens, held as a sparse matrix (passages x words, each
cell the word's BM25 weight in that passage): a query is a sum of a few columns however large the archive,
where a loop over every passage grew with it (~1,800x slower at 23k chunks, measured). The matrix is built
from the tokens stored with each report once after each change of the index, saved beside it and
memory-mapped by every process that reads it, never re-built per load or per question.

Scoring is Okapi BM25 (k1 1.5, b 0.75) with the IDF of a word in more than half the passages floored at a
quarter of the mean IDF: the ranking the fusion was fitted with. The IDF table also weighs the question's
words in answers (assistant/answerers/base.py).
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

import numpy as np
from scipy.sparse import csc_matrix

from ingest.tokens import query_tokens

K1, B = 1.5, 0.75
IDF_FLOOR = 0.25  # x the mean IDF, for words in more than half the passages (Okapi's own floor)
STAMP = "stamp.json"  # what a saved matrix was built from: it is used only while that still holds
ARRAYS = ("data", "indices", "indptr")


def okapi_idf(documents: list[list[str]]) -> dict[str, float]:
    """log((N - n + 0.5) / (n + 0.5)) for a word in n of N documents; negative ones floored."""
    frequencies = Counter(t for tokens in documents for t in set(tokens))
    n = len(documents)
    idf = {t: math.log(n - f + 0.5) - math.log(f + 0.5) for t, f in frequencies.items()}
    floor = IDF_FLOOR * sum(idf.values()) / max(len(idf), 1)
    return {t: (v if v >= 0 else floor) for t, v in idf.items()}


def bm25_matrix(
    tokens: list[list[str]], idf: Mapping[str, float], vocabulary: Mapping[str, int]
) -> csc_matrix:
    """Documents x words; cell = idf x tf (k1 + 1) / (tf + k1 (1 - b + b dl / avgdl))."""
    lengths = [len(doc) for doc in tokens]
    average = sum(lengths) / max(len(lengths), 1) or 1.0
    rows: list[int] = []
    columns: list[int] = []
    values: list[float] = []
    for row, (doc, length) in enumerate(zip(tokens, lengths, strict=True)):
        norm = K1 * (1 - B + B * length / average)
        for token, tf in Counter(doc).items():
            rows.append(row)
            columns.append(vocabulary[token])
            values.append(idf[token] * tf * (K1 + 1) / (tf + norm))
    shape = (len(tokens), len(vocabulary))
    return csc_matrix((np.array(values, dtype=np.float64), (rows, columns)), shape=shape)


class LexicalIndex:
    """ids[i] is the passage of document i (ids may repeat: the figure index has one per sentence)."""

    def __init__(
        self, ids: list[str], matrix: csc_matrix | None, vocabulary: dict[str, int], idf: Mapping[str, float]
    ) -> None:
        self.ids = ids
        self._matrix = matrix
        self._vocabulary = vocabulary
        self._idf = idf
        self._positions: dict[str, list[int]] = {}
        for i, cid in enumerate(ids):
            self._positions.setdefault(cid, []).append(i)

    @classmethod
    def build(cls, ids: list[str], tokens: list[list[str]]) -> LexicalIndex:
        idf = okapi_idf(tokens)
        vocabulary = {t: i for i, t in enumerate(idf)}
        return cls(ids, bm25_matrix(tokens, idf, vocabulary) if ids else None, vocabulary, idf)

    @property
    def idf(self) -> Mapping[str, float]:
        return self._idf

    def scores(self, query: str) -> np.ndarray:
        """Every document's BM25 score for the query (a word asked twice counts twice)."""
        wanted = Counter(self._vocabulary[t] for t in query_tokens(query) if t in self._vocabulary)
        if self._matrix is None or not wanted:
            return np.zeros(len(self.ids))
        columns = list(wanted)
        weights = np.array([wanted[c] for c in columns], dtype=np.float64)
        return np.asarray(self._matrix[:, columns] @ weights).ravel()

    def ids_with(self, token: str) -> set[str]:
        """The ids of the passages holding the token."""
        column = self._vocabulary.get(token)
        if self._matrix is None or column is None:
            return set()
        return {self.ids[i] for i in self._matrix[:, column].nonzero()[0]}

    def search(self, query: str, k: int, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        """(id, score) best first, each id once; only ids in `allowed` when given."""
        scores = self.scores(query)
        if allowed is not None:
            kept = np.zeros(len(scores), dtype=bool)
            kept[[i for cid in allowed for i in self._positions.get(cid, ())]] = True
            scores = np.where(kept, scores, 0.0)
        hits = np.flatnonzero(scores > 0)
        order = hits[np.argsort(-scores[hits], kind="stable")]  # ties keep the index's order
        out: list[tuple[str, float]] = []
        seen: set[str] = set()
        for i in order:
            cid = self.ids[i]
            if cid not in seen:
                seen.add(cid)
                out.append((cid, float(scores[i])))
                if len(out) >= k:
                    break
        return out

    # --- saved beside the index ---------------------------------------------------------------------
    def save(self, directory: Path, stamp: object) -> None:
        """Into `directory`, replaced whole (written aside, then renamed into place), marked with stamp."""
        directory.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=directory.parent, prefix=f".tmp-{directory.name}-"))
        try:
            if self._matrix is not None:
                for name in ARRAYS:
                    np.save(tmp / f"{name}.npy", getattr(self._matrix, name))
            shape = list(self._matrix.shape) if self._matrix is not None else None
            _write(tmp / "words.json", {"ids": self.ids, "shape": shape, "idf": self._idf})
            _write(tmp / STAMP, stamp)
            old = directory.with_name(f".old-{directory.name}-{os.getpid()}")
            if directory.exists():
                directory.rename(old)
            tmp.rename(directory)
            shutil.rmtree(old, ignore_errors=True)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    @classmethod
    def load(cls, directory: Path, stamp: object) -> LexicalIndex | None:
        """The saved index, memory-mapped, if it was built from what `stamp` names; else None."""
        try:
            if json.loads((directory / STAMP).read_text(encoding="utf-8")) != stamp:
                return None
            words = json.loads((directory / "words.json").read_text(encoding="utf-8"))
            matrix = None
            if words["shape"]:
                arrays = [np.load(directory / f"{name}.npy", mmap_mode="r") for name in ARRAYS]
                matrix = csc_matrix(tuple(arrays), shape=tuple(words["shape"]), copy=False)
        except (OSError, ValueError, KeyError):
            return None  # absent, being replaced or damaged: built again from the records
        idf = words["idf"]
        return cls(words["ids"], matrix, {t: i for i, t in enumerate(idf)}, idf)


def _write(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
