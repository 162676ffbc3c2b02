"""The chat app (Gradio): questions with streamed, cited answers; the reports panel; briefing-note export.

Vietnamese by default. Safe by default: bound to loopback, never shared, login required off loopback,
report text and user input always rendered as text, uploads checked (type, size, name) and kept inside
the index directory. The engine is handed in finished; this module only presents it.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import replace
from importlib import resources
from pathlib import Path

import gradio as gr

from assistant.app_handlers import ChatApp
from assistant.app_indexing import BackgroundIndexer, report_files
from assistant.app_render import CONTEXT_PLACEHOLDER
from assistant.app_reports import report_choices, reports_table_html, status_html
from assistant.app_safety import ACCEPTED, is_loopback, resolve_auth
from assistant.engine import Engine
from assistant.settings import Settings
from ingest.errors import ConfigError, ReportAssistantError

log = logging.getLogger("report_assistant.app")

APP_TITLE = "Trợ lý báo cáo"
STATIC_DIR = Path(__file__).resolve().parent / "static"
EXAMPLES = [
    "Có bao nhiêu đảng viên bị kỷ luật?",
    "Kết nạp được bao nhiêu đảng viên mới?",
    "Những hạn chế, khuyết điểm chủ yếu là gì?",
    "Bài học kinh nghiệm rút ra là gì?",
    "How many party members were disciplined?",
]
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
# Removal, step two: the page asks the user, then sends back the one-time token step one gave it.
CONFIRM_REMOVE_JS = """(token, pending, selected) => [token ? (confirm('Xoá báo cáo đã chọn khỏi chỉ mục? Có thể thêm lại bằng cách tải tệp lên.') ? token : '__cancelled__') : token, pending, selected]"""
STATUS_POLL_SECONDS = 1.5


def build_app(app: ChatApp) -> gr.Blocks:
    """The Gradio UI over the app's handlers (its engines finished). Launch it with `launch_options()`."""
    engine = app.engine
    choices = report_choices(engine)
    indexing = app.indexing_state()
    with gr.Blocks(title=APP_TITLE, analytics_enabled=False) as demo:
        turns = gr.State([])
        pending_removal = gr.State(None)  # step one's one-time token, kept on the server for this session
        reports_seen = gr.State(-1)  # the report count this page last showed (the status timer's memory)
        status_timer = gr.Timer(STATUS_POLL_SECONDS, active=bool(indexing and indexing.running))
        with gr.Row(elem_id="ra-header"):
            gr.HTML(
                f'<div class="ra-brand"><h1>{APP_TITLE}</h1><p>Hỏi về các báo cáo của cấp ủy; mỗi câu trả lời kèm '
                "đoạn trích dẫn chứng minh số liệu. Chạy hoàn toàn trên máy này, không gửi dữ liệu ra ngoài.</p></div>"
            )
            status = gr.HTML(status_html(engine, app.showing_samples, indexing), elem_id="ra-status")
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
                    with gr.Row():
                        new_chat = gr.Button("Cuộc hội thoại mới", size="sm", elem_id="ra-new")
                        table_download = gr.DownloadButton(
                            "Tải bảng số liệu (CSV)", size="sm", visible=False, elem_id="ra-table-csv"
                        )
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
                reports_table = gr.HTML(reports_table_html(engine, app.showing_samples), elem_id="ra-reports")
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
                            choices=[] if app.showing_samples else choices,
                            value=None,
                            label="Xoá một báo cáo khỏi chỉ mục",
                            elem_id="ra-remove-pick",
                        )
                        remove_btn = gr.Button("Xoá báo cáo đã chọn", variant="stop", elem_id="ra-remove")
                        remove_result = gr.HTML("", elem_id="ra-remove-result")
                        remove_token = gr.Textbox("", visible="hidden", elem_id="ra-remove-token")

        chat_outputs = [chatbot, turns, question, export_pick, table_download]
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
                gr.update(value=None, visible=False),
            ),
            None,
            [chatbot, turns, context, export_pick, export_files, table_download],
            **private,
        )
        context.click(app.open_citation, [turns], context, **private)
        export_btn.click(app.export, [turns, export_pick], export_files, **private)
        panel = [status, reports_table, report_filter, remove_pick]
        upload.upload(app.upload, [upload, report_filter], [upload_result, *panel, upload], **private)
        remove_btn.click(
            app.request_removal, [remove_pick], [remove_result, pending_removal, remove_token], **private
        ).then(
            app.remove,
            [remove_token, pending_removal, report_filter],
            [remove_result, pending_removal, remove_token, *panel],
            js=CONFIRM_REMOVE_JS,
            **private,
        )
        polled = [*panel, reports_seen, status_timer]
        status_timer.tick(
            app.status_tick, [report_filter, reports_seen], polled, show_progress="hidden", **private
        )
        demo.load(app.load_updates, [report_filter], polled, **private)
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
    settings: Settings, host: str = "127.0.0.1", auth: list[tuple[str, str]] | None = None
) -> dict:
    """Everything `launch` is given, in one place: the safe defaults are not optional."""
    return {
        "server_name": host,
        "share": False,
        "auth": auth,
        "auth_message": "Trợ lý báo cáo — đăng nhập để tiếp tục." if auth else None,
        "max_file_size": f"{settings.max_upload_mb}mb",
        "theme": make_theme(),
        "css_paths": [STATIC_DIR / "app.css"],
        "ssr_mode": False,
        "pwa": False,
        "mcp_server": False,
        "enable_monitoring": False,
        "show_error": False,
        "footer_links": ["api"],
        # Open the user's browser when there is a screen to show it on, never for a server.
        "inbrowser": settings.open_browser and is_loopback(host),
    }


# --- serve -------------------------------------------------------------------------------------------
def sample_reports() -> list[tuple[str, bytes]]:
    """The bundled fictional sample reports (package data)."""
    folder = resources.files("assistant") / "samples"
    return sorted((f.name, f.read_bytes()) for f in folder.iterdir() if f.name.endswith(".txt"))


def samples_index_dir(settings: Settings) -> Path:
    """The samples' own index, never the real one nor inside it."""
    chosen = settings.samples_index_dir or settings.index_dir.with_name(settings.index_dir.name + "-samples")
    chosen, real = Path(chosen).expanduser().resolve(), settings.index_dir.expanduser().resolve()
    if chosen == real or real in chosen.parents:
        raise ConfigError(
            f"The sample reports' index {chosen} is the real index or inside it; set "
            "REPORT_ASSISTANT_SAMPLES_INDEX to a folder of its own."
        )
    return chosen


def open_samples(engine: Engine) -> Engine | None:
    """An engine on the samples' own index (the samples written and indexed there first); None when it
    cannot be opened (then the app simply starts empty)."""
    root = samples_index_dir(engine.settings)
    settings = replace(engine.settings, index_dir=root, chroma_url=None, samples_index_dir=root)
    folder = root / "files"
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in sample_reports():
        if not (folder / name).is_file() or (folder / name).read_bytes() != data:
            (folder / name).write_bytes(data)
    try:
        samples = Engine(settings, embedder=engine.embedder)
        summary = samples.ingest([folder], prune=True, show_progress=None)
    except ReportAssistantError as exc:
        print(f"Không mở được chỉ mục báo cáo mẫu ({exc}); ứng dụng khởi động không có báo cáo.", flush=True)
        return None
    if summary.failed:
        _print_summary(summary)
    print(
        f"Chưa có báo cáo thật: ứng dụng hiển thị {len(samples.records)} báo cáo MẪU hư cấu (chỉ mục riêng "
        f"{root}). Dùng báo cáo thật: make run REPORTS=thư_mục, hoặc tải lên trong ứng dụng.",
        flush=True,
    )
    return samples


def purge_legacy_samples(engine: Engine) -> int:
    """Remove the samples an old version copied into the real index (sources under <index>/samples/)."""
    folder = (engine.settings.index_dir / "samples").resolve()
    keys = [r.key for r in engine.reports() if Path(r.source).resolve().parent == folder]
    if keys:
        engine.remove_files(keys)  # one removal, one new snapshot
    names = {name for name, _ in sample_reports()}
    for copy in folder.glob("*.txt") if folder.is_dir() else []:
        if copy.name in names:
            copy.unlink()  # our own copies of the bundled samples
    if folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
    if keys:
        print(
            f"Đã gỡ {len(keys)} báo cáo mẫu (hư cấu) khỏi chỉ mục thật {engine.settings.index_dir}.",
            flush=True,
        )
    return len(keys)


def _print_summary(summary) -> None:
    print("\n".join(summary.lines()), flush=True)


def _warm_up(engine: Engine) -> None:
    """Load the embedder while the page opens, so the first answer is quick."""
    try:
        engine.ask("Có bao nhiêu đảng viên?", [])
    except Exception:  # warming is best effort; the real question will report any problem
        log.debug("warm-up failed", exc_info=True)


def folder_indexer(engine: Engine, reports_dir: Path) -> BackgroundIndexer:
    """The background run over a reports folder (it starts once the app is up)."""
    if not reports_dir.exists():
        raise ConfigError(f"The reports folder {reports_dir} does not exist.")
    files = report_files(reports_dir)
    print(
        f"Đang lập chỉ mục {len(files)} báo cáo từ {reports_dir} trong nền; ứng dụng trả lời ngay từ các "
        "báo cáo đã xong.",
        flush=True,
    )
    return BackgroundIndexer(engine, files)


def serve(
    engine: Engine,
    host: str | None = None,
    port: int | None = None,
    reports_dir: Path | None = None,
    *,
    block: bool = True,
) -> gr.Blocks:
    """Start the chat app (on the settings' host and port unless given). `reports_dir` is indexed in the
    background while the app already answers; with no reports at all, the fictional samples are shown from
    their own index. The app's ChatApp is `demo.chat_app`."""
    host, port = host or engine.settings.host, port or engine.settings.port
    auth = resolve_auth(host, engine.settings.logins)
    try:
        purge_legacy_samples(engine)
    except ReportAssistantError as exc:  # e.g. another process is writing; answers still flag them
        print(f"Chưa gỡ được các báo cáo mẫu cũ khỏi chỉ mục thật: {exc}", flush=True)
    indexer = folder_indexer(engine, Path(reports_dir)) if reports_dir is not None else None
    samples = open_samples(engine) if indexer is None and not engine.records else None
    demo = build_app(ChatApp(engine, samples=samples, indexer=indexer, login_required=bool(auth)))
    threading.Thread(target=_warm_up, args=(samples or engine,), daemon=True).start()
    demo.queue(default_concurrency_limit=4)
    try:
        demo.launch(
            server_port=port,
            prevent_thread_lock=True,
            quiet=True,
            **launch_options(engine.settings, host, auth),
        )
    except OSError as exc:  # the port is taken, or the host is not an address of this machine
        raise ConfigError(
            f"Cannot listen on {host}:{port} ({exc}); choose another --port or --host."
        ) from exc
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    print(f"{APP_TITLE} đang chạy: mở http://{shown}:{port} trong trình duyệt (Ctrl+C để dừng).", flush=True)
    if indexer is not None:
        indexer.start()
    if block:
        demo.block_thread()
    return demo
