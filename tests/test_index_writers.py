"""One writer at a time, readers always current, folders that fight back: through the real command line
(separate processes, real Chroma store) with the no-model "hashing" embedder so each run takes seconds."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

HASHING = ["--embedder", "hashing"]


def cli(*args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "REPORT_ASSISTANT_OPEN_BROWSER": "0"},
    )


def start_cli(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def commune_report(name: str, admitted: int, disciplined: int, paragraphs: int = 1) -> str:
    """A small invented commune report whose figures are known to the test."""
    filler = "\n".join(
        f"{i}. Công tác tuyên truyền đợt {i} được triển khai tại {name}, thu hút nhiều đoàn viên tham gia."
        for i in range(1, paragraphs + 1)
    )
    return (
        f"ĐẢNG BỘ XÃ {name.upper()}\nBÁO CÁO TỔNG KẾT CÔNG TÁC XÂY DỰNG ĐẢNG NĂM 2024\n"
        f"I. CÔNG TÁC PHÁT TRIỂN ĐẢNG VIÊN\nNăm 2024, Đảng bộ xã {name} kết nạp {admitted} đảng viên mới.\n"
        f"II. CÔNG TÁC KIỂM TRA\nĐảng bộ xã {name} đã xử lý kỷ luật {disciplined} đảng viên.\n"
        f"III. CÔNG TÁC TUYÊN TRUYỀN\n{filler}\n"
    )


def write_reports(folder: Path, reports: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in reports.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def indexed_files(index: Path) -> list[str]:
    """The reports the index lists, read as any reader would: from its manifest."""
    from vectorstore.index import IndexDir

    return sorted(e["doc"] for e in IndexDir(index).entries.values())


def answer(index: Path, question: str) -> str:
    from assistant.engine import Engine
    from assistant.settings import Settings

    return Engine(Settings.from_env(index, embedder="hashing")).ask(question).text


@pytest.fixture
def two_folders(tmp_path) -> tuple[Path, Path]:
    first = write_reports(
        tmp_path / "first",
        {f"xa_dong_{i}.txt": commune_report(f"Đông {i}", 10 + i, 20 + i) for i in range(3)},
    )
    second = write_reports(
        tmp_path / "second", {f"xa_tay_{i}.txt": commune_report(f"Tây {i}", 40 + i, 50 + i) for i in range(3)}
    )
    return first, second


def test_two_ingests_at_once_lose_nothing(tmp_path, two_folders):
    """Without --wait the second writer is told who holds the index and exits 3 having claimed nothing;
    with --wait both land. Either way every report a run said it added is answerable."""
    index = tmp_path / "index"
    runs = [start_cli("ingest", str(f), "--index", str(index), *HASHING) for f in two_folders]
    outcomes = [(p.wait(timeout=180), *p.communicate()) for p in runs]
    codes = sorted(code for code, _, _ in outcomes)
    assert codes in ([0, 0], [0, 3]), outcomes
    for code, out, err in outcomes:
        if code == 3:
            assert "being updated by PID" in err and "try again" in err and "added" not in out
    files = indexed_files(index)
    ran = [f for (code, _, _), f in zip(outcomes, two_folders, strict=True) if code == 0]
    claimed = sorted(p.name for folder in ran for p in folder.iterdir())
    assert files == claimed

    index2 = tmp_path / "index-wait"
    runs = [start_cli("ingest", str(f), "--index", str(index2), *HASHING, "--wait") for f in two_folders]
    assert [p.wait(timeout=180) for p in runs] == [0, 0]
    assert indexed_files(index2) == sorted(p.name for f in two_folders for p in f.iterdir())
    for i in range(3):
        assert "41" in answer(index2, "Đảng bộ xã Tây 1 kết nạp bao nhiêu đảng viên mới?")
        assert str(20 + i) in answer(index2, f"Đảng bộ xã Đông {i} đã xử lý kỷ luật bao nhiêu đảng viên?")


def test_a_running_engine_sees_a_cli_ingest_at_the_next_question(tmp_path, two_folders):
    """The app's engine and a command-line ingest in another process: the next question sees the new
    reports, by search (dense and lexical) and in answers; a later upload keeps what the CLI recorded."""
    from assistant.engine import Engine
    from assistant.settings import Settings

    first, second = two_folders
    index = tmp_path / "index"
    engine = Engine(Settings.from_env(index, embedder="hashing"))
    engine.ingest([first], show_progress=False)
    before = engine.generation
    assert "42" not in engine.ask("Đảng bộ xã Tây 2 kết nạp bao nhiêu đảng viên mới?").text

    done = cli("ingest", str(second), "--index", str(index), *HASHING)
    assert done.returncode == 0, done.stderr
    reply = engine.ask("Đảng bộ xã Tây 2 kết nạp bao nhiêu đảng viên mới?")
    assert "42" in reply.text and engine.generation > before
    dense = engine.store.search(engine.embedder.embed_query("xã Tây 2 kết nạp đảng viên mới"), 20)
    assert any(doc.startswith("xa_tay_") for doc in _docs_of(engine, dense)), "new vectors not seen"

    upload = write_reports(tmp_path / "upload", {"xa_nam.txt": commune_report("Nam", 70, 80)})
    engine.ingest([upload], show_progress=False)  # the app's own write after the CLI's
    assert indexed_files(index) == sorted([*(p.name for f in two_folders for p in f.iterdir()), "xa_nam.txt"])


def _docs_of(engine, hits) -> list[str]:
    chunks = engine.chunks
    return [chunks[cid].meta.doc for cid, _ in hits if cid in chunks]


def test_a_second_writer_is_told_who_holds_the_index(tmp_path, two_folders):
    from vectorstore.lock import WriterLock

    index = tmp_path / "index"
    first, _ = two_folders
    taken = time.strftime("%H:%M")  # the hour the lock was taken, read before the clock can turn over
    with WriterLock(index):
        done = cli("ingest", str(first), "--index", str(index), *HASHING)
        removal = cli("remove", "xa_dong_0.txt", "--index", str(index), *HASHING)
    assert done.returncode == 3 and removal.returncode == 3
    assert f"by PID {os.getpid()} since {taken[:2]}" in done.stderr
    assert "Traceback" not in done.stderr + removal.stderr
    assert indexed_files(index) == []

    waiter = start_cli("ingest", str(first), "--index", str(index), *HASHING, "--wait")
    with WriterLock(index):
        time.sleep(1.0)
        assert waiter.poll() is None  # still waiting while the lock is held
    assert waiter.wait(timeout=180) == 0
    assert indexed_files(index) == sorted(p.name for p in first.iterdir())


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no Unix sockets on this system")
def test_folders_that_fight_back(tmp_path):
    """Symlink loops, a socket named like a report, an oversized file: one line each, the good report
    indexed, exit code 1 only for the real failure (the oversized file), quickly."""
    folder = write_reports(tmp_path / "r", {"tot.txt": commune_report("Tốt", 12, 3)})
    (folder / "vong.txt").symlink_to(folder / "vong.txt")  # a link to itself
    (folder / "con").symlink_to(folder, target_is_directory=True)  # a folder linking to its parent
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(folder / "ong.txt"))
    with open(folder / "khong_lo.txt", "wb") as handle:  # 200 MB, sparse: no disk used, never read
        handle.truncate(200 * 1024 * 1024)
    index = tmp_path / "index"
    started = time.perf_counter()
    try:
        done = cli("ingest", str(folder), "--index", str(index), *HASHING, timeout=120)
    finally:
        server.close()
    seconds = time.perf_counter() - started
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    out = done.stdout
    assert "added: 1" in out and "failed: 1" in out
    assert "symbolic link loop" in out and "vong.txt" in out
    assert "not a regular file (a socket)" in out and "ong.txt" in out
    assert "khong_lo.txt: the file is 200.0 MB, over the limit of 50 MB" in out and "--max-size" in out
    assert indexed_files(index) == ["tot.txt"]
    assert seconds < 90  # the big file is refused by its size, not read (reading it took minutes)

    small_limit = cli("ingest", str(folder / "tot.txt"), "--index", str(tmp_path / "i2"), *HASHING)
    assert small_limit.returncode == 0
    (folder / "vua.txt").write_text(commune_report("Vừa", 1, 1, paragraphs=12000), encoding="utf-8")
    refused = cli(
        "ingest", str(folder / "vua.txt"), "--index", str(tmp_path / "i2"), *HASHING, "--max-size", "1"
    )
    assert refused.returncode == 1 and "over the limit of 1 MB" in refused.stdout


def test_identical_files_are_one_report_listing_both_names(tmp_path):
    text = commune_report("Song Sinh", 33, 7)
    folder = write_reports(tmp_path / "r", {"ban_chinh.txt": text, "ban_sao.txt": text})
    index = tmp_path / "index"
    done = cli("ingest", str(folder), "--index", str(index), *HASHING)
    assert done.returncode == 0
    assert "ban_sao.txt: same content as ban_chinh.txt; listed under it" in done.stdout
    listed = json.loads(cli("reports", "--index", str(index), *HASHING, "--json").stdout)["reports"]
    assert [(r["file"], r["also"]) for r in listed] == [("ban_chinh.txt", ["ban_sao.txt"])]
    reply = answer(index, "Đã xử lý kỷ luật bao nhiêu đảng viên?")
    assert reply.count("7 đảng viên") == 1

    again = cli("ingest", str(folder), "--index", str(index), *HASHING)  # nothing new to record
    assert again.returncode == 0 and "unchanged: 1" in again.stdout


def test_exit_code_is_1_when_any_file_failed(tmp_path):
    folder = write_reports(
        tmp_path / "r", {f"tot_{i}.txt": commune_report(f"Tốt {i}", i + 1, i) for i in range(4)}
    )
    for i in range(8):
        (folder / f"hong_{i}.docx").write_bytes(b"not a docx at all")
    done = cli("ingest", str(folder), "--index", str(tmp_path / "index"), *HASHING, "--json")
    assert done.returncode == 1
    summary = json.loads(done.stdout)
    assert len(summary["added"]) == 4 and len(summary["failed"]) == 8
    assert all("docx" in f["reason"] for f in summary["failed"])

    fine = cli("ingest", str(folder / "tot_0.txt"), "--index", str(tmp_path / "index"), *HASHING)
    assert fine.returncode == 0 and "unchanged: 1" in fine.stdout


def test_reports_and_remove_on_the_command_line(tmp_path, two_folders):
    first, _ = two_folders
    index = tmp_path / "index"
    assert cli("ingest", str(first), "--index", str(index), *HASHING).returncode == 0
    rows = json.loads(cli("reports", "--index", str(index), *HASHING, "--json").stdout)["reports"]
    assert [r["file"] for r in rows] == ["xa_dong_0.txt", "xa_dong_1.txt", "xa_dong_2.txt"]
    for row in rows:
        assert row["chunks"] >= 1 and row["facts"] >= 2 and row["generation"] >= 1
        assert row["title"] and row["term"] == "2024" and row["ingested"] != "?"
    removed = cli("remove", "xa_dong_1.txt", str(first / "xa_dong_2.txt"), "--index", str(index), *HASHING)
    assert removed.returncode == 0 and "removed: xa_dong_1.txt" in removed.stdout
    assert indexed_files(index) == ["xa_dong_0.txt"]
    unknown = cli("remove", "khong_co.txt", "--index", str(index), *HASHING)
    assert unknown.returncode == 2 and "`report-assistant reports` lists" in unknown.stderr
    assert indexed_files(index) == ["xa_dong_0.txt"]


# (reports already recorded, then seconds more) when the ingest is killed: from its first vectors to its
# last report; each report takes seconds, so most points fall between a report's vectors and its record.
KILL_POINTS = ((0, 0.0), (0, 1.0), (1, 0.5), (2, 1.0), (3, 0.5))


def kill_at(proc: subprocess.Popen, index: Path, recorded: int, then: float) -> None:
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None and not _reached(index, recorded):
        time.sleep(0.05)
    time.sleep(then)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.communicate()


def _reached(index: Path, recorded: int) -> bool:
    """The store exists (0), or the manifest lists `recorded` reports."""
    if not recorded:
        return (index / "chroma").exists()
    return (index / "manifest.json").exists() and len(indexed_files(index)) >= recorded


def index_state(index: Path) -> dict:
    """What an index holds, comparable across runs: its reports with their hashes and chunk counts, the
    vector ids of each report, and an answer."""
    from assistant.engine import Engine
    from assistant.settings import Settings

    engine = Engine(Settings.from_env(index, embedder="hashing"))
    entries = engine.manifest_entries()
    vectors = {e["doc"]: sorted(engine.store.ids_for_doc(k)) for k, e in entries.items()}
    return {
        "reports": sorted((e["doc"], e["hash"], e["chunks"]) for e in entries.values()),
        "vectors": vectors,
        "total": engine.store.count(),
        # as a set of lines without their [n]: the four invented reports are near-twins, so their order
        # follows scores that tie, and the approximate vector index may break ties by insertion order
        "answer": sorted(
            re.sub(r"\[\d+\]", "", line)
            for line in engine.ask("Đã xử lý kỷ luật bao nhiêu đảng viên?").text.splitlines()
        ),
    }


def test_sigkill_during_ingest_then_ingest_again_equals_a_clean_ingest(tmp_path):
    reports = {f"xa_{i}.txt": commune_report(f"Bắc {i}", 60 + i, 5 + i, paragraphs=300) for i in range(4)}
    folder = write_reports(tmp_path / "r", reports)
    clean = tmp_path / "clean"
    assert cli("ingest", str(folder), "--index", str(clean), *HASHING).returncode == 0
    expected = index_state(clean)
    assert len(expected["reports"]) == 4

    killed_with_work_left = 0
    for recorded, then in KILL_POINTS:
        index = tmp_path / f"killed-{recorded}-{then}"
        proc = start_cli("ingest", str(folder), "--index", str(index), *HASHING)
        kill_at(proc, index, recorded, then)
        killed_with_work_left += len(indexed_files(index)) < len(reports)
        again = cli("ingest", str(folder), "--index", str(index), *HASHING)
        assert again.returncode == 0, again.stderr
        assert index_state(index) == expected, f"killed after {recorded} reports and {then} s"
    assert killed_with_work_left >= 4  # the kills did land mid-ingest


def test_a_locked_embedded_store_is_waited_for_and_other_failures_are_not(monkeypatch):
    """SQLite's "database is locked" while another process writes is momentary: the call is repeated.
    Any other failure reaches the user at once."""
    from vectorstore import store

    monkeypatch.setattr(store, "LOCKED_FIRST_PAUSE", 0.01)
    calls = []

    def busy_twice() -> str:
        calls.append(1)
        if len(calls) <= 2:
            raise RuntimeError("error returned from database: (code: 5) database is locked")
        return "done"

    assert store._until_unlocked(busy_twice) == "done" and len(calls) == 3

    def broken() -> None:
        calls.append(1)
        raise RuntimeError("no such table: collections")

    calls.clear()
    with pytest.raises(RuntimeError, match="no such table"):
        store._until_unlocked(broken)
    assert len(calls) == 1


def test_a_new_embedded_store_is_marked_ready_once_created(tmp_path):
    """Its folder appears before Chroma's tables exist, so others open it only once it is marked."""
    from assistant.engine import Engine
    from assistant.settings import Settings

    engine = Engine(Settings.from_env(tmp_path / "index", embedder="hashing"))
    assert engine.index.store_ready and engine.store.count() == 0


def test_a_scoped_search_ranks_the_scopes_vectors_as_chromas_filter_does(tmp_path):
    """Within a few reports the searcher compares their own vectors (fetched from the store once); within
    more, the archive's nearest filtered to them: both give Chroma's own filtered order (real store)."""
    from assistant.engine import Engine
    from assistant.settings import Settings
    from vectorstore import hybrid

    folder = write_reports(
        tmp_path / "reports",
        {f"xa_{n}.txt": commune_report(n, 10 + i, 3 + i, 3) for i, n in enumerate("ABCD")},
    )
    engine = Engine(Settings.from_env(tmp_path / "index", embedder="hashing"))
    engine.ingest([folder], show_progress=False)
    searcher = engine.snapshot.searcher
    scope = sorted(searcher.finders)[:2]
    vector = engine.embedder.embed_query("kết nạp đảng viên mới, kỷ luật đảng viên")
    dense, nearest = searcher._exact(vector, scope)
    chroma = engine.store.search(vector, hybrid.DEPTH, scope)
    assert [cid for cid, _ in dense] and {cid for cid, _ in dense} == {cid for cid, _ in chroma}
    assert all(abs(a - b) < 1e-5 for (_, a), (_, b) in zip(dense, chroma, strict=True))
    spans = searcher._spans(engine.store.search_sentences(vector, hybrid.SENTENCE_DEPTH, scope))
    assert nearest and sorted(n[:3] for n in nearest) == sorted(n[:3] for n in spans)
    assert {key for key, *_ in nearest} <= set(scope)
    overfetched = searcher._nearest_in(engine.store.search, vector, hybrid.DEPTH, scope)
    assert [cid for cid, _ in overfetched] == [cid for cid, _ in chroma]
