"""The chat app (Gradio): questions with streamed, cited answers; the reports panel; briefing-note export.

Vietnamese by default. Safe by default: bound to loopback, never shared, login required off loopback,
report text and user input always rendered as text, uploads checked (type, size, name) and kept inside
the index directory. The engine is handed in finished; this module only presents it.
"""

from __future__ import annotations

import html
import ipaddress
import logging
import os
import re
import shutil
import sys
import tempfile
import threading
import time
import unicodedata
import uuid
from collections.abc import Iterator, Mapping
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.engine import Engine
from assistant.errors import ConfigError, ReportAssistantError
from assistant.export import NoteItem, NoteSource, term_label, to_docx, to_markdown
from assistant.types import Answer
from ingest.loaders import SUPPORTED_EXTENSIONS
from ingest.numbers import numbers_in, same_number
from vectorstore.index import doc_key_for

log = logging.getLogger("report_assistant.app")

APP_TITLE = "Trợ lý báo cáo"
STATIC_DIR = Path(__file__).resolve().parent / "static"
DEFAULT_MAX_UPLOAD_MB = 20
ACCEPTED = sorted(SUPPORTED_EXTENSIONS)
EXAMPLES = [
    "Có bao nhiêu đảng viên bị kỷ luật?",
    "Kết nạp được bao nhiêu đảng viên mới?",
    "Những hạn chế, khuyết điểm chủ yếu là gì?",
    "Bài học kinh nghiệm rút ra là gì?",
    "How many party members were disciplined?",
]
KIND_LABELS = {
    "term_review": "Kiểm điểm/tổng kết nhiệm kỳ",
    "midterm_review": "Sơ kết giữa nhiệm kỳ",
    "annual_summary": "Tổng kết năm",
    "thematic_review": "Sơ kết/tổng kết chuyên đề",
    "news": "Tin tức",
    "report": "Báo cáo",
}
EMPTY_INDEX_MESSAGE = (
    "Chưa có báo cáo nào trong chỉ mục. Mở thẻ «Báo cáo» để tải báo cáo lên "
    f"({', '.join(ACCEPTED)}), rồi hỏi lại."
)
CONTEXT_PLACEHOLDER = (
    '<div class="ra-ctx-empty">Bấm vào số <b>[1]</b>, <b>[2]</b>… trong câu trả lời hoặc vào tên một nguồn '
    "để xem đoạn văn đó trong báo cáo.</div>"
)
# Clicks on citation links anywhere on the page reach Python through this panel's trigger. Registered
# once per page (capture phase, before the link's own navigation); the latest trigger is kept.
CONTEXT_JS = """
window.__raOpen = (ref) => trigger('click', {ref: ref});
if (!window.__raClickBound) {
  window.__raClickBound = true;
  document.addEventListener('click', (ev) => {
    const link = ev.target && ev.target.closest ? ev.target.closest('a[href*="#ra-cite-"]') : null;
    if (!link) return;
    ev.preventDefault();
    ev.stopPropagation();
    window.__raOpen(link.getAttribute('href').split('#ra-cite-')[1]);
  }, true);
}
"""
CONFIRM_REMOVE_JS = """(key, selected) => [key ? (confirm('Xoá báo cáo đã chọn khỏi chỉ mục? Có thể thêm lại bằng cách tải tệp lên.') ? key : '__cancelled__') : key, selected]"""
CANCELLED = "__cancelled__"
_MARKER_RE = re.compile(r"\[(\d{1,3})\]")
_BOLD_RE = re.compile(r"\*\*.+?\*\*")
_MD_ANSWER_SPECIAL_RE = re.compile(r"([\\`_{}\[\]()#!|~>$])")
_MD_SPECIAL_RE = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>$])")
_WORD_AFTER_RE = re.compile(r"\s*([^\W\d_]+)")
_UNSAFE_NAME_RE = re.compile(r"[^\w .()\-]", re.UNICODE)


# --- safety helpers ----------------------------------------------------------------------------------
def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def load_auth(env: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """Logins from REPORT_ASSISTANT_USER/REPORT_ASSISTANT_PASSWORD or REPORT_ASSISTANT_AUTH_FILE ("user:pw" lines)."""
    env = os.environ if env is None else env
    logins: list[tuple[str, str]] = []
    user, password = env.get("REPORT_ASSISTANT_USER", ""), env.get("REPORT_ASSISTANT_PASSWORD", "")
    if user or password:
        if not (user and password):
            raise ConfigError("Set both REPORT_ASSISTANT_USER and REPORT_ASSISTANT_PASSWORD, or neither.")
        logins.append((user, password))
    auth_file = env.get("REPORT_ASSISTANT_AUTH_FILE", "")
    if auth_file:
        logins += _read_auth_file(Path(auth_file).expanduser())
    return logins


def _read_auth_file(path: Path) -> list[tuple[str, str]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"Cannot read the login file {path}: {exc}") from exc
    logins = []
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        user, sep, password = line.partition(":")
        if not (sep and user.strip() and password):
            raise ConfigError(f'{path}:{number}: expected "username:password".')
        logins.append((user.strip(), password))
    if not logins:
        raise ConfigError(f"The login file {path} has no 'username:password' line.")
    return logins


def resolve_auth(host: str, env: Mapping[str, str] | None = None) -> list[tuple[str, str]] | None:
    """Login is optional on loopback and required anywhere else; refuse to start without it."""
    logins = load_auth(env)
    if not logins and not is_loopback(host):
        raise ConfigError(
            f"--host {host} makes the app reachable from other machines, so a login is required: set "
            "REPORT_ASSISTANT_USER and REPORT_ASSISTANT_PASSWORD, or REPORT_ASSISTANT_AUTH_FILE "
            "(a file of 'username:password' lines)."
        )
    return logins or None


def safe_filename(name: str) -> str:
    """A plain file name from an uploaded one: no folders, no "..", no control or shell characters.

    Vietnamese letters are kept. Raises ReportAssistantError when nothing usable is left.
    """
    base = unicodedata.normalize("NFC", name.replace("\\", "/").split("/")[-1])
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = _UNSAFE_NAME_RE.sub("_", base).strip(" .")
    stem, suffix = os.path.splitext(base)
    if not stem or set(stem) <= {".", "_", " "}:
        raise ReportAssistantError(f"The file name {name!r} is not usable; rename the file and try again.")
    return stem[:120].rstrip(" .") + suffix.lower()


def escape_md(text: str) -> str:
    """Text for a Markdown message, shown as typed: HTML escaped and Markdown punctuation backslashed."""
    return _MD_SPECIAL_RE.sub(r"\\\1", html.escape(text, quote=False))


def escape_md_keep_format(text: str) -> str:
    """Answer text: the engine's **bold** and "- " bullets kept, everything else shown as typed, so a quoted
    report sentence cannot become markup, a link or an image fetched from elsewhere."""
    return _MD_ANSWER_SPECIAL_RE.sub(r"\\\1", html.escape(text, quote=False))


def figure_values(answer: str, n: int | None = None) -> list[tuple[float, str]]:
    """The figures an answer states (for source n: in the lines citing [n]) with the word after each;
    report labels (bold) and markers are left out."""
    lines = answer.splitlines()
    if n is not None:
        cited = [ln for ln in lines if f"[{n}]" in ln]
        lines = cited or lines
    text = _MARKER_RE.sub(" ", _BOLD_RE.sub(" ", "\n".join(lines)))
    return [(value, _word_after(text, end)) for value, _start, end, _raw in numbers_in(text)]


def _word_after(text: str, end: int) -> str:
    m = _WORD_AFTER_RE.match(text, end)
    return m.group(1).lower() if m else ""


def highlight(text: str, figures: list[tuple[float, str]] | list[float], escape=html.escape) -> str:
    """Escaped text with the cited figures wrapped in <mark>. Where a figure's value occurs several times,
    the occurrences followed by the same word as in the answer win ("3 trường hợp", not "con thứ 3")."""
    found = [(value, start, end, _word_after(text, end)) for value, start, end, _raw in numbers_in(text)]
    chosen: set[int] = set()
    for figure in figures:
        value, word = figure if isinstance(figure, tuple) else (figure, "")
        same = [start for v, start, _end, _w in found if same_number(v, value)]
        strong = [start for v, start, _end, w in found if same_number(v, value) and word and w == word]
        chosen.update(strong or same)
    out: list[str] = []
    pos = 0
    for _value, start, end, _word in found:
        if start in chosen:
            out.append(escape(text[pos:start]))
            out.append(f'<mark class="ra-fig">{escape(text[start:end])}</mark>')
            pos = end
    out.append(escape(text[pos:]))
    return "".join(out)


def context_span(
    text: str, start: int, end: int, min_chars: int = 400, max_chars: int = 3000
) -> tuple[int, int]:
    """The paragraph around [start, end), widened by a paragraph each side while it is short."""
    s = text.rfind("\n", 0, start) + 1
    e = text.find("\n", end)
    e = len(text) if e < 0 else e
    while e - s < min_chars and (s > 0 or e < len(text)):
        s2 = _previous_paragraph_start(text, s)
        e2 = _next_paragraph_end(text, e)
        if (s2, e2) == (s, e):
            break
        s, e = s2, e2
    if e - s > max_chars:  # a huge paragraph: keep a window around the quote
        s = max(s, start - max_chars // 3)
        e = min(e, max(end, s + max_chars))
    return s, e


def _previous_paragraph_start(text: str, s: int) -> int:
    p = s
    while p > 0 and text[p - 1] in "\n \t":
        p -= 1
    return text.rfind("\n", 0, p) + 1 if p > 0 else 0


def _next_paragraph_end(text: str, e: int) -> int:
    p = e
    while p < len(text) and text[p] in "\n \t":
        p += 1
    nxt = text.find("\n", p)
    return len(text) if nxt < 0 else nxt


# --- turns: what the app keeps per answer (plain data: it lives in gr.State) --------------------------
def turn_from_answer(engine: Engine, question: str, answer: Answer) -> dict:
    sources = []
    for c in answer.citations:
        record = engine.records.get(c.doc_key)
        meta = record.meta if record else None
        sources.append(
            {
                "n": c.n,
                "doc_key": c.doc_key,
                "doc": c.doc,
                "title": (meta.title if meta else c.title) or c.doc,
                "issuing_body": meta.issuing_body if meta else "",
                "province": meta.province if meta else "",
                "term": meta.term if meta else "",
                "section": c.section,
                "quote": c.text,
                "start": c.start,
                "end": c.end,
            }
        )
    return {"q": question, "a": answer.text, "found": answer.found, "error": False, "sources": sources}


def error_turn(question: str, message: str) -> dict:
    return {"q": question, "a": message, "found": False, "error": True, "sources": []}


def note_items(turns: list[dict], picked: list[int] | None = None) -> list[NoteItem]:
    chosen = [t for i, t in enumerate(turns) if not t["error"] and (not picked or i in picked)]
    return [
        NoteItem(
            question=t["q"],
            answer=t["a"],
            sources={
                s["n"]: NoteSource(
                    title=s["title"],
                    issuing_body=s["issuing_body"],
                    term=s["term"],
                    section=s["section"],
                    quote=s["quote"],
                    province=s["province"],
                    doc=s["doc"],
                )
                for s in t["sources"]
            },
        )
        for t in chosen
    ]


# --- rendering ---------------------------------------------------------------------------------------
def cite_ref(turn_index: int, n: int) -> str:
    return f"#ra-cite-{turn_index}-{n}"


def source_meta_line(source: dict) -> str:
    parts = [source["issuing_body"] if source["issuing_body"] not in source["title"] else ""]
    parts.append(
        f"tỉnh {source['province']}"
        if source["province"] and source["province"] not in source["title"]
        else ""
    )
    parts.append(term_label(source["term"]) if source["term"] else "")
    return " — ".join(p for p in parts if p)


def short_title(title: str, limit: int = 110) -> str:
    """Long all-caps titles crowd the chat; the full title is in the passage panel."""
    return title if len(title) <= limit else title[: limit - 1].rstrip(" ,;–-") + "…"


def answer_markdown(turn_index: int, turn: dict, text: str | None = None) -> str:
    """An answer as chat Markdown: linked markers, then its sources with the cited figures marked."""
    if turn["error"]:
        return f"⚠️ {escape_md(turn['a'])}"
    numbers = {s["n"] for s in turn["sources"]}
    pieces = _MARKER_RE.split(turn["a"] if text is None else text)
    # split() alternates text and marker numbers: text is escaped, known markers become links.
    body = "".join(
        escape_md_keep_format(piece)
        if i % 2 == 0
        else f"[\\[{piece}\\]]({cite_ref(turn_index, int(piece))})"
        if int(piece) in numbers
        else f"\\[{piece}\\]"
        for i, piece in enumerate(pieces)
    )
    if text is not None or not turn["sources"]:
        return body
    lines = [body, "", "**Nguồn:**", ""]
    for s in turn["sources"]:
        meta = source_meta_line(s)
        head = f"**\\[{s['n']}\\]** [{escape_md(short_title(s['title']))}]({cite_ref(turn_index, s['n'])})"
        head += f" — {escape_md(meta)}" if meta else ""
        head += f" — _mục {escape_md(s['section'])}_" if s["section"] else ""
        quote = highlight(" ".join(s["quote"].split()), figure_values(turn["a"], s["n"]), escape_md)
        lines += [head, "", f"> «{quote}»", ""]
    return "\n".join(lines).rstrip()


def chat_messages(turns: list[dict]) -> list[dict]:
    messages: list[dict] = []
    for i, turn in enumerate(turns):
        messages.append({"role": "user", "content": escape_md(turn["q"])})
        messages.append({"role": "assistant", "content": answer_markdown(i, turn)})
    return messages


def context_html(engine: Engine, turn: dict, source: dict) -> str:
    """The cited passage inside its paragraph of the report, quote and figures highlighted."""
    values = figure_values(turn["a"], source["n"])
    record = engine.records.get(source["doc_key"])
    text = record.text if record else ""
    start, end = source["start"], source["end"]
    if not (0 <= start < end <= len(text)) or text[start:end] != source["quote"]:
        found = text.find(source["quote"]) if source["quote"] else -1
        start, end = (found, found + len(source["quote"])) if found >= 0 else (-1, -1)
    meta = source_meta_line(source)
    head = (
        f'<div class="ra-ctx-head"><div class="ra-ctx-title">[{source["n"]}] {html.escape(source["title"])}</div>'
        f'<div class="ra-ctx-meta">{html.escape(meta)}</div>'
        f'<div class="ra-ctx-meta">Mục: {html.escape(source["section"] or "—")} · Tệp: {html.escape(source["doc"])}</div></div>'
    )
    if start < 0:
        note = (
            ""
            if record
            else '<div class="ra-ctx-note">Báo cáo này không còn trong chỉ mục; chỉ còn đoạn trích.</div>'
        )
        quote = highlight(source["quote"], values)
        return f'<div class="ra-ctx" id="ra-ctx-open">{head}{note}<div class="ra-ctx-body"><mark class="ra-quote">{quote}</mark></div></div>'
    s, e = context_span(text, start, end)
    body = (
        ("… " if s > 0 else "")
        + html.escape(text[s:start])
        + f'<mark class="ra-quote">{highlight(text[start:end], values)}</mark>'
        + html.escape(text[end:e])
        + (" …" if e < len(text) else "")
    )
    return f'<div class="ra-ctx" id="ra-ctx-open">{head}<div class="ra-ctx-body">{body}</div></div>'


def report_label(meta, doc: str) -> str:
    title = meta.title or doc
    title = title if len(title) <= 90 else title[:88].rstrip() + "…"
    extra = [p for p in (meta.issuing_body, meta.province, meta.term) if p and p not in title]
    return " — ".join([title, *extra]) + f" [{doc}]"


def report_choices(engine: Engine) -> list[tuple[str, str]]:
    return [(report_label(r.meta, r.meta.doc), r.key) for r in sorted_reports(engine)]


def sorted_reports(engine: Engine):
    return sorted(engine.reports(), key=lambda r: (r.meta.title or r.meta.doc).lower())


def reports_table_html(engine: Engine) -> str:
    reports = sorted_reports(engine)
    if not reports:
        return f'<div class="ra-empty">{html.escape(EMPTY_INDEX_MESSAGE)}</div>'
    rows = []
    for r in reports:
        m = r.meta
        cells = [
            f'<div class="ra-rep-title">{html.escape(m.title or m.doc)}</div><div class="ra-rep-file">{html.escape(m.doc)}</div>',
            html.escape(KIND_LABELS.get(m.kind, m.kind or "—")),
            html.escape(m.issuing_body or "—"),
            html.escape(m.province or "—"),
            html.escape(m.term or "—"),
            html.escape(m.doc_number or "—"),
            html.escape(m.date or "—"),
            str(r.chunks),
        ]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    head = "".join(
        f"<th>{h}</th>"
        for h in ("Báo cáo", "Loại", "Cơ quan ban hành", "Tỉnh", "Nhiệm kỳ/năm", "Số", "Ngày", "Số đoạn")
    )
    return f'<table class="ra-reports"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def status_html(engine: Engine) -> str:
    reports = engine.reports()
    if not reports:
        return '<div class="ra-status ra-status-empty">Chưa có báo cáo nào — hãy tải báo cáo lên ở thẻ «Báo cáo».</div>'
    chunks = sum(r.chunks for r in reports)
    samples = sum(1 for r in reports if "tài liệu mẫu" in (r.meta.title or "").lower())
    note = f" ({samples} báo cáo mẫu hư cấu)" if samples else ""
    return f'<div class="ra-status">Đang tra cứu {len(reports)} báo cáo ({chunks} đoạn){note}.</div>'


def api_text(engine: Engine, turn: dict) -> str:
    """The /ask result: the answer, then each source with its quote, as plain text."""
    lines = [turn["a"]]
    if turn["sources"]:
        lines += ["", "Nguồn:"]
    for s in turn["sources"]:
        meta = source_meta_line(s)
        head = (
            f"[{s['n']}] {s['title']}"
            + (f" — {meta}" if meta else "")
            + (f" — mục {s['section']}" if s["section"] else "")
        )
        lines += [head, f"    «{' '.join(s['quote'].split())}»"]
    return "\n".join(lines)


# --- the app -----------------------------------------------------------------------------------------
class ChatApp:
    """The handlers, bound to one engine; plain methods so they can be tested without a browser."""

    def __init__(
        self, engine: Engine, uploads_dir: Path | None = None, max_upload_mb: int | None = None
    ) -> None:
        self.engine = engine
        self.uploads_dir = (uploads_dir or engine.settings.index_dir / "uploads").resolve()
        self.max_upload_mb = max_upload_mb or _env_int(
            "REPORT_ASSISTANT_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB
        )
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
            record = self.engine.records.get(doc_key_for(dest))
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


def export_choices(turns: list[dict]) -> list[tuple[str, int]]:
    return [(f"{i + 1}. {t['q'][:80]}", i) for i, t in enumerate(turns) if not t["error"]]


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number of megabytes.") from exc


def build_app(engine: Engine, uploads_dir: Path | None = None, max_upload_mb: int | None = None) -> gr.Blocks:
    """The Gradio UI over a finished engine. Launch it with `launch_options()`."""
    app = ChatApp(engine, uploads_dir, max_upload_mb)
    choices = report_choices(engine)
    with gr.Blocks(title=APP_TITLE, analytics_enabled=False) as demo:
        turns = gr.State([])
        with gr.Row(elem_id="ra-header"):
            gr.HTML(
                f'<div class="ra-brand"><h1>{APP_TITLE}</h1><p>Hỏi về các báo cáo của cấp ủy; mỗi câu trả lời kèm '
                "đoạn trích dẫn chứng minh số liệu. Chạy hoàn toàn trên máy này, không gửi dữ liệu ra ngoài.</p></div>"
            )
            status = gr.HTML(status_html(engine), elem_id="ra-status")
        with gr.Tabs():
            with gr.Tab("Hỏi đáp", id="chat", elem_id="ra-tab-chat"), gr.Row():
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(
                        elem_id="ra-chat",
                        label="Hội thoại",
                        show_label=False,
                        height=640,
                        placeholder=(
                            "### Xin chào!\nHãy đặt câu hỏi về nội dung các báo cáo, ví dụ về số liệu, "
                            "kết quả, hạn chế hay bài học kinh nghiệm. Chọn một câu hỏi mẫu bên dưới để bắt đầu."
                        ),
                        examples=[{"text": q} for q in EXAMPLES],
                        latex_delimiters=[],
                        sanitize_html=True,
                        feedback_options=None,
                        buttons=[],  # copying would copy escaped Markdown; the briefing note is the clean copy
                    )
                    report_filter = gr.Dropdown(
                        choices=choices,
                        value=[],
                        multiselect=True,
                        label="Chỉ hỏi trong các báo cáo (để trống: tất cả)",
                        elem_id="ra-filter",
                    )
                    with gr.Row():
                        question = gr.Textbox(
                            placeholder="Nhập câu hỏi, ví dụ: Có bao nhiêu đảng viên bị kỷ luật?",
                            show_label=False,
                            lines=1,
                            max_lines=4,
                            scale=6,
                            elem_id="ra-question",
                            autofocus=True,
                        )
                        send = gr.Button("Gửi", variant="primary", scale=1, elem_id="ra-send")
                    new_chat = gr.Button("Cuộc hội thoại mới", size="sm", elem_id="ra-new")
                with gr.Column(scale=2):
                    gr.Markdown("#### Đoạn văn trong báo cáo")
                    context = gr.HTML(CONTEXT_PLACEHOLDER, elem_id="ra-context", js_on_load=CONTEXT_JS)
                    with gr.Accordion(
                        "Xuất ghi chú tóm tắt (Word, Markdown)", open=True, elem_id="ra-export-box"
                    ):
                        export_pick = gr.CheckboxGroup(
                            choices=[],
                            label="Chọn câu trả lời (để trống: cả cuộc hội thoại)",
                            elem_id="ra-export-pick",
                        )
                        export_btn = gr.Button("Tạo ghi chú", elem_id="ra-export")
                        export_files = gr.File(
                            label="Tệp ghi chú",
                            file_count="multiple",
                            interactive=False,
                            visible=False,
                            elem_id="ra-export-files",
                        )
            with gr.Tab("Báo cáo", id="reports", elem_id="ra-tab-reports"):
                reports_table = gr.HTML(reports_table_html(engine), elem_id="ra-reports")
                with gr.Row():
                    with gr.Column():
                        upload = gr.File(
                            label=f"Thêm báo cáo ({', '.join(ACCEPTED)}; tối đa {app.max_upload_mb} MB mỗi tệp)",
                            file_count="multiple",
                            file_types=ACCEPTED,
                            type="filepath",
                            elem_id="ra-upload",
                        )
                        upload_result = gr.HTML("", elem_id="ra-upload-result")
                    with gr.Column():
                        remove_pick = gr.Dropdown(
                            choices=choices,
                            value=None,
                            label="Xoá một báo cáo khỏi chỉ mục",
                            elem_id="ra-remove-pick",
                        )
                        remove_btn = gr.Button("Xoá báo cáo đã chọn", variant="stop", elem_id="ra-remove")
                        remove_result = gr.HTML("", elem_id="ra-remove-result")

        chat_outputs = [chatbot, turns, question, export_pick]
        private = {"api_visibility": "private"}
        question.submit(app.respond, [question, turns, report_filter], chat_outputs, **private)
        send.click(app.respond, [question, turns, report_filter], chat_outputs, **private)
        chatbot.example_select(_example_text, None, question, **private).then(
            app.respond, [question, turns, report_filter], chat_outputs, **private
        )
        new_chat.click(
            lambda: (
                [],
                [],
                CONTEXT_PLACEHOLDER,
                gr.update(choices=[], value=[]),
                gr.update(value=None, visible=False),
            ),
            None,
            [chatbot, turns, context, export_pick, export_files],
            **private,
        )
        context.click(app.open_citation, [turns], context, **private)
        export_btn.click(app.export, [turns, export_pick], export_files, **private)
        panel = [status, reports_table, report_filter, remove_pick]
        upload.upload(app.upload, [upload, report_filter], [upload_result, *panel, upload], **private)
        remove_btn.click(
            app.remove, [remove_pick, report_filter], [remove_result, *panel], js=CONFIRM_REMOVE_JS, **private
        )
        demo.load(app.panel_updates, [report_filter], panel, **private)
        gr.api(app.ask_api, api_name="ask")
    demo.chat_app = app  # for tests and scripts
    return demo


def _example_text(evt: gr.SelectData) -> str:
    value = evt.value
    return value.get("text", "") if isinstance(value, dict) else str(value)


def make_theme() -> gr.themes.Base:
    """System fonts with Vietnamese glyphs at 400 and 700 (see static/app.css); never a web font."""
    sans = [gr.themes.Font("RA Sans"), gr.themes.Font("DejaVu Sans"), gr.themes.Font("Noto Sans"),
            gr.themes.Font("Segoe UI"), gr.themes.Font("Arial"), gr.themes.Font("sans-serif")]  # fmt: skip
    mono = [gr.themes.Font("DejaVu Sans Mono"), gr.themes.Font("Consolas"), gr.themes.Font("monospace")]
    return gr.themes.Default(primary_hue="red", secondary_hue="amber", font=sans, font_mono=mono)


def launch_options(
    host: str = "127.0.0.1", auth: list[tuple[str, str]] | None = None, max_upload_mb: int | None = None
) -> dict:
    """Everything `launch` is given, in one place: the safe defaults are not optional."""
    mb = max_upload_mb or _env_int("REPORT_ASSISTANT_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB)
    return {
        "server_name": host,
        "share": False,
        "auth": auth,
        "auth_message": "Trợ lý báo cáo — đăng nhập để tiếp tục." if auth else None,
        "max_file_size": f"{mb}mb",
        "theme": make_theme(),
        "css_paths": [STATIC_DIR / "app.css"],
        "ssr_mode": False,
        "pwa": False,
        "mcp_server": False,
        "enable_monitoring": False,
        "show_error": False,
        "footer_links": ["api"],
        "inbrowser": _should_open_browser(host),
    }


def _should_open_browser(host: str) -> bool:
    """Open the user's browser on the app when there is a screen to show it (never on a server)."""
    if os.environ.get("REPORT_ASSISTANT_OPEN_BROWSER", "1") == "0" or not is_loopback(host):
        return False
    return sys.platform in ("win32", "darwin") or bool(
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )


# --- serve -------------------------------------------------------------------------------------------
def sample_reports() -> list[tuple[str, bytes]]:
    """The bundled fictional sample reports (package data)."""
    folder = resources.files("assistant") / "samples"
    return sorted((f.name, f.read_bytes()) for f in folder.iterdir() if f.name.endswith(".txt"))


def ingest_samples(engine: Engine) -> None:
    """Copy the samples into the index directory (stable paths, stable keys) and index them."""
    target = engine.settings.index_dir / "samples"
    target.mkdir(parents=True, exist_ok=True)
    for name, data in sample_reports():
        (target / name).write_bytes(data)
    print("Chỉ mục đang trống: đang nạp các báo cáo mẫu (hư cấu) để dùng thử…", flush=True)
    _print_summary(engine.ingest([target], show_progress=None))


def _print_summary(summary) -> None:
    print("\n".join(summary.lines()), flush=True)


def _warm_up(engine: Engine) -> None:
    """Load the embedder while the page opens, so the first answer is quick."""
    try:
        engine.ask("Có bao nhiêu đảng viên?", [])
    except Exception:  # warming is best effort; the real question will report any problem
        log.debug("warm-up failed", exc_info=True)


def serve(
    engine: Engine,
    host: str = "127.0.0.1",
    port: int = 7860,
    reports_dir: Path | None = None,
    *,
    block: bool = True,
) -> gr.Blocks:
    """Start the chat app. Ingests `reports_dir` first; on an empty index, the bundled samples."""
    auth = resolve_auth(host)
    if reports_dir is not None:
        reports_dir = Path(reports_dir)
        if not reports_dir.exists():
            raise ConfigError(f"The reports folder {reports_dir} does not exist.")
        print(f"Đang nạp báo cáo từ {reports_dir}…", flush=True)
        _print_summary(engine.ingest([reports_dir], show_progress=None))
    elif not engine.records:
        ingest_samples(engine)
    demo = build_app(engine)
    threading.Thread(target=_warm_up, args=(engine,), daemon=True).start()
    demo.queue(default_concurrency_limit=4)
    try:
        demo.launch(server_port=port, prevent_thread_lock=True, quiet=True, **launch_options(host, auth))
    except OSError as exc:  # the port is taken, or the host is not an address of this machine
        raise ConfigError(
            f"Cannot listen on {host}:{port} ({exc}); choose another --port or --host."
        ) from exc
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    print(f"{APP_TITLE} đang chạy: mở http://{shown}:{port} trong trình duyệt (Ctrl+C để dừng).", flush=True)
    if block:
        demo.block_thread()
    return demo
