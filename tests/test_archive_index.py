"""What lets an archive load and search in constant time: the sparse-matrix BM25 (against a plain BM25
written here), the matrices and restorer table built once per change and reused, and a manifest whose
change writes one report's entry."""

from __future__ import annotations

import json
import math
import random
from collections import Counter
from pathlib import Path

import pytest

from assistant.engine import Engine
from assistant.settings import Settings
from ingest.tokens import query_tokens
from vectorstore import derived as derived_module
from vectorstore.index import IndexDir
from vectorstore.lexical import LexicalIndex
from vectorstore.restore import DiacriticRestorer


def plain_bm25(docs: list[list[str]], query: list[str], k1: float = 1.5, b: float = 0.75) -> list[float]:
    """Okapi BM25 the textbook way, one document at a time."""
    n = len(docs)
    df = Counter(t for d in docs for t in set(d))
    idf = {t: math.log(n - f + 0.5) - math.log(f + 0.5) for t, f in df.items()}
    floor = 0.25 * sum(idf.values()) / len(idf)
    idf = {t: v if v >= 0 else floor for t, v in idf.items()}
    average = sum(map(len, docs)) / n
    scores = []
    for doc in docs:
        tf = Counter(doc)
        scores.append(
            sum(
                idf.get(q, 0.0) * tf[q] * (k1 + 1) / (tf[q] + k1 * (1 - b + b * len(doc) / average))
                for q in query
            )
        )
    return scores


def random_corpus(seed: int = 3) -> tuple[list[str], list[list[str]]]:
    rng = random.Random(seed)
    vocabulary = [f"w{i}" for i in range(120)]
    docs = [
        [rng.choice(vocabulary[: rng.randint(3, 120)]) for _ in range(rng.randint(1, 40))] for _ in range(300)
    ]
    return [f"c{i // 3}" for i in range(len(docs))], docs  # three documents per passage, as figure sentences


def test_the_sparse_matrix_scores_as_a_plain_bm25():
    ids, docs = random_corpus()
    index = LexicalIndex.build(ids, docs)
    for query in ("w1 w2 w3", "w7 w7 w90", "w119", "nothing here"):
        expected = plain_bm25(docs, query_tokens(query))
        assert index.scores(query) == pytest.approx(expected, abs=1e-9)


def test_search_keeps_each_passage_once_best_first_and_only_those_allowed():
    ids, docs = random_corpus()
    index = LexicalIndex.build(ids, docs)
    scores = plain_bm25(docs, query_tokens("w2 w5"))
    best: dict[str, float] = {}
    for cid, score in zip(ids, scores, strict=True):
        best[cid] = max(best.get(cid, 0.0), score)
    expected = sorted((c for c, s in best.items() if s > 0), key=lambda c: -best[c])[:10]
    hits = index.search("w2 w5", 10)
    assert [c for c, _ in hits] == expected
    allowed = set(expected[3:6])
    assert {c for c, _ in index.search("w2 w5", 10, allowed)} == allowed


def test_a_saved_index_is_loaded_only_for_the_stamp_it_was_built_from(tmp_path):
    ids, docs = random_corpus()
    built = LexicalIndex.build(ids, docs)
    built.save(tmp_path / "passages", "stamp-1")
    loaded = LexicalIndex.load(tmp_path / "passages", "stamp-1")
    assert loaded is not None and loaded.search("w4 w8", 20) == built.search("w4 w8", 20)
    assert loaded.idf == built.idf
    assert LexicalIndex.load(tmp_path / "passages", "stamp-2") is None
    (tmp_path / "passages" / "words.json").write_text("{not json", encoding="utf-8")
    assert LexicalIndex.load(tmp_path / "passages", "stamp-1") is None  # damaged: built again


def test_the_restorer_from_its_saved_table_restores_as_the_one_from_texts():
    texts = ["Đảng bộ kết nạp đảng viên mới.", "Kết nạp 12 đảng viên; kỷ luật 3 đảng viên."]
    restorer = DiacriticRestorer(texts)
    again = DiacriticRestorer.from_vocabulary(json.loads(json.dumps(restorer.vocabulary)))
    for query in ("ket nap bao nhieu dang vien", "ky luat dang vien"):
        assert again.restore(query) == restorer.restore(query)
    assert "kỷ luật" in restorer.restore("ky luat dang vien")


def commune(name: str, disciplined: int) -> str:
    return (
        f"ĐẢNG BỘ XÃ {name.upper()}\nBÁO CÁO TỔNG KẾT CÔNG TÁC XÂY DỰNG ĐẢNG NĂM 2024\n"
        f"I. CÔNG TÁC KIỂM TRA\nĐảng bộ xã {name} đã xử lý kỷ luật {disciplined} đảng viên.\n"
    )


def ingest(index: Path, folder: Path, reports: dict[str, str]) -> Engine:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in reports.items():
        (folder / name).write_text(text, encoding="utf-8")
    engine = Engine(Settings.from_env(index, embedder="hashing"))
    engine.ingest([folder], show_progress=False)
    return engine


def test_what_is_derived_is_built_by_the_ingest_and_read_by_the_next_reader(tmp_path, monkeypatch):
    index = tmp_path / "index"
    phu_my, son_ha = 9, 6
    ingest(index, tmp_path / "a", {"an.txt": commune("An Bình", 4), "phu.txt": commune("Phú Mỹ", phu_my)})
    assert (index / "derived" / "passages" / "words.json").is_file()
    assert (index / "derived" / "restorer.json").is_file()

    built = []
    original = LexicalIndex.build
    monkeypatch.setattr(LexicalIndex, "build", classmethod(lambda cls, *a: built.append(1) or original(*a)))
    reader = Engine(Settings.from_env(index, embedder="hashing"))
    assert str(phu_my) in reader.ask("Đảng bộ xã Phú Mỹ đã xử lý kỷ luật bao nhiêu đảng viên?").text
    assert not built  # loaded as saved

    ingest(index, tmp_path / "b", {"son.txt": commune("Sơn Hà", son_ha)})
    assert built  # a new report: built again, by the ingest
    stamp = json.loads((index / "derived" / "passages" / "stamp.json").read_text(encoding="utf-8"))
    assert stamp == derived_module.contents_stamp(IndexDir(index))
    fresh = Engine(Settings.from_env(index, embedder="hashing"))
    assert str(son_ha) in fresh.ask("Đảng bộ xã Sơn Hà đã xử lý kỷ luật bao nhiêu đảng viên?").text


def test_a_change_writes_its_own_entry_and_an_old_manifest_is_split_at_its_next_change(tmp_path):
    index = tmp_path / "index"
    ingest(index, tmp_path / "a", {"an.txt": commune("An Bình", 4), "phu.txt": commune("Phú Mỹ", 9)})
    entries = sorted((index / "entries").glob("*.json"))
    assert len(entries) == 2
    manifest = json.loads((index / "manifest.json").read_text(encoding="utf-8"))
    assert "docs" not in manifest and manifest["generation"] == 2
    untouched = {p.name: p.stat().st_mtime_ns for p in entries}
    ingest(index, tmp_path / "b", {"son.txt": commune("Sơn Hà", 6)})
    assert {p.name: p.stat().st_mtime_ns for p in entries} == untouched  # the others' entries not rewritten
    assert len(list((index / "entries").glob("*.json"))) == 3

    # An index of the first format: every entry inside manifest.json.
    old = {"version": 1, "embedder": "hashing", "generation": 3}
    old["docs"] = {
        p.stem: json.loads(p.read_text(encoding="utf-8")) for p in (index / "entries").glob("*.json")
    }
    for p in (index / "entries").glob("*.json"):
        p.unlink()
    (index / "manifest.json").write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    assert IndexDir(index).entries == old["docs"]
    engine = Engine(Settings.from_env(index, embedder="hashing"))
    engine.remove_files(["son.txt"])
    split = IndexDir(index)
    assert sorted(e["doc"] for e in split.entries.values()) == ["an.txt", "phu.txt"]
    assert json.loads((index / "manifest.json").read_text(encoding="utf-8"))["version"] == 2
    assert len(list((index / "entries").glob("*.json"))) == 2


def test_the_words_segmented_at_ingest_are_kept_by_the_index_and_made_again_for_older_records(tmp_path):
    from dataclasses import replace

    from assistant.answerers.base import Library
    from ingest.pipeline import process_file
    from vectorstore.index import report_from_json, report_to_json

    path = tmp_path / "an.txt"
    path.write_text(commune("An Bình", 7), encoding="utf-8")
    record = process_file(path)
    assert record.facts and all(f.words and f.words.context for f in record.facts)
    loaded = report_from_json(json.loads(json.dumps(report_to_json(record), ensure_ascii=False)))
    assert [f.words for f in loaded.facts] == [f.words for f in record.facts]
    assert [s.words for s in loaded.sections] == [s.words for s in record.sections]
    older = replace(
        loaded,
        facts=[replace(f, words=None) for f in loaded.facts],
        sections=[replace(s, words=None) for s in loaded.sections],
    )
    library = Library({older.key: older}, {})
    assert [library.fact_words(f) for f in older.facts] == [f.words for f in record.facts]
    assert [library.section_words(older.key, s) for s in older.sections] == [s.words for s in record.sections]


def test_a_records_tokens_live_beside_it_and_older_records_with_them_inside_still_give_them(tmp_path):
    from ingest.pipeline import process_file
    from vectorstore.index import report_to_json, tokens_to_json

    path = tmp_path / "an.txt"
    path.write_text(commune("An Bình", 7), encoding="utf-8")
    record = process_file(path)
    assert record.tokens and record.figure_tokens
    index = IndexDir(tmp_path / "index")
    index.save(record, "hashing", 1)
    loaded = index.load(record.key)
    assert loaded.tokens == [] and loaded.figure_tokens == []  # a load holds none of them
    assert [c.text for c in loaded.chunks] == [c.text for c in record.chunks]
    assert index.load_tokens(record.key) == (record.tokens, record.figure_tokens)
    # A record written before the tokens had a file of their own holds them inside.
    tokens_file = index.docs_dir / f"{record.key}.tokens.json"
    tokens_file.unlink()
    inside = {**report_to_json(record), **tokens_to_json(record)}
    (index.docs_dir / f"{record.key}.json").write_text(
        json.dumps(inside, ensure_ascii=False), encoding="utf-8"
    )
    assert index.load(record.key).tokens == []
    assert index.load_tokens(record.key) == (record.tokens, record.figure_tokens)
    index.save(record, "hashing", 1)
    index.remove(record.key)
    assert not list(index.docs_dir.iterdir())  # the record and its tokens both gone
