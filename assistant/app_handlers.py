"""The chat app's handlers (ChatApp): questions, briefing notes, uploads and removals, bound to one engine."""

from __future__ import annotations

import html
import logging
import re
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.app_render import (
    CONTEXT_PLACEHOLDER,
    answer_markdown,
    api_text,
    chat_messages,
    context_html,
    escape_md,
)
from assistant.app_reports import EMPTY_INDEX_MESSAGE, report_choices, reports_table_html, status_html
from assistant.app_safety import ACCEPTED, safe_filename
from assistant.app_turns import error_turn, export_choices, note_items, turn_from_answer
from assistant.engine import Engine
from assistant.export import to_docx, to_markdown
from ingest.errors import ReportAssistantError
from ingest.loaders import SUPPORTED_EXTENSIONS
from ingest.pipeline import report_key

log = logging.getLogger("report_assistant.app")

CANCELLED = "__cancelled__"


class ChatApp:
    """The handlers, bound to one engine; plain methods so they can be tested without a browser."""

    def __init__(
        self, engine: Engine, uploads_dir: Path | None = None, max_upload_mb: int | None = None
    ) -> None:
        self.engine = engine
        self.uploads_dir = (uploads_dir or engine.settings.index_dir / "uploads").resolve()
        self.max_upload_mb = max_upload_mb or engine.settings.max_upload_mb
        self.notes_dir = Path(tempfile.gettempdir()) / "report-assistant-notes"

    # questions -----------------------------------------------------------------------------------------
    def answer_turn(self, question: str, turns: list[dict], reports: list[str] | None) -> dict:
        """One answer as a turn; a user-facing error becomes a turn that says what to do, never a trace."""
        if not self.engine.records:
            return error_turn(question, EMPTY_INDEX_MESSAGE)
        if not question.strip():
            return error_turn(question, "Câu hỏi đang trống: hãy nhập một câu hỏi về các báo cáo.")
        history = [{"q": t["q"], "a": t["a"]} for t in turns if not t["error"]]
        try:
            answer = self.engine.ask(question, history, reports or None)
        except ReportAssistantError as exc:
            return error_turn(question, f"Không trả lời được: {exc}")
        except Exception:  # a bug must not show a stack trace to the user; it goes to the server log
            log.exception("answering %r failed", question)
            return error_turn(
                question, "Đã xảy ra lỗi không mong muốn; chi tiết đã được ghi vào nhật ký máy chủ."
            )
        return turn_from_answer(self.engine, question, answer)

    def respond(self, question: str, turns: list[dict] | None, reports: list[str] | None) -> Iterator[tuple]:
        """Stream one answer into the chat: the question at once, the answer in pieces, then its sources."""
        turns = list(turns or [])
        question = (question or "").strip()
        if not question:
            yield chat_messages(turns), turns, "", gr.update()
            return
        pending = [*chat_messages(turns), {"role": "user", "content": escape_md(question)}]
        yield (
            [*pending, {"role": "assistant", "content": "_Đang tìm trong các báo cáo…_"}],
            turns,
            "",
            gr.update(),
        )
        turn = self.answer_turn(question, turns, reports)
        index = len(turns)
        if not turn["error"]:
            for partial in _pieces(turn["a"]):
                yield (
                    [*pending, {"role": "assistant", "content": answer_markdown(index, turn, partial)}],
                    turns,
                    "",
                    gr.update(),
                )
        turns = [*turns, turn]
        yield chat_messages(turns), turns, "", gr.update(choices=export_choices(turns), value=[])

    def open_citation(self, turns: list[dict] | None, evt: gr.EventData) -> str:
        ref = str((getattr(evt, "_data", None) or {}).get("ref", ""))
        m = re.fullmatch(r"(\d+)-(\d+)", ref)
        turns = turns or []
        if not m or int(m.group(1)) >= len(turns):
            return CONTEXT_PLACEHOLDER
        turn = turns[int(m.group(1))]
        source = next((s for s in turn["sources"] if s["n"] == int(m.group(2))), None)
        return context_html(self.engine, turn, source) if source else CONTEXT_PLACEHOLDER

    def ask_api(self, question: str) -> str:
        """Answer one question about the indexed reports; the answer text is followed by its sources."""
        turn = self.answer_turn((question or "").strip(), [], None)
        if turn["error"]:
            raise gr.Error(turn["a"])
        return api_text(self.engine, turn)

    # briefing notes ------------------------------------------------------------------------------------
    def export(self, turns: list[dict] | None, picked: list[int] | None) -> dict:
        paths = self.write_note(turns or [], picked)
        if not paths:
            gr.Warning("Chưa có câu trả lời nào để xuất. Hãy đặt câu hỏi trước.")
        return gr.update(value=paths, visible=bool(paths))

    def write_note(self, turns: list[dict], picked: list[int] | None) -> list[str] | None:
        """The briefing note as DOCX and Markdown files in a fresh temporary folder."""
        items = note_items(turns, picked)
        if not items:
            return None
        folder = self.notes_dir / uuid.uuid4().hex
        folder.mkdir(parents=True, exist_ok=True)
        stem = f"ghi_chu_tom_tat_{datetime.now():%Y%m%d_%H%M}"
        docx_path = to_docx(items, folder / f"{stem}.docx")
        md_path = folder / f"{stem}.md"
        md_path.write_text(to_markdown(items), encoding="utf-8")
        return [str(docx_path), str(md_path)]

    # reports -------------------------------------------------------------------------------------------
    def panel_updates(self, selected: list[str] | None = None) -> tuple:
        """Status line, reports table, filter and removal lists, after anything changed the index."""
        choices = report_choices(self.engine)
        keys = {k for _, k in choices}
        kept = [k for k in (selected or []) if k in keys]
        return (
            status_html(self.engine),
            reports_table_html(self.engine),
            gr.update(choices=choices, value=kept),
            gr.update(choices=choices, value=None),
        )

    def check_upload(self, path: Path) -> str | None:
        """Why an uploaded file is refused, or None."""
        if path.suffix.lower() not in SUPPORTED_EXTENSIONS:
            return f"loại tệp không được nhận (chỉ nhận {', '.join(ACCEPTED)})"
        size = path.stat().st_size
        if size > self.max_upload_mb * 1024 * 1024:
            return f"tệp quá lớn ({size / 1048576:.1f} MB; tối đa {self.max_upload_mb} MB)"
        if size == 0:
            return "tệp rỗng"
        return None

    def store_upload(self, path: Path) -> Path:
        """Copy an upload into the uploads folder under a safe name; the result cannot leave that folder."""
        name = safe_filename(path.name)
        self.uploads_dir.mkdir(parents=True, exist_ok=True)
        dest = (self.uploads_dir / name).resolve()
        if dest.parent != self.uploads_dir:
            raise ReportAssistantError(f"The file name {path.name!r} is not usable.")
        shutil.copyfile(path, dest)
        return dest

    def add_files(self, files: list[str] | None, progress: Any = None) -> list[tuple[str, str, bool]]:
        """Check, store and ingest uploaded files; (file name, result, ok) for each, in Vietnamese."""
        results: list[tuple[str, str, bool]] = []
        stored: dict[str, tuple[Path, bytes | None]] = {}
        for raw in files or []:
            path = Path(raw)
            reason = self.check_upload(path)
            if reason:
                results.append((path.name, f"Bị từ chối: {reason}.", False))
                continue
            try:
                name = safe_filename(path.name)
                previous = (
                    (self.uploads_dir / name).read_bytes() if (self.uploads_dir / name).is_file() else None
                )
                dest = self.store_upload(path)
            except (ReportAssistantError, OSError) as exc:
                results.append((path.name, f"Bị từ chối: {exc}", False))
                continue
            stored[dest.name] = (dest, previous)
        if not stored:
            return results
        total, done = len(stored), 0

        def on_file(name: str, status: str) -> None:
            nonlocal done
            done += 1
            if progress is not None:
                progress((done, total), desc=f"Đã xử lý {name}")

        if progress is not None:
            progress((0, total), desc="Đang đọc và lập chỉ mục…")
        summary = self.engine.ingest([dest for dest, _ in stored.values()], on_file=on_file)
        failed = {Path(f).name: reason for f, reason in summary.failed}
        for name, (dest, previous) in stored.items():
            if name in failed:
                _restore(dest, previous)
                results.append((name, f"Không đọc được: {failed[name]}", False))
                continue
            record = self.engine.records.get(report_key(dest))
            chunks = f" ({len(record.chunks)} đoạn)" if record else ""
            verb = (
                "Đã cập nhật"
                if name in summary.updated
                else "Đã có sẵn, không đổi"
                if name in summary.unchanged
                else "Đã thêm"
            )
            results.append((name, f"{verb}{chunks}.", True))
        return results

    def upload(self, files: list[str] | None, selected: list[str] | None, progress=gr.Progress()) -> tuple:  # noqa: B008
        results = self.add_files(files, progress)
        items = "".join(
            f'<li class="{"ra-ok" if ok else "ra-fail"}"><b>{html.escape(name)}</b>: {html.escape(text)}</li>'
            for name, text, ok in results
        )
        result_html = f'<ul class="ra-upload-results">{items}</ul>' if items else ""
        return (result_html, *self.panel_updates(selected), None)

    def remove(self, key: str | None, selected: list[str] | None) -> tuple:
        if key == CANCELLED:
            return ("", *self.panel_updates(selected))
        if not key or key not in self.engine.records:
            return (
                '<div class="ra-fail">Hãy chọn một báo cáo trong danh sách.</div>',
                *self.panel_updates(selected),
            )
        record = self.engine.records[key]
        title = record.meta.title or record.meta.doc
        try:
            self.engine.remove_report(key)
        except ReportAssistantError as exc:
            return (
                f'<div class="ra-fail">Không xoá được: {html.escape(str(exc))}</div>',
                *self.panel_updates(selected),
            )
        source = Path(record.source).resolve()
        if source.parent == self.uploads_dir and source.is_file():
            source.unlink()  # our own copy of an upload; files elsewhere belong to the user
        message = f'<div class="ra-ok">Đã xoá «{html.escape(title)}» khỏi chỉ mục.</div>'
        return (message, *self.panel_updates(selected))


def _restore(dest: Path, previous: bytes | None) -> None:
    """A failed upload leaves the uploads folder as it was."""
    try:
        if previous is None:
            dest.unlink(missing_ok=True)
        else:
            dest.write_bytes(previous)
    except OSError:
        log.warning("could not restore %s", dest)


def _pieces(text: str, words_per_piece: int = 6) -> Iterator[str]:
    """Growing prefixes of the answer, a few words at a time, for the streamed display."""
    words = re.split(r"(\s+)", text)
    step = words_per_piece * 2
    for end in range(step, len(words), step):
        yield "".join(words[:end])
        time.sleep(0.02)
