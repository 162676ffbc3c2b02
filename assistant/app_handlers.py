"""The chat app's handlers (ChatApp): questions, briefing notes, uploads and removals, bound to one engine."""

from __future__ import annotations

import html
import logging
import re
import secrets
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.app_indexing import BackgroundIndexer, IndexingState
from assistant.app_render import (
    CONTEXT_PLACEHOLDER,
    answer_markdown,
    api_text,
    chat_messages,
    context_html,
    escape_md,
)
from assistant.app_reports import (
    empty_message,
    indexing_message,
    report_choices,
    reports_table_html,
    status_html,
)
from assistant.app_safety import ACCEPTED, safe_filename, write_refusal
from assistant.app_turns import error_turn, export_choices, note_items, turn_from_answer
from assistant.engine import Engine
from assistant.export import to_docx, to_markdown
from assistant.tables import table_csv
from ingest.errors import ReportAssistantError
from ingest.glossary import looks_english
from ingest.loaders import SUPPORTED_EXTENSIONS
from ingest.pipeline import report_key
from ingest.types import TableRow

log = logging.getLogger("report_assistant.app")

CANCELLED = "__cancelled__"
CONFIRM_SECONDS = 120  # a removal token older than this is refused: the user confirms again
SAMPLE_NOTICE = {
    "vi": "⚠ Trả lời từ báo cáo MẪU hư cấu, không phải báo cáo thật.",
    "en": "⚠ Answered from FICTIONAL sample reports, not real reports.",
}
INDEXING_NOTICE = {
    "vi": "⏳ {progress} Câu trả lời chỉ dựa trên các báo cáo đã lập chỉ mục xong.",
    "en": "⏳ Indexing is still running ({done}/{total} reports); this answer uses only the reports done so far.",
}


class ChatApp:
    """The handlers, bound to one engine; plain methods so they can be tested without a browser."""

    def __init__(
        self,
        engine: Engine,
        uploads_dir: Path | None = None,
        max_upload_mb: int | None = None,
        *,
        samples: Engine | None = None,
        indexer: BackgroundIndexer | None = None,
        login_required: bool | None = None,
    ) -> None:
        self.real = engine  # the user's reports: uploads and removals always go here
        self.samples = samples  # the fictional samples' own engine, while the user has no reports
        self.indexer = indexer  # a reports folder being indexed in the background, if any
        self.login_required = bool(engine.settings.logins) if login_required is None else login_required
        self.uploads_dir = (uploads_dir or engine.settings.index_dir / "uploads").resolve()
        self.max_upload_mb = max_upload_mb or engine.settings.max_upload_mb
        self.notes_dir = Path(tempfile.gettempdir()) / "report-assistant-notes"
        self._switch = threading.Lock()

    @property
    def engine(self) -> Engine:
        """The engine questions are answered from: the samples only while the user has no reports."""
        return self.samples or self.real

    @property
    def showing_samples(self) -> bool:
        return self.samples is not None

    def use_real_reports(self) -> None:
        """The user has reports now: the samples leave the view for good (their own index is kept)."""
        with self._switch:
            if self.samples is not None:
                self.samples = None
                log.info("real reports added: the sample reports are no longer shown")

    def indexing_state(self) -> IndexingState | None:
        return self.indexer.state() if self.indexer else None

    # questions -----------------------------------------------------------------------------------------
    def answer_turn(self, question: str, turns: list[dict], reports: list[str] | None) -> dict:
        """One answer as a turn; a user-facing error becomes a turn that says what to do, never a trace."""
        samples = self.samples
        engine = samples or self.real  # one engine for the whole answer, even if the view switches meanwhile
        if not engine.records:
            return error_turn(question, empty_message(self.indexing_state()))
        if not question.strip():
            return error_turn(question, "Câu hỏi đang trống: hãy nhập một câu hỏi về các báo cáo.")
        history = [{"q": t["q"], "a": t["a"]} for t in turns if not t["error"]]
        try:
            answer = engine.ask(question, history, reports or None)
        except ReportAssistantError as exc:
            return error_turn(question, f"Không trả lời được: {exc}")
        except Exception:  # a bug must not show a stack trace to the user; it goes to the server log
            log.exception("answering %r failed", question)
            return error_turn(
                question, "Đã xảy ra lỗi không mong muốn; chi tiết đã được ghi vào nhật ký máy chủ."
            )
        from_samples = samples is not None or self._cites_legacy_sample(engine, answer)
        notice = self.notice(question, from_samples)
        return turn_from_answer(engine, question, answer, notice, samples=from_samples)

    def notice(self, question: str, from_samples: bool) -> list[str]:
        """What the answer must say first: drawn from fictional samples; the index is still being built."""
        lang = "en" if looks_english(question) else "vi"
        if from_samples:
            return [SAMPLE_NOTICE[lang]]
        state = self.indexing_state()
        if state is not None and state.running:
            return [
                INDEXING_NOTICE[lang].format(
                    progress=indexing_message(state), done=state.done, total=state.total
                )
            ]
        return []

    def _cites_legacy_sample(self, engine: Engine, answer) -> bool:
        """A sample copied into the real index by an old version (removed on `serve`) is still a sample."""
        legacy = (engine.settings.index_dir / "samples").resolve()
        for c in answer.citations:
            record = engine.records.get(c.doc_key)
            if record and Path(record.source).resolve().parent == legacy:
                return True
        return False

    def respond(self, question: str, turns: list[dict] | None, reports: list[str] | None) -> Iterator[tuple]:
        """Stream one answer into the chat: the question at once, the answer in pieces, then its sources."""
        turns = list(turns or [])
        question = (question or "").strip()
        if not question:
            yield chat_messages(turns), turns, "", gr.update(), gr.update()
            return
        pending = [*chat_messages(turns), {"role": "user", "content": escape_md(question)}]
        yield (
            [*pending, {"role": "assistant", "content": "_Đang tìm trong các báo cáo…_"}],
            turns,
            "",
            gr.update(),
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
                    gr.update(),
                )
        turns = [*turns, turn]
        picks = gr.update(choices=export_choices(turns), value=[])
        yield chat_messages(turns), turns, "", picks, self.table_download(turn)

    def table_download(self, turn: dict) -> dict:
        """The download of the answer's table as CSV, shown while the latest answer has one."""
        path = self.write_table(turn)
        return gr.update(value=path, visible=path is not None)

    def write_table(self, turn: dict) -> str | None:
        """The answer's whole table (every report, not only the rows shown) as a CSV file."""
        rows = [TableRow(**row) for row in turn.get("table") or []]
        if not rows:
            return None
        folder = self.notes_dir / uuid.uuid4().hex
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"bang_so_lieu_{datetime.now():%Y%m%d_%H%M%S}.csv"
        path.write_text(table_csv(rows), encoding="utf-8-sig")  # the mark makes spreadsheets read UTF-8
        return str(path)

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
        engine, samples = self.engine, self.showing_samples
        choices = report_choices(engine)
        keys = {k for _, k in choices}
        kept = [k for k in (selected or []) if k in keys]
        return (
            status_html(engine, samples, self.indexing_state()),
            reports_table_html(engine, samples),
            gr.update(choices=choices, value=kept),
            gr.update(choices=[] if samples else choices, value=None),  # samples are not the user's to remove
        )

    def status_tick(self, selected: list[str] | None, seen: int | None) -> tuple:
        """The timer's poll while a folder is indexed: the status line always (it is cheap), the lists only
        when a report was added; the timer stops once indexing is over."""
        state = self.indexing_state()
        count = len(self.engine.records)
        running = state is not None and state.running
        if count == seen and running:
            status = status_html(self.engine, self.showing_samples, state)
            return (status, gr.update(), gr.update(), gr.update(), seen, gr.Timer(active=True))
        return (*self.panel_updates(selected), count, gr.Timer(active=running))

    def load_updates(self, selected: list[str] | None = None) -> tuple:
        """A page opens: the panel, and the status timer on while a folder is being indexed."""
        state = self.indexing_state()
        running = state is not None and state.running
        return (*self.panel_updates(selected), len(self.engine.records), gr.Timer(active=running))

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

    def _store_all(
        self, files: list[str] | None, results: list[tuple[str, str, bool]]
    ) -> dict[str, tuple[Path, bytes | None]]:
        """Check and store each upload; refusals go to `results`. {stored name: (path, previous bytes)}."""
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
        return stored

    def add_files(self, files: list[str] | None, progress: Any = None) -> list[tuple[str, str, bool]]:
        """Check, store and ingest uploaded files into the real index (never the samples'); (file name,
        result, ok) for each, in Vietnamese."""
        results: list[tuple[str, str, bool]] = []
        stored = self._store_all(files, results)
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
        try:
            summary = self.real.ingest([dest for dest, _ in stored.values()], on_file=on_file)
        except ReportAssistantError as exc:  # e.g. another process is writing the index: nothing was added
            for name, (dest, previous) in stored.items():
                _restore(dest, previous)
                results.append((name, f"Không thêm được: {exc}", False))
            return results
        failed = {Path(f).name: reason for f, reason in summary.failed}
        for name, (dest, previous) in stored.items():
            if name in failed:
                _restore(dest, previous)
                results.append((name, f"Không đọc được: {failed[name]}", False))
                continue
            record = self.real.records.get(report_key(dest))
            chunks = f" ({len(record.chunks)} đoạn)" if record else ""
            verb = (
                "Đã cập nhật"
                if name in summary.updated
                else "Đã có sẵn, không đổi"
                if name in summary.unchanged
                else "Đã thêm"
            )
            results.append((name, f"{verb}{chunks}.", True))
        if self.real.records:
            self.use_real_reports()
        return results

    def upload(
        self,
        files: list[str] | None,
        selected: list[str] | None,
        request: gr.Request,
        progress=gr.Progress(),  # noqa: B008
    ) -> tuple:
        refusal = write_refusal(request, self.login_required)
        if refusal:
            return (_fail(refusal), *self.panel_updates(selected), None)
        results = self.add_files(files, progress)
        items = "".join(
            f'<li class="{"ra-ok" if ok else "ra-fail"}"><b>{html.escape(name)}</b>: {html.escape(text)}</li>'
            for name, text, ok in results
        )
        result_html = f'<ul class="ra-upload-results">{items}</ul>' if items else ""
        return (result_html, *self.panel_updates(selected), None)

    def request_removal(self, key: str | None, request: gr.Request) -> tuple[str, dict | None, str]:
        """Removal, step one: remember a one-time token for the chosen report in this session's server-side
        state and hand it to the page, which asks the user to confirm and sends it back (step two).
        Returns (message, pending state, token)."""
        refusal = write_refusal(request, self.login_required)
        if refusal:
            return (_fail(refusal), None, "")
        if self.showing_samples:
            return (_fail("Báo cáo mẫu không xoá được; chúng tự ẩn khi bạn thêm báo cáo thật."), None, "")
        if not key or key not in self.real.records:
            return (_fail("Hãy chọn một báo cáo trong danh sách."), None, "")
        token = secrets.token_urlsafe(24)
        pending = {"key": key, "token": token, "expires": time.time() + CONFIRM_SECONDS}
        return ("", pending, token)

    def remove(
        self, token: str | None, pending: dict | None, selected: list[str] | None, request: gr.Request
    ) -> tuple:
        """Removal, step two: only the token step one stored for this session removes its report, once.
        Returns (message, pending state (cleared), token box (cleared), *panel)."""
        message = self._confirmed_removal(token or "", pending, request)
        return (message, None, "", *self.panel_updates(selected))

    def _confirmed_removal(self, token: str, pending: dict | None, request: Any) -> str | Any:
        refusal = write_refusal(request, self.login_required)
        if refusal:
            return _fail(refusal)
        if token == CANCELLED:
            return ""
        if not token:
            return gr.update()  # step one said why there is nothing to confirm
        if not pending or not secrets.compare_digest(str(pending.get("token", "")), token):
            return _fail("Xác nhận không hợp lệ: hãy chọn báo cáo và bấm «Xoá» lại.")
        if time.time() > float(pending.get("expires", 0)):
            return _fail("Xác nhận đã hết hạn: hãy bấm «Xoá» lại.")
        return self.remove_key(str(pending["key"]))

    def remove_key(self, key: str) -> str:
        """Remove one report from the real index (after the confirmation); an HTML result line."""
        record = self.real.records.get(key)
        if record is None:
            return _fail("Hãy chọn một báo cáo trong danh sách.")
        title = record.meta.title or record.meta.doc
        try:
            self.real.remove_report(key)
        except ReportAssistantError as exc:
            return _fail(f"Không xoá được: {exc}")
        source = Path(record.source).resolve()
        if source.parent == self.uploads_dir and source.is_file():
            source.unlink()  # our own copy of an upload; files elsewhere belong to the user
        return f'<div class="ra-ok">Đã xoá «{html.escape(title)}» khỏi chỉ mục.</div>'


def _fail(text: str) -> str:
    return f'<div class="ra-fail">{html.escape(text)}</div>'


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
