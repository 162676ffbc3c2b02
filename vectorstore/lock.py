"""One writer per index, across processes: an advisory lock on `<index>/writer.lock`.

Ingest, upload, removal and prune hold it while they change the index; questions never take it (they read
the manifest, which is only ever replaced whole). The operating system releases the lock when its holder
dies, even by SIGKILL, so a crashed ingest never leaves the index locked. The file also says who holds
it, so a second writer can be told "by PID N since HH:MM".
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from datetime import datetime
from pathlib import Path
from types import TracebackType

from ingest.errors import IndexBusyError

LOCK_NAME = "writer.lock"
WAIT_POLL_SECONDS = 0.2


class WriterLock:
    """`with WriterLock(index_root): …` — raises IndexBusyError when another writer holds the index,
    or waits for it when `wait` is true."""

    def __init__(self, root: Path, wait: bool = False) -> None:
        self.path = root / LOCK_NAME
        self.wait = wait
        self._handle = None

    def __enter__(self) -> WriterLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held until __exit__
        try:
            while not _try_lock(handle):
                if not self.wait:
                    raise IndexBusyError(busy_message(self.path))
                time.sleep(WAIT_POLL_SECONDS)
        except BaseException:
            handle.close()
            raise
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "since": time.time()}))
        handle.flush()
        self._handle = handle
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        handle, self._handle = self._handle, None
        if handle is None:
            return
        handle.seek(0)
        handle.truncate()
        handle.flush()
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def _try_lock(handle) -> bool:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def busy_message(path: Path) -> str:
    """Who holds the index, for the second writer."""
    try:
        holder = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        holder = {}
    pid = holder.get("pid", "?")
    since = datetime.fromtimestamp(holder["since"]).strftime("%H:%M") if "since" in holder else "?"
    return (
        f"the index at {path.parent} is being updated by PID {pid} since {since}; "
        "try again when it finishes (or pass --wait to wait for it)."
    )
