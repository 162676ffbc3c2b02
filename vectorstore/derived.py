"""What is built from every record of the index at once: the lexical matrices of passages, of figure
sentences and of figures (the words around each, by which a count question finds its candidate figures),
and the diacritic restorer's table. Built once per change of the index (by the ingest that made
the change, or by the first reader to need them) and saved under <index>/derived, stamped with the reports
they were built from, so a process that loads the index reads them instead of building them again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ingest.span_words import fact_words
from ingest.types import ProcessedReport
from vectorstore.index import IndexDir, write_json_atomic
from vectorstore.lexical import LexicalIndex
from vectorstore.restore import DiacriticRestorer

RESTORER = "restorer.json"


@dataclass(frozen=True)
class Derived:
    passages: LexicalIndex
    figures: LexicalIndex
    facts: LexicalIndex  # ids from fact_id()
    restorer: DiacriticRestorer


def fact_id(key: str, position: int) -> str:
    """A figure's id in the facts matrix: its report and its place in the report's record."""
    return f"{key}#{position}"


def fact_position(fid: str) -> tuple[str, int]:
    key, _, position = fid.rpartition("#")
    return key, int(position)


def contents_stamp(index: IndexDir) -> str:
    """Names the records the index holds now (IndexDir.contents)."""
    return hashlib.sha256(json.dumps(index.contents).encode("utf-8")).hexdigest()


def derived(index: IndexDir, records: Callable[[], Sequence[ProcessedReport]]) -> Derived:
    """The saved matrices and table if they were built from the reports the index holds now; else built
    from `records()` (called at most once) and saved for the next process."""
    stamp = contents_stamp(index)
    loaded: list[ProcessedReport] | None = None

    def all_records() -> Sequence[ProcessedReport]:
        nonlocal loaded
        if loaded is None:
            loaded = list(records())
        return loaded

    passages = _lexical(index.derived_dir / "passages", stamp, lambda: _passage_tokens(index, all_records()))
    figures = _lexical(index.derived_dir / "figures", stamp, lambda: _figure_tokens(index, all_records()))
    facts = _lexical(index.derived_dir / "facts", stamp, lambda: _fact_tokens(all_records()))
    return Derived(passages, figures, facts, _restorer(index.derived_dir / RESTORER, stamp, all_records))


def _passage_tokens(index: IndexDir, records: Sequence[ProcessedReport]) -> tuple[list[str], list[list[str]]]:
    ids, tokens = [], []
    for r in records:
        ids += [c.id for c in r.chunks]
        tokens += index.load_tokens(r.key)[0]
    return ids, tokens


def _figure_tokens(index: IndexDir, records: Sequence[ProcessedReport]) -> tuple[list[str], list[list[str]]]:
    ids, tokens = [], []
    for r in records:
        for cid, toks in index.load_tokens(r.key)[1]:
            ids.append(cid)
            tokens.append(toks)
    return ids, tokens


def _fact_tokens(records: Sequence[ProcessedReport]) -> tuple[list[str], list[list[str]]]:
    ids, tokens = [], []
    for r in records:
        for i, fact in enumerate(r.facts):
            words = fact.words or fact_words(r.text, fact)  # a record older than its words
            ids.append(fact_id(r.key, i))
            tokens.append(sorted({*words.context.split(), *words.counted.split()}))
    return ids, tokens


def _lexical(
    directory: Path, stamp: str, tokens: Callable[[], tuple[list[str], list[list[str]]]]
) -> LexicalIndex:
    saved = LexicalIndex.load(directory, stamp)
    if saved is not None:
        return saved
    built = LexicalIndex.build(*tokens())
    with contextlib.suppress(OSError):  # a read-only index still answers: it builds this at each load
        built.save(directory, stamp)
    return built


def _restorer(path: Path, stamp: str, records: Callable[[], Sequence[ProcessedReport]]) -> DiacriticRestorer:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("stamp") == stamp:
            return DiacriticRestorer.from_vocabulary(data["vocabulary"])
    except (OSError, ValueError, AttributeError):
        pass  # absent or damaged: built again
    restorer = DiacriticRestorer([r.text for r in records()])
    with contextlib.suppress(OSError):
        write_json_atomic(path, {"stamp": stamp, "vocabulary": restorer.vocabulary})
    return restorer
