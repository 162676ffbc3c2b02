"""Search over the real reports in ../shared/reports with the bundled embedder."""

import pytest

from assistant.evaluation import contains_most, load_gold, project_search, search_recall

pytestmark = pytest.mark.integration


def test_headline_without_diacritics_finds_the_passage(shared_engine):
    passages = shared_engine.search("co bao nhieu dang vien bi ky luat", k=5)
    assert any("xử lý kỷ luật 50 đảng viên" in p.chunk.text for p in passages)


def test_headline_in_english_finds_both_reports(shared_engine):
    passages = shared_engine.search("How many members were disciplined?", k=5)
    docs = {p.chunk.meta.doc[:3] for p in passages}
    assert {"000", "002"} <= docs


def test_boilerplate_is_not_indexed(shared_engine):
    texts = " ".join(c.text for c in shared_engine.chunks.values())
    assert "Truy cập nội dung luôn" not in texts and "Số lượt truy cập" not in texts


def test_metadata_on_every_chunk(shared_engine):
    bloc = [r for r in shared_engine.reports() if "Khối các cơ quan tỉnh" in r.meta.issuing_body]
    assert len(bloc) == 1 and bloc[0].meta.kind == "midterm_review" and bloc[0].meta.term == "2020–2025"
    assert all(c.meta.doc for c in shared_engine.chunks.values())


def test_public_gold_recall(shared_engine):
    from tests.conftest import GOLD

    if not GOLD.exists():
        pytest.skip(f"gold set not found: {GOLD}")
    recall = search_recall(load_gold(GOLD), project_search(shared_engine))
    assert recall["vi"][5] >= 0.95, recall
    assert recall["en"][5] >= 0.80, recall


def test_quote_matcher_is_strict_enough():
    assert contains_most("a b c Đảng bộ đã xử lý kỷ luật 50 đảng viên d", "xử lý kỷ luật 50 đảng viên")
    assert not contains_most("Kết nạp 339 đảng viên mới", "xử lý kỷ luật 50 đảng viên")
