"""The chat app without a browser: safety helpers, uploads, briefing-note export, serve() (samples in their
own index, background indexing, write actions over raw HTTP), and `/ask` through gradio_client on the shared
reports."""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
import zipfile
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest

from assistant.app import launch_options, sample_reports, serve
from assistant.app_handlers import SAMPLE_NOTICE, ChatApp
from assistant.app_render import (
    answer_markdown,
    api_text,
    context_span,
    cut_title,
    escape_md,
    figure_values,
    highlight,
)
from assistant.app_reports import choice_label
from assistant.app_safety import is_loopback, resolve_auth, safe_filename, same_origin, write_refusal
from assistant.export import NoteItem, NoteSource, read_docx_footnotes, to_docx, to_markdown
from assistant.settings import Settings, read_logins
from ingest.errors import ConfigError, ReportAssistantError
from vectorstore.index import IndexDir

REPORT = """BÁO CÁO
Tổng kết công tác xây dựng Đảng năm 2024 của Đảng bộ Sở Thông tin và Truyền thông tỉnh Thử Nghiệm

I. KẾT QUẢ

1. Công tác kiểm tra, giám sát, kỷ luật Đảng

Trong năm, Đảng ủy đã xử lý kỷ luật 4 đảng viên (trong đó, khiển trách: 3 đảng viên, cảnh cáo: 1 đảng viên).
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SAMPLE_FIGURES = ("5 đảng viên", "7 đảng viên")  # the samples' disciplined counts: fiction


@pytest.fixture(autouse=True)
def no_login_env(monkeypatch, tmp_path):
    for name in ("REPORT_ASSISTANT_USER", "REPORT_ASSISTANT_PASSWORD", "REPORT_ASSISTANT_AUTH_FILE"):
        monkeypatch.delenv(name, raising=False)
    # The samples' own index goes under the test's folder, never the user's data directory.
    monkeypatch.setenv("REPORT_ASSISTANT_SAMPLES_INDEX", str(tmp_path / "samples-index"))


# --- safety helpers ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\Windows\\báo cáo.docx", "báo cáo.docx"),
        ("/abs/path/Báo cáo tổng kết nhiệm kỳ 2020-2025.PDF", "Báo cáo tổng kết nhiệm kỳ 2020-2025.pdf"),
        ("a<script>b;rm -rf $x.txt", "a_script_b_rm -rf _x.txt"),
        ("nul\x00l.txt", "null.txt"),
        ("  .hidden.md", "hidden.md"),
    ],
)
def test_safe_filename_stays_a_plain_name(raw, expected):
    assert safe_filename(raw) == expected


@pytest.mark.parametrize("raw", ["..", "../..", "/", "...", "___.txt", "\x00\x01"])
def test_safe_filename_rejects_nothing_left(raw):
    with pytest.raises(ReportAssistantError):
        safe_filename(raw)


def test_loopback_hosts():
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10") and not is_loopback("example.org")


def test_login_required_off_loopback(tmp_path):
    assert resolve_auth("127.0.0.1", []) is None
    with pytest.raises(ConfigError, match="login is required"):
        resolve_auth("0.0.0.0", [])
    env = {"REPORT_ASSISTANT_USER": "cv", "REPORT_ASSISTANT_PASSWORD": "s3cret"}
    assert resolve_auth("0.0.0.0", read_logins(env)) == [("cv", "s3cret")]
    with pytest.raises(ConfigError, match="both"):
        read_logins({"REPORT_ASSISTANT_USER": "cv"})
    auth_file = tmp_path / "logins"
    auth_file.write_text("# trainers\nlan:mật-khẩu:có-dấu-hai-chấm\n\nminh:pw2\n", encoding="utf-8")
    settings = Settings.from_env(tmp_path / "index", env={"REPORT_ASSISTANT_AUTH_FILE": str(auth_file)})
    assert resolve_auth("10.0.0.5", settings.logins) == [
        ("lan", "mật-khẩu:có-dấu-hai-chấm"),
        ("minh", "pw2"),
    ]
    auth_file.write_text("no separator\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="username:password"):
        read_logins({"REPORT_ASSISTANT_AUTH_FILE": str(auth_file)})


def test_launch_options_are_safe(tmp_path):
    settings = Settings.from_env(tmp_path / "index", env={"REPORT_ASSISTANT_MAX_UPLOAD_MB": "5"})
    options = launch_options(settings, "127.0.0.1", None)
    assert options["share"] is False and options["server_name"] == "127.0.0.1"
    assert options["max_file_size"] == "5mb" and options["mcp_server"] is False
    assert all(Path(p).is_file() for p in options["css_paths"])


def test_text_is_escaped_not_rendered():
    assert escape_md('<img src=x onerror="alert(1)">') == '&lt;img src=x onerror="alert\\(1\\)"&gt;'
    assert escape_md("**đậm** [x](javascript:1)") == "\\*\\*đậm\\*\\* \\[x\\]\\(javascript:1\\)"
    marked = highlight("<b>xử lý 50 đảng viên</b>, năm 2024", [50.0])
    assert marked == '&lt;b&gt;xử lý <mark class="ra-fig">50</mark> đảng viên&lt;/b&gt;, năm 2024'


def test_answer_markdown_links_markers_and_marks_figures():
    turn = {
        "q": "Có bao nhiêu đảng viên bị kỷ luật?",
        "a": "- **Báo cáo A (2020–2025)**: xử lý kỷ luật 50 đảng viên (khiển trách: 30) [1]",
        "found": True,
        "error": False,
        "sources": [
            {
                "n": 1,
                "doc_key": "k",
                "doc": "a.txt",
                "title": "Báo cáo A <script>x</script>",
                "issuing_body": "Đảng bộ Khối",
                "province": "Phú Thọ",
                "term": "2020–2025",
                "section": "II > 2.3",
                "quote": "xử lý kỷ luật 50 đảng viên (trong đó, khiển trách: 30 đảng viên) năm 2020",
                "start": 0,
                "end": 10,
            }
        ],
    }
    assert figure_values(turn["a"], 1) == [(50.0, "đảng"), (30.0, "")]  # the label's years are not figures
    md = answer_markdown(3, turn)
    assert "[\\[1\\]](#ra-cite-3-1)" in md
    assert "&lt;script&gt;" in md and "<script>" not in md
    assert '<mark class="ra-fig">50</mark>' in md and '<mark class="ra-fig">30</mark>' in md
    assert '<mark class="ra-fig">2020</mark>' not in md


def test_answer_text_keeps_bold_and_bullets_but_no_links_or_images():
    turn = {
        "q": "q",
        "a": "- **Báo cáo A**: «trích ![x](http://198.51.100.1/p.png) [bấm](javascript:alert(1)) <b>»[1] [7]",
        "found": True,
        "error": False,
        "sources": [],
    }
    turn["sources"] = [{"n": 1, "doc_key": "k", "doc": "a.txt", "title": "A", "issuing_body": "", "province": "",
                        "term": "", "section": "", "quote": "q", "start": 0, "end": 1}]  # fmt: skip
    md = answer_markdown(0, turn).split("**Nguồn:**")[0]
    assert md.startswith("- **Báo cáo A**:")
    assert "](http" not in md and "](javascript" not in md and "<b>" not in md
    assert "\\!\\[x\\]\\(http://198" in md and "[\\[1\\]](#ra-cite-0-1)" in md and "\\[7\\]" in md


def test_highlight_prefers_the_figure_with_the_same_word():
    quote = "có 03 đảng viên sinh con thứ 3, đã xử lý 3 trường hợp đảng viên"
    marked = highlight(quote, figure_values("khiển trách 3 trường hợp đảng viên [1]", 1))
    assert marked.count("<mark") == 1 and '<mark class="ra-fig">3</mark> trường hợp' in marked
    assert highlight(quote, [3.0]).count("<mark") == 3


def test_context_span_is_the_paragraph_widened_when_short():
    text = "Tiêu đề\n\nĐoạn một nói về kết nạp.\n\nĐoạn hai: xử lý kỷ luật 5 đảng viên.\n\nĐoạn ba.\n"
    start = text.index("xử lý")
    end = text.index(" đảng viên.") + len(" đảng viên.")
    s, e = context_span(text, start, end, min_chars=10)
    assert text[s:e] == "Đoạn hai: xử lý kỷ luật 5 đảng viên."
    s, e = context_span(text, start, end, min_chars=60)
    assert "Đoạn một" in text[s:e] and "Đoạn ba" in text[s:e]


# --- export ------------------------------------------------------------------------------------------
def _note_items() -> list[NoteItem]:
    a = NoteSource(
        "Báo cáo sơ kết giữa nhiệm kỳ", "Đảng bộ Khối", "2020–2025", "II > 2.3", "xử lý kỷ luật 50 đảng viên"
    )
    b = NoteSource(
        "Báo cáo kiểm điểm", "Đảng bộ Sở KH&CN", "2020–2025", "II > 3 > c)", "khiển trách 3 <trường hợp>"
    )
    return [
        NoteItem(
            "Có bao nhiêu đảng viên bị kỷ luật?", "- **A**: 50 đảng viên [1]\n- **B**: 3 [2]", {1: a, 2: b}
        ),
        NoteItem("Và bao nhiêu bị khai trừ?", "13 đảng viên [1]", {1: a}),
    ]


def test_markdown_note_has_numbered_footnotes():
    md = to_markdown(_note_items())
    assert "- **A**: 50 đảng viên[^1]" in md and "13 đảng viên[^3]" in md
    assert (
        "[^1]: Báo cáo sơ kết giữa nhiệm kỳ — Đảng bộ Khối — nhiệm kỳ 2020–2025 — mục II > 2.3: «xử lý kỷ luật 50 đảng viên»"
        in md
    )
    assert (
        "[^2]: Báo cáo kiểm điểm — Đảng bộ Sở KH&CN — nhiệm kỳ 2020–2025 — mục II > 3 > c): «khiển trách 3 <trường hợp>»"
        in md
    )


def test_docx_note_has_real_footnotes(tmp_path):
    from docx import Document

    path = to_docx(_note_items(), tmp_path / "note.docx")
    notes = read_docx_footnotes(path)
    assert sorted(notes) == [1, 2, 3]
    assert "Báo cáo sơ kết giữa nhiệm kỳ" in notes[1] and "«xử lý kỷ luật 50 đảng viên»" in notes[1]
    assert "mục II > 3 > c)" in notes[2] and "<trường hợp>" in notes[2]
    with zipfile.ZipFile(path) as z:
        body = z.read("word/document.xml").decode("utf-8")
        assert body.count("<w:footnoteReference") == 3
        assert "footnotes+xml" in z.read("[Content_Types].xml").decode("utf-8")
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert "Có bao nhiêu đảng viên bị kỷ luật?" in text and "50 đảng viên" in text


# --- handlers on a real index (fake embedder) -------------------------------------------------------
def test_empty_index_answers_with_a_message(make_engine):
    app = ChatApp(make_engine())
    turn = app.answer_turn("Có bao nhiêu đảng viên bị kỷ luật?", [], None)
    assert turn["error"] and "Chưa có báo cáo nào" in turn["a"]
    *_, (messages, turns, _, _, _) = list(app.respond("Có bao nhiêu đảng viên bị kỷ luật?", [], None))
    assert "Chưa có báo cáo nào" in messages[-1]["content"] and turns[-1]["error"]


def test_uploads_checked_stored_inside_and_ingested(make_engine, tmp_path):
    engine = make_engine()
    app = ChatApp(engine, max_upload_mb=1)
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    good = incoming / "Báo cáo thử.txt"
    good.write_text(REPORT, encoding="utf-8")
    exe = incoming / "virus.exe"
    exe.write_bytes(b"MZ")
    big = incoming / "lớn.txt"
    big.write_bytes(b"a" * (1024 * 1024 + 1))
    broken = incoming / "hỏng.pdf"
    broken.write_bytes(b"not a pdf at all")
    results = {
        name: (text, ok) for name, text, ok in app.add_files([str(good), str(exe), str(big), str(broken)])
    }
    assert results["Báo cáo thử.txt"][1] and results["Báo cáo thử.txt"][0].startswith("Đã thêm")
    assert not results["virus.exe"][1] and "loại tệp" in results["virus.exe"][0]
    assert not results["lớn.txt"][1] and "quá lớn" in results["lớn.txt"][0]
    assert not results["hỏng.pdf"][1] and results["hỏng.pdf"][0].startswith("Không đọc được")
    uploads = engine.settings.index_dir / "uploads"
    assert sorted(p.name for p in uploads.iterdir()) == ["Báo cáo thử.txt"]  # the failed one is gone
    [info] = engine.reports()
    assert Path(info.source).parent == uploads.resolve()
    # Removing it takes the confirmation round-trip; then it drops the report and our copy of the file.
    message, pending, token = app.request_removal(info.key, None)
    assert not message and token and pending["key"] == info.key and engine.records
    message, cleared, *_ = app.remove(token, pending, [info.key], None)
    assert "Đã xoá" in message and cleared is None and not engine.records and not list(uploads.iterdir())


def test_stored_uploads_stay_inside_the_uploads_folder(make_engine, tmp_path):
    app = ChatApp(make_engine())
    for name in ("..txt", "~$tạm.txt", "-rf .txt", "a b (1).md"):
        incoming = tmp_path / name
        incoming.write_text("x", encoding="utf-8")
        dest = app.store_upload(incoming)
        assert dest.parent == app.uploads_dir and dest.is_file() and not dest.name.startswith(".")


def test_export_handler_writes_both_files(make_engine):
    app = ChatApp(make_engine())
    turn = {
        "q": "Câu hỏi?",
        "a": "Trả lời 5 [1]",
        "found": True,
        "error": False,
        "sources": [
            {"n": 1, "doc_key": "k", "doc": "a.txt", "title": "Báo cáo A", "issuing_body": "Đảng bộ B",
             "province": "", "term": "2020–2025", "section": "I > 1", "quote": "có 5 đảng viên", "start": 0, "end": 1}
        ],
    }  # fmt: skip
    paths = app.write_note([turn, {"q": "lỗi", "a": "x", "found": False, "error": True, "sources": []}], [])
    docx_path, md_path = (Path(p) for p in paths)
    assert read_docx_footnotes(docx_path) == {
        1: "Báo cáo A — Đảng bộ B — nhiệm kỳ 2020–2025 — mục I > 1: «có 5 đảng viên»"
    }
    assert "Trả lời 5[^1]" in md_path.read_text(encoding="utf-8") and "lỗi" not in md_path.read_text(
        encoding="utf-8"
    )


def test_serve_refuses_an_open_host_without_login(make_engine):
    with pytest.raises(ConfigError):
        serve(make_engine(), host="0.0.0.0", port=free_port(), block=False)


def _manifest_docs(index: Path) -> list[str]:
    return sorted(e["doc"] for e in IndexDir(index).entries.values())


def _report_folder(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


REPORT_B = REPORT.replace("Sở Thông tin và Truyền thông", "Sở Tài chính").replace(
    "xử lý kỷ luật 4 đảng viên (trong đó, khiển trách: 3 đảng viên, cảnh cáo: 1 đảng viên)",
    "xử lý kỷ luật 9 đảng viên (trong đó, khiển trách: 9 đảng viên)",
)


# --- samples: only in their own index, only while there are no real reports ------------------------
def test_serve_on_an_empty_index_shows_samples_from_their_own_index(make_engine, tmp_path):
    assert len(sample_reports()) >= 2
    engine = make_engine()
    demo = serve(engine, port=free_port(), block=False)
    try:
        app = demo.chat_app
        assert not engine.records and not _manifest_docs(engine.settings.index_dir)  # the real index: empty
        samples_docs = _manifest_docs(tmp_path / "samples-index")
        assert samples_docs == sorted(name for name, _ in sample_reports())
        assert (
            app.showing_samples
            and "MẪU" in app.panel_updates([])[0]
            and "REPORTS=" in app.panel_updates([])[0]
        )
        assert app.panel_updates([])[3]["choices"] == []  # samples are not offered for removal
        turn = app.answer_turn("Có bao nhiêu đảng viên bị kỷ luật?", [], None)
        assert "5 đảng viên" in turn["a"] and turn["sources"]
        first = SAMPLE_NOTICE["vi"]
        assert answer_markdown(0, turn).splitlines()[0] == f"**{escape_md(first)}**"
        assert api_text(app.engine, turn).splitlines()[0] == first
        _docx, md = app.write_note([turn], [])
        note = Path(md).read_text(encoding="utf-8").split("## 1.")[1].splitlines()
        assert note[2] == first and "(tài liệu mẫu)" in Path(md).read_text(encoding="utf-8").split("[^1]:")[1]
        english = app.answer_turn("How many party members were disciplined?", [], None)
        assert api_text(app.engine, english).splitlines()[0] == SAMPLE_NOTICE["en"]
    finally:
        demo.close()


def test_the_sample_mark_survives_any_cut():
    title = "Báo cáo Kiểm điểm công tác lãnh đạo, chỉ đạo của Ban Chấp hành Đảng bộ Sở Thông tin và Truyền thông tỉnh Sông Lam nhiệm kỳ 2020 - 2025 (tài liệu mẫu)"
    for limit in (40, 90, 110):
        assert (
            cut_title(title, limit).endswith("(tài liệu mẫu)") and len(cut_title(title, limit)) <= limit + 2
        )
    meta = SimpleNamespace(title=title, doc="mau.txt", issuing_body="", province="", term="")
    assert "(tài liệu mẫu)" in choice_label(meta)
    assert cut_title("Báo cáo thật " * 20, 50).endswith("…")


def test_an_upload_while_samples_are_shown_goes_to_the_real_index(make_engine, tmp_path):
    engine = make_engine()
    demo = serve(engine, port=free_port(), block=False)
    try:
        app = demo.chat_app
        assert app.showing_samples
        upload = tmp_path / "incoming" / "Báo cáo thật.txt"
        upload.parent.mkdir()
        upload.write_text(REPORT, encoding="utf-8")
        [(name, text, ok)] = app.add_files([str(upload)])
        assert ok and text.startswith("Đã thêm"), text
        assert _manifest_docs(engine.settings.index_dir) == ["Báo cáo thật.txt"]
        assert "Báo cáo thật.txt" not in _manifest_docs(tmp_path / "samples-index")
        assert not app.showing_samples and app.engine is engine
        status, table, filter_update, _ = app.panel_updates([])
        assert "MẪU" not in status and "tài liệu mẫu" not in table and len(filter_update["choices"]) == 1
        turn = app.answer_turn("Có bao nhiêu đảng viên bị kỷ luật?", [], None)
        assert "4 đảng viên" in turn["a"] and not turn["notice"]
        assert not any(f in turn["a"] for f in SAMPLE_FIGURES)
    finally:
        demo.close()


def test_serve_with_reports_removes_old_samples_from_the_real_index(make_engine, tmp_path, capsys):
    engine = make_engine()
    legacy = engine.settings.index_dir / "samples"  # where an old version copied them
    legacy.mkdir(parents=True)
    for name, data in sample_reports():
        (legacy / name).write_bytes(data)
    engine.ingest([legacy], show_progress=False)
    assert len(engine.records) == len(sample_reports())
    folder = _report_folder(tmp_path, {"bao_cao.txt": REPORT})
    demo = serve(engine, port=free_port(), reports_dir=folder, block=False)
    try:
        app = demo.chat_app
        assert app.indexer.wait(60)
        assert _manifest_docs(engine.settings.index_dir) == ["bao_cao.txt"] and not app.showing_samples
        assert not _manifest_docs(tmp_path / "samples-index")  # --reports: the samples are not even opened
        out = capsys.readouterr().out
        assert out.count("báo cáo mẫu (hư cấu) khỏi chỉ mục thật") == 1
        turn = app.answer_turn("Có bao nhiêu đảng viên bị kỷ luật?", [], None)
        assert "4 đảng viên" in turn["a"] and not turn["notice"]
        assert not any(f in turn["a"] for f in SAMPLE_FIGURES)
    finally:
        demo.close()


# --- serve --reports: the app answers while the folder is indexed -----------------------------------
def test_serve_answers_while_the_folder_is_still_indexed(make_engine, tmp_path, capsys):
    folder = _report_folder(tmp_path, {"a_nhanh.txt": REPORT, "b_cham.txt": REPORT_B})
    engine = make_engine()
    release = threading.Event()
    real_ingest = engine.ingest

    def slow_for_b(paths, *args, **kwargs):  # the second report takes "minutes": until the test says so
        if any(Path(p).name == "b_cham.txt" for p in paths):
            release.wait(30)
        return real_ingest(paths, *args, **kwargs)

    engine.ingest = slow_for_b
    demo = serve(engine, port=free_port(), reports_dir=folder, block=False)
    try:
        app = demo.chat_app
        deadline = time.monotonic() + 30
        while app.indexer.state().done < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        state = app.indexer.state()
        assert state.running and (state.done, state.total) == (1, 2)  # serve returned before b was indexed
        status, *_ = app.panel_updates([])
        assert "Đang lập chỉ mục 1/2 báo cáo" in status and "1 báo cáo đã lập chỉ mục xong" in status
        tick = app.status_tick([], 1)
        assert tick[0] == status and tick[-1].active is True
        turn = app.answer_turn("Có bao nhiêu đảng viên bị kỷ luật?", [], None)
        assert "4 đảng viên" in turn["a"] and "9 đảng viên" not in turn["a"]
        assert turn["notice"] and "1/2" in turn["notice"][0]
        release.set()
        assert app.indexer.wait(60)
        status, *_ = app.panel_updates([])
        assert "Đang tra cứu 2 báo cáo" in status and app.status_tick([], 1)[-1].active is False
        assert "9 đảng viên" in app.answer_turn("Có bao nhiêu đảng viên bị kỷ luật?", [], None)["a"]
        lines = capsys.readouterr().out.splitlines()
        first = next(ln for ln in lines if ln.startswith("[1/2] a_nhanh.txt"))
        assert "đã thêm" in first and "đoạn" in first and "còn khoảng" in first
        assert any(ln.startswith("[2/2] b_cham.txt: đã thêm") for ln in lines)
        assert any("Đã lập chỉ mục xong 2 báo cáo" in ln for ln in lines)
    finally:
        release.set()
        demo.close()


# --- write actions: same origin, logged in, and removal only by the confirmation round-trip ---------
def test_write_refusal_checks_origin_fetch_site_and_login():
    def request(username=None, **headers):
        return SimpleNamespace(headers=headers, username=username)

    assert same_origin("http://127.0.0.1:7860", "127.0.0.1:7860")
    assert same_origin("http://localhost", "localhost:80")
    assert not same_origin("http://evil.example", "127.0.0.1:7860")
    assert not same_origin("http://127.0.0.1:9999", "127.0.0.1:7860") and not same_origin("null", "x")
    assert write_refusal(request(host="127.0.0.1:7860"), False) is None  # a client without Origin
    assert write_refusal(request(origin="http://127.0.0.1:7860", host="127.0.0.1:7860"), False) is None
    assert "khác nguồn gốc" in write_refusal(
        request(origin="http://evil.example", host="127.0.0.1:7860"), False
    )
    assert "khác nguồn gốc" in write_refusal(request(**{"sec-fetch-site": "cross-site"}), False)
    assert "đăng nhập" in write_refusal(request(host="127.0.0.1:7860"), True)
    assert write_refusal(request("cv", host="127.0.0.1:7860"), True) is None


def test_a_cross_origin_upload_stores_nothing(make_engine, tmp_path):
    engine = make_engine()
    app = ChatApp(engine)
    upload = tmp_path / "x.txt"
    upload.write_text(REPORT, encoding="utf-8")
    foreign = SimpleNamespace(
        headers={"origin": "http://evil.example", "host": "127.0.0.1:7860"}, username=None
    )
    result, *_ = app.upload([str(upload)], [], foreign)
    assert "Từ chối" in result and not engine.records and not app.uploads_dir.exists()
    unauthenticated = SimpleNamespace(headers={"host": "127.0.0.1:7860"}, username=None)
    result, *_ = ChatApp(engine, login_required=True).upload([str(upload)], [], unauthenticated)
    assert "đăng nhập" in result and not engine.records


class RawClient:
    """The app's queue spoken to directly over HTTP, as a script or another web page could."""

    def __init__(self, demo, base: str) -> None:
        self.base = base
        self.fn_ids = {f.fn.__name__: f._id for f in demo.fns.values() if f.fn}

    def call(self, name: str, data: list, session: str | None = None, headers: dict | None = None):
        """(HTTP status of the join, the outputs or None)."""
        session = session or uuid.uuid4().hex
        body = {"data": data, "fn_index": self.fn_ids[name], "session_hash": session, "event_data": None,
                "trigger_id": None}  # fmt: skip
        joined = httpx.post(
            f"{self.base}/gradio_api/queue/join", json=body, headers=headers or {}, timeout=30
        )
        if joined.status_code != 200:
            return joined.status_code, None
        with httpx.stream(
            "GET", f"{self.base}/gradio_api/queue/data", params={"session_hash": session}, timeout=30
        ) as stream:
            for line in stream.iter_lines():
                message = json.loads(line[5:]) if line.startswith("data:") else {}
                if message.get("msg") == "process_completed":
                    return 200, message["output"].get("data")
        return 200, None


def _served_with_one_report(make_engine, tmp_path, settings_change: dict | None = None):
    engine = make_engine()
    engine.ingest([_report_folder(tmp_path, {"bao_cao.txt": REPORT})], show_progress=False)
    if settings_change:
        engine.settings = replace(engine.settings, **settings_change)
    port = free_port()
    demo = serve(engine, port=port, block=False)
    [key] = list(engine.records)
    return engine, demo, f"http://127.0.0.1:{port}", key


def test_a_single_post_or_a_foreign_origin_removes_nothing(make_engine, tmp_path):
    engine, demo, base, key = _served_with_one_report(make_engine, tmp_path)
    try:
        client = RawClient(demo, base)
        forged = {"key": key, "token": key, "expires": time.time() + 999}  # State is the server's, not ours
        status, out = client.call("remove", [key, forged, []])
        assert status == 200 and "không hợp lệ" in out[0] and key in engine.records
        status, out = client.call("remove", [key, None, [key]], headers={"Origin": "http://evil.example"})
        assert "Từ chối" in out[0] and key in engine.records
        # Step one alone removes nothing; its token from another origin is refused, and spent.
        session = uuid.uuid4().hex
        _, (_, _, token) = client.call("request_removal", [key], session)
        assert token and key in engine.records
        _, out = client.call("remove", [token, None, []], session, {"Origin": "http://evil.example"})
        assert "Từ chối" in out[0] and key in engine.records
        _, out = client.call("remove", [token, None, []], session, {"Origin": base})
        assert "không hợp lệ" in out[0] and key in engine.records  # one-time: refused above, gone now
        _, out = client.call("request_removal", [key], None, {"Origin": "http://evil.example"})
        assert "Từ chối" in out[0]
        assert "4 đảng viên" in engine.ask("Có bao nhiêu đảng viên bị kỷ luật?").text
        # The whole round-trip from the app's own origin does remove it.
        _, (_, _, token) = client.call("request_removal", [key], session, {"Origin": base})
        _, out = client.call("remove", [token, None, []], session, {"Origin": base})
        assert "Đã xoá" in out[0] and key not in engine.records
    finally:
        demo.close()


def test_with_a_login_a_request_without_session_is_refused(make_engine, tmp_path):
    engine, demo, base, key = _served_with_one_report(make_engine, tmp_path, {"logins": (("cv", "s3cret"),)})
    try:
        client = RawClient(demo, base)
        status, _ = client.call("request_removal", [key])
        assert status in (401, 403) and key in engine.records
        status, _ = client.call("remove", [key, None, []])
        assert status in (401, 403) and key in engine.records
        # And if some route skipped Gradio's login check, the handlers refuse on their own.
        anonymous = SimpleNamespace(headers={"host": base[7:]}, username=None)
        message, pending, token = demo.chat_app.request_removal(key, anonymous)
        assert "đăng nhập" in message and pending is None and not token
    finally:
        demo.close()


# --- the API and the chat, on the shared reports -----------------------------------------------------
@pytest.mark.integration
def test_follow_up_uses_the_conversation(shared_engine):
    app = ChatApp(shared_engine)
    *_, (_, turns, _, picks, _) = list(app.respond("Có bao nhiêu đảng viên bị kỷ luật?", [], None))
    *_, (messages, turns, _, picks, _) = list(app.respond("Và bao nhiêu bị khai trừ?", turns, None))
    assert len(turns) == 2 and "13" in turns[1]["a"] and "50" not in turns[1]["a"]
    assert "13" in messages[-1]["content"] and len(picks["choices"]) == 2


@pytest.mark.integration
def test_filter_limits_the_answer_to_the_chosen_report(shared_engine):
    [key] = [r.key for r in shared_engine.reports() if r.meta.doc == "000_10bc6c53d92b1dbe.txt"]
    turn = ChatApp(shared_engine).answer_turn("Có bao nhiêu đảng viên bị kỷ luật?", [], [key])
    assert {s["doc_key"] for s in turn["sources"]} == {key} and "50" not in turn["a"]


@pytest.mark.integration
def test_ask_through_gradio_client(shared_engine):
    from gradio_client import Client

    from assistant.app import build_app

    demo = build_app(ChatApp(shared_engine))
    demo.queue()
    port = free_port()
    demo.launch(
        server_port=port,
        prevent_thread_lock=True,
        quiet=True,
        **launch_options(shared_engine.settings, "127.0.0.1"),
    )
    try:
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        text = client.predict("Có bao nhiêu đảng viên bị kỷ luật?", api_name="/ask")
        assert "50" in text and "Nguồn:" in text
        assert "Sơ kết giữa nhiệm kỳ" in text and "«xử lý kỷ luật 50 đảng viên" in text
        assert "30" in text and "13" in text
        with pytest.raises(Exception, match="trống|empty"):
            client.predict("   ", api_name="/ask")
    finally:
        demo.close()
