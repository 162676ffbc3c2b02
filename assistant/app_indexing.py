"""Indexing a reports folder in the background while the app already answers.

One file per `engine.ingest([file])` call: each call swaps in a new snapshot, so a question sees every report
finished so far. Progress (files done/total, chunks, estimated time left) goes to the terminal, one line per
file, and to the app's status line through `state()`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.engine import Engine
from ingest.errors import IndexBusyError, ReportAssistantError
from ingest.folders import scan_report_files

log = logging.getLogger("report_assistant.app")
BUSY_PATIENCE_SECONDS = 120  # another process (an `ingest` in a terminal) may hold the index for a while
BUSY_RETRY_SECONDS = 2.0


@dataclass(frozen=True)
class IndexingState:
    """What the status line and the terminal say about a background indexing run."""

    total: int
    done: int = 0
    failed: int = 0
    chunks_embedded: int = 0
    seconds_left: float | None = None  # None until one file has really been processed
    finished: bool = False
    stopped_by: str = ""  # why the run stopped early (the index is busy, an unexpected error)

    @property
    def running(self) -> bool:
        return not self.finished


def report_files(folder: Path) -> list[Path]:
    """The report files of a folder, in the order they are indexed; what cannot be a report (symlink
    loops, sockets, devices) is said once on the terminal."""
    scan = scan_report_files([folder])
    for path, reason in scan.skipped:
        print(f"  {reason}: {path}", flush=True)
    return list(scan.files)


def duration_text(seconds: float) -> str:
    """ "khoảng 2 phút 10 giây", rounded so that it does not flicker every second."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"khoảng {max(5, (seconds + 4) // 5 * 5)} giây"
    minutes, rest = divmod(seconds, 60)
    return f"khoảng {minutes} phút" + (f" {rest // 10 * 10} giây" if minutes < 5 and rest >= 10 else "")


class BackgroundIndexer:
    """Ingests `files` one by one in a daemon thread; `state()` is cheap and safe from any thread."""

    def __init__(self, engine: Engine, files: list[Path], out: Callable[[str], None] | None = None) -> None:
        self.engine = engine
        self.files = list(files)
        self._out = out or (lambda line: print(line, flush=True))
        self._lock = threading.Lock()
        self._state = IndexingState(total=len(self.files), finished=not self.files)
        self._thread: threading.Thread | None = None
        self._sizes = [_size(f) for f in self.files]
        self._worked_bytes = 0  # bytes of the files really processed (not the unchanged ones) ...
        self._worked_seconds = 0.0  # ... and the time they took: the rate behind the estimate
        self._said: set[str] = set()

    def start(self) -> None:
        if self._thread is None and self.files:
            self._thread = threading.Thread(target=self._run, name="report-indexer", daemon=True)
            self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """True once the run is over (for tests and scripts)."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self.state().finished

    def state(self) -> IndexingState:
        with self._lock:
            return self._state

    def _update(self, **changes) -> None:
        with self._lock:
            self._state = IndexingState(**{**self._state.__dict__, **changes})

    def _run(self) -> None:
        try:
            for number, path in enumerate(self.files, start=1):
                if not self._ingest_one(number, path):
                    break
        except Exception as exc:  # the app keeps running on what is indexed; the trace goes to the log
            log.exception("background indexing failed")
            self._out(f"Lập chỉ mục dừng vì lỗi không mong muốn: {exc}")
            self._update(stopped_by="lỗi không mong muốn (xem nhật ký máy chủ)")
        finally:
            self._update(finished=True, seconds_left=0.0)
            self._out(self._final_line())

    def _ingest_one(self, number: int, path: Path) -> bool:
        """Ingest one file and report it; False when the run must stop (another process holds the index)."""
        started = time.perf_counter()
        try:
            summary = self._ingest_when_free(number, path)
        except IndexBusyError as exc:
            self._out(f"[{number}/{len(self.files)}] {path.name}: dừng — {exc}")
            self._update(stopped_by=str(exc))
            return False
        except ReportAssistantError as exc:
            self._finish_file(number, path, f"không đọc được: {exc}", failed=True, chunks=0, worked=0.0)
            return True
        failed = bool(summary.failed)
        if failed:
            outcome = f"không đọc được: {summary.failed[0][1]}"
        elif summary.unchanged:
            outcome = "đã có, không đổi"
        else:
            outcome = "đã cập nhật" if summary.updated else "đã thêm"
        worked = 0.0 if summary.unchanged else time.perf_counter() - started
        self._finish_file(number, path, outcome, failed=failed, chunks=summary.chunks_embedded, worked=worked)
        return True

    def _ingest_when_free(self, number: int, path: Path):
        """Ingest one file; while another process writes the index, wait a while rather than give up."""
        deadline = time.monotonic() + BUSY_PATIENCE_SECONDS
        while True:
            try:
                return self.engine.ingest([path], show_progress=False)
            except IndexBusyError as exc:
                if time.monotonic() > deadline:
                    raise
                self._out_once(f"[{number}/{len(self.files)}] chỉ mục đang bận ({exc}); đang chờ…")
                time.sleep(BUSY_RETRY_SECONDS)

    def _out_once(self, line: str) -> None:
        if line not in self._said:
            self._said.add(line)
            self._out(line)

    def _finish_file(
        self, number: int, path: Path, outcome: str, *, failed: bool, chunks: int, worked: float
    ) -> None:
        if worked:
            self._worked_bytes += self._sizes[number - 1]
            self._worked_seconds += worked
        state = self.state()
        left = self._seconds_left(number)
        self._update(
            done=number,
            failed=state.failed + failed,
            chunks_embedded=state.chunks_embedded + chunks,
            seconds_left=left,
        )
        chunk_text = f", {chunks} đoạn" if chunks else ""
        eta = f"; còn {duration_text(left)}" if left and number < len(self.files) else ""
        self._out(
            f"[{number}/{len(self.files)}] {path.name}: {outcome}{chunk_text} "
            f"(tổng {state.chunks_embedded + chunks} đoạn đã nhúng){eta}"
        )

    def _seconds_left(self, done: int) -> float | None:
        """Remaining bytes at the rate of the files processed so far; None before any was processed."""
        if not self._worked_bytes:
            return None
        remaining = sum(self._sizes[done:])
        return self._worked_seconds / self._worked_bytes * remaining

    def _final_line(self) -> str:
        s = self.state()
        failed = f", {s.failed} tệp không đọc được" if s.failed else ""
        if s.stopped_by:
            return f"Lập chỉ mục dừng ở {s.done}/{s.total} báo cáo{failed}: {s.stopped_by}"
        return f"Đã lập chỉ mục xong {s.total} báo cáo ({s.chunks_embedded} đoạn mới{failed})."


def _size(path: Path) -> int:
    try:
        return max(1, path.stat().st_size)
    except OSError:
        return 1
