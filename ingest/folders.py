"""Files and folders -> the report files in them, with every entry that cannot be a report passed over
with a reason instead of stopping the batch.

Folders are walked recursively, following symlinked folders once each (a link back to an ancestor is a
loop and is reported, not followed). Only regular files are read: a socket, device or FIFO named
"x.txt" would block or never end. Hidden entries and Office lock files ("~$report.docx") are skipped
silently, as the user never meant them. A file named explicitly is kept whatever its extension, so the
loader can say why it fails instead of it vanishing.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from ingest.loaders import SUPPORTED_EXTENSIONS
from ingest.types import FileScan


def scan_report_files(paths: Iterable[Path]) -> FileScan:
    """Report files (sorted, each real file once) and the entries passed over, with why."""
    found: dict[Path, Path] = {}
    skipped: list[tuple[str, str]] = []
    for path in map(Path, paths):
        for file in _walk(path, skipped) if _is_folder(path) else [path]:
            reason = unreadable_reason(file)
            if reason:
                skipped.append((str(file), reason))
            else:
                found.setdefault(file.resolve(), file)
    return FileScan(files=tuple(sorted(found.values())), skipped=tuple(skipped))


def iter_report_files(paths: Iterable[Path]) -> list[Path]:
    """The report files only (see scan_report_files)."""
    return list(scan_report_files(paths).files)


def unreadable_reason(path: Path) -> str | None:
    """Why this entry cannot be read as a file, or None. Missing files are the loader's to report."""
    try:
        st = path.stat()  # follows links: a loop raises ELOOP here
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "skipped: a symbolic link loop (the link points back to itself)"
        if exc.errno == errno.ENOENT:
            return None if not path.is_symlink() else "skipped: a broken symbolic link"
        return f"skipped: cannot be read ({exc.strerror or exc})"
    if not stat.S_ISREG(st.st_mode):
        return None if stat.S_ISDIR(st.st_mode) else f"skipped: not a regular file ({_kind(st.st_mode)})"
    if not os.access(path, os.R_OK):
        return "skipped: cannot be read (permission denied); check its permissions"
    return None


def _kind(mode: int) -> str:
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"


def _is_folder(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # a loop named directly: unreadable_reason says so
        return False


def _walk(root: Path, skipped: list[tuple[str, str]]) -> list[Path]:
    """Report-named entries under root; symlinked folders followed once, loops reported."""
    out: list[Path] = []
    seen: set[tuple[int, int]] = set()
    pending = [root]
    while pending:
        folder = pending.pop()
        try:
            st = folder.stat()
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            skipped.append((str(folder), _folder_reason(exc)))
            continue
        if (st.st_dev, st.st_ino) in seen:
            skipped.append(
                (
                    str(folder),
                    "skipped: already walked (a symbolic link loop, or a second link to this folder)",
                )
            )
            continue
        seen.add((st.st_dev, st.st_ino))
        for entry in entries:
            if entry.name.startswith((".", "~$")):
                continue
            path = Path(entry.path)
            if _is_folder(path):
                pending.append(path)
            elif path.suffix.lower() in SUPPORTED_EXTENSIONS:
                out.append(path)
            elif path.is_symlink() and (reason := unreadable_reason(path)) and "loop" in reason:
                skipped.append((str(path), reason))  # whatever its name, a loop is worth a line
    return out


def _folder_reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "skipped: a symbolic link loop"
    return f"skipped: the folder cannot be read ({exc.strerror or exc})"
