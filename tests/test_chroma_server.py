"""Server mode: a real Chroma server started (and stopped) by the test on 127.0.0.1."""

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    chroma = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    if not Path(chroma).exists():
        pytest.skip("the chroma command-line server is not installed")
    port = free_port()
    proc = subprocess.Popen(
        [chroma, "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1)
                break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("the Chroma server did not start within 60 s")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_ingest_and_search_through_a_chroma_server(tmp_path, chroma_server, fake_embedder):
    from assistant.engine import Engine
    from assistant.settings import Settings

    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "a.txt").write_text("I. KIỂM TRA\nĐã xử lý kỷ luật 3 đảng viên.\n", encoding="utf-8")
    (folder / "b.txt").write_text("I. KẾT NẠP\nKết nạp 339 đảng viên mới.\n", encoding="utf-8")
    settings = Settings.from_env(tmp_path / "index", chroma_url=chroma_server)
    engine = Engine(settings, embedder=fake_embedder)
    summary = engine.ingest([folder], show_progress=False)
    assert sorted(summary.added) == ["a.txt", "b.txt"]
    assert not (tmp_path / "index" / "chroma").exists()  # vectors live on the server
    assert engine.store.count() == len(engine.chunks)
    assert "339" in engine.search("ket nap dang vien moi", k=1)[0].chunk.text

    reopened = Engine(settings, embedder=fake_embedder)
    assert reopened.store.count() == len(engine.chunks)
