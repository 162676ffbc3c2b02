"""Ingest into a real on-disk Chroma store (fake embedder): incremental, atomic, prunable, and the CLI."""

import json
import subprocess
import sys

from ingest.loaders import SUPPORTED_EXTENSIONS

REPORT_A = """BÁO CÁO
Kiểm điểm nhiệm kỳ 2020 – 2025 của Đảng bộ Sở Khoa học và Công nghệ tỉnh Phú Thọ

I. CÔNG TÁC KIỂM TRA
Đã xử lý kỷ luật 3 đảng viên vi phạm chính sách dân số.
II. PHƯƠNG HƯỚNG
Tiếp tục nâng cao chất lượng sinh hoạt chi bộ.
"""
REPORT_B = """BÁO CÁO
Sơ kết giữa nhiệm kỳ của Đảng bộ Khối các cơ quan tỉnh Vĩnh Phúc

I. KẾT QUẢ
Kết nạp 339 đảng viên mới (chỉ tiêu Đại hội: 400 đảng viên mới).
"""


def write_reports(folder):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "a.txt").write_text(REPORT_A, encoding="utf-8")
    (folder / "b.md").write_text(REPORT_B, encoding="utf-8")
    return folder


def test_reingest_embeds_nothing(tmp_path, make_engine, fake_embedder):
    folder = write_reports(tmp_path / "reports")
    engine = make_engine()
    first = engine.ingest([folder], show_progress=False)
    assert sorted(first.added) == ["a.txt", "b.md"]
    embedded = fake_embedder.passages_embedded  # chunks and sentences
    assert (
        first.chunks_embedded == engine.store.count() == len(engine.chunks)
        and embedded > engine.store.count()
    )

    second = make_engine().ingest([folder], show_progress=False)
    assert sorted(second.unchanged) == ["a.txt", "b.md"]
    assert second.chunks_embedded == 0
    assert fake_embedder.passages_embedded == embedded


def test_changed_file_replaces_its_chunks(tmp_path, make_engine):
    folder = write_reports(tmp_path / "reports")
    engine = make_engine()
    engine.ingest([folder], show_progress=False)
    key = next(r.key for r in engine.reports() if r.meta.doc == "a.txt")
    old_ids = set(engine.store.ids_for_doc(key))

    (folder / "a.txt").write_text(REPORT_A.replace("3 đảng viên", "7 đảng viên"), encoding="utf-8")
    summary = engine.ingest([folder], show_progress=False)
    assert summary.updated == ["a.txt"] and summary.unchanged == ["b.md"]
    new_ids = set(engine.store.ids_for_doc(key))
    assert new_ids and not (new_ids & old_ids)
    texts = [c.text for c in engine.chunks.values() if c.doc_key == key]
    assert any("7 đảng viên" in t for t in texts) and not any("3 đảng viên" in t for t in texts)
    chunk_ids = {c.id for c in engine.chunks.values() if c.doc_key == key}
    assert chunk_ids <= new_ids  # the rest are the report's sentences, of the new version only
    assert all(i.startswith(next(iter(chunk_ids)).rsplit(":", 1)[0]) for i in new_ids)


def test_prune_removes_deleted_files(tmp_path, make_engine):
    folder = write_reports(tmp_path / "reports")
    engine = make_engine()
    engine.ingest([folder], show_progress=False)
    (folder / "b.md").unlink()
    kept = engine.ingest([folder], show_progress=False)
    assert kept.removed == [] and len(engine.reports()) == 2  # only removed when asked
    pruned = engine.ingest([folder], prune=True, show_progress=False)
    assert pruned.removed == ["b.md"]
    assert [r.meta.doc for r in engine.reports()] == ["a.txt"]
    assert all(c.meta.doc == "a.txt" for c in engine.chunks.values())
    assert engine.store.count() == len(engine.chunks)


def test_bad_file_does_not_stop_the_batch_or_damage_the_index(tmp_path, make_engine):
    folder = write_reports(tmp_path / "reports")
    engine = make_engine()
    engine.ingest([folder], show_progress=False)
    before = {c.id: c.text for c in engine.chunks.values()}
    (folder / "broken.docx").write_bytes(b"not a zip file at all")
    (folder / "c.txt").write_text(REPORT_A.replace("Phú Thọ", "Bến Tre"), encoding="utf-8")
    summary = engine.ingest([folder], show_progress=False)
    assert summary.added == ["c.txt"]
    assert len(summary.failed) == 1 and summary.failed[0][0].endswith("broken.docx")
    assert summary.failed[0][1]  # a reason is given
    after = {c.id: c.text for c in engine.chunks.values()}
    assert all(after[cid] == text for cid, text in before.items())


def test_index_survives_a_reopen(tmp_path, make_engine):
    folder = write_reports(tmp_path / "reports")
    make_engine().ingest([folder], show_progress=False)
    reopened = make_engine()
    hits = reopened.search("kết nạp đảng viên mới", k=1)
    assert "Kết nạp 339" in hits[0].chunk.text
    assert hits[0].chunk.meta.province == "Vĩnh Phúc"


def test_report_filter(tmp_path, make_engine):
    folder = write_reports(tmp_path / "reports")
    engine = make_engine()
    engine.ingest([folder], show_progress=False)
    hits = engine.search("đảng viên", k=10, reports=["a.txt"])
    assert hits and all(p.chunk.meta.doc == "a.txt" for p in hits)


def test_cli_ingest_and_search_json(tmp_path):
    folder = write_reports(tmp_path / "reports")
    index = tmp_path / "cli-index"
    run = [sys.executable, "-m", "assistant.cli"]
    out = subprocess.run(
        [*run, "ingest", str(folder), "--index", str(index), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    summary = json.loads(out.stdout)
    assert sorted(summary["added"]) == ["a.txt", "b.md"] and summary["failed"] == []

    out = subprocess.run(
        [*run, "search", "ky luat dang vien", "--index", str(index), "--json", "--k", "3"],
        capture_output=True,
        text=True,
        check=True,
    )
    passages = json.loads(out.stdout)["passages"]
    assert "xử lý kỷ luật 3 đảng viên" in passages[0]["text"]
    assert {"doc", "section", "text", "score"} <= set(passages[0])

    batch = tmp_path / "q.jsonl"
    batch.write_text(
        json.dumps({"id": "x1", "question": "kết nạp bao nhiêu đảng viên"}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    out = subprocess.run(
        [*run, "search", "--batch", str(batch), "--index", str(index), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    line = json.loads(out.stdout.strip())
    assert line["id"] == "x1" and "339" in line["passages"][0]["text"]


def test_cli_reports_clear_errors(tmp_path):
    run = [sys.executable, "-m", "assistant.cli"]
    out = subprocess.run(
        [*run, "search", "anything", "--index", str(tmp_path / "empty")], capture_output=True, text=True
    )
    assert out.returncode == 2
    assert "no reports yet" in out.stderr and "Traceback" not in out.stderr
    missing = subprocess.run(
        [*run, "ingest", str(tmp_path / "nope"), "--index", str(tmp_path / "i")],
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 1 and "no such file or folder" in missing.stdout


def test_every_supported_extension_is_accepted():
    assert {".txt", ".md", ".docx", ".pdf", ".html", ".htm"} <= SUPPORTED_EXTENSIONS


def test_a_newer_pipeline_processes_unchanged_files_again(tmp_path, make_engine, monkeypatch):
    from ingest import pipeline

    folder = write_reports(tmp_path / "reports")
    make_engine().ingest([folder], show_progress=False)
    monkeypatch.setattr(pipeline, "PIPELINE_VERSION", pipeline.PIPELINE_VERSION + 1)
    again = make_engine().ingest([folder], show_progress=False)
    assert sorted(again.updated) == ["a.txt", "b.md"] and again.chunks_embedded > 0
    settled = make_engine().ingest([folder], show_progress=False)
    assert sorted(settled.unchanged) == ["a.txt", "b.md"]
