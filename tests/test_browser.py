"""The chat app in headless Chromium (Playwright), started and stopped by the tests as `report-assistant
serve` processes. Screenshots go to test-artifacts/."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from assistant.export import read_docx_footnotes
from vectorstore.index import IndexDir

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path(os.environ.get("REPORT_ASSISTANT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-sync",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
HEADLINE = "Có bao nhiêu đảng viên bị kỷ luật?"
MIDTERM_TITLE = "Sơ kết giữa nhiệm kỳ thực hiện Nghị quyết Đại hội Đảng bộ Khối các cơ quan tỉnh"
PHU_THO_FILE = "000_10bc6c53d92b1dbe.txt"  # the Phú Thọ S&T term review: 3 reprimands
TIMEOUT_MS = 30_000
UPLOAD_REPORT = """BÁO CÁO
Tổng kết công tác Đảng năm 2024 của Đảng bộ Sở Thông tin và Truyền thông tỉnh Thử Nghiệm (tải lên trong kiểm thử)

I. KẾT QUẢ

Trong năm, Đảng bộ kết nạp 7 đảng viên mới và xử lý kỷ luật 2 đảng viên (trong đó, khiển trách: 2 đảng viên).
"""
XSS_REPORT = """BÁO CÁO <img src=x onerror="window.__xss=1"> Tổng kết nhiệm kỳ 2020 - 2025 của Đảng bộ Sở Thông tin và Truyền thông

I. KẾT QUẢ

1. Công tác kiểm tra, giám sát, kỷ luật Đảng

Đảng ủy đã xử lý kỷ luật 4 đảng viên (trong đó, khiển trách: 3 đảng viên, cảnh cáo: 1 đảng viên) <script>window.__xss=1</script> theo đúng quy định <img src=x onerror="window.__xss=1"> ![ảnh](http://198.51.100.7/theo-doi.png).
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_app(index: Path, log: Path, samples_index: Path | None = None) -> Iterator[str]:
    """`report-assistant serve` on a free loopback port; stopped (and its log kept) afterwards. The samples'
    index is always a test folder (beside the index unless given), never the user's data directory."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPORT_ASSISTANT_")}
    env["REPORT_ASSISTANT_SAMPLES_INDEX"] = str(samples_index or index.with_name(index.name + "-samples"))
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "assistant.cli", "serve", "--index", str(index), "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}/"
        try:
            deadline = time.monotonic() + 90
            while True:
                if proc.poll() is not None:
                    pytest.fail(f"the app exited with {proc.returncode}: {log.read_text(encoding='utf-8')}")
                try:
                    with urllib.request.urlopen(url, timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"the app did not start: {log.read_text(encoding='utf-8')}")
                time.sleep(0.3)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (`make system-deps` installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    """A Vietnamese-locale page that records any request leaving the machine."""
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, locale="vi-VN", accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.outside_requests = []
    page.on(
        "request",
        lambda r: (
            page.outside_requests.append(r.url)
            if not r.url.startswith(("http://127.0.0.1", "data:", "blob:"))
            else None
        ),
    )
    page.dialogs = []  # the removal's confirmation is accepted; anything else is recorded too
    page.on("dialog", lambda d: (page.dialogs.append(f"{d.type}: {d.message}"), d.accept()))
    yield page
    context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def ask(page, question: str, answers_before: int) -> str:
    """Type a question, send it and wait until its answer has finished streaming: the final update is the
    one that lists the answer among those the briefing note can export."""
    page.fill("#ra-question textarea", question)
    page.click("#ra-send")
    page.wait_for_function(
        "n => document.querySelectorAll('#ra-export-pick input[type=checkbox]').length > n",
        arg=answers_before,
    )
    page.wait_for_timeout(200)  # the chat's last update lands in the same tick; let it paint
    return page.locator("#ra-chat .bot").last.inner_text()


def open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()


@pytest.mark.integration
def test_headline_question_sources_filter_upload_export(page, shared_index, tmp_path):
    index = tmp_path / "index"
    shutil.copytree(shared_index, index)  # upload and removal write to it
    ARTIFACTS.mkdir(exist_ok=True)
    with running_app(index, ARTIFACTS / "browser-app.log") as url:
        page.goto(url)
        page.wait_for_selector("#ra-question textarea")
        assert "5 báo cáo" in page.inner_text("#ra-status")
        assert page.evaluate("""document.fonts.check('16px "RA Sans"', 'Đảng ủy kỷ luật')""")
        assert page.get_by_text("Kết nạp được bao nhiêu đảng viên mới?").is_visible()  # start-screen examples
        shot(page, "01-start.png")

        # The headline question: 50 for the Bloc's mid-term review, its passage cited under the answer.
        answer = ask(page, HEADLINE, 0)
        assert "50" in answer and "Nguồn" in answer
        assert MIDTERM_TITLE in answer
        assert page.locator("#ra-chat mark.ra-fig", has_text="50").count() >= 1
        shot(page, "02-headline-answer.png")
        page.screenshot(path=str(ARTIFACTS / "headline.png"))

        # A source opens in context: the surrounding paragraph of the report, quote highlighted.
        page.locator("#ra-chat .bot").last.get_by_role(
            "link", name=MIDTERM_TITLE[:30], exact=False
        ).first.click()
        context = page.locator("#ra-ctx-open")
        context.wait_for()
        assert "xử lý kỷ luật 50 đảng viên" in context.inner_text()
        assert (
            "3 tổ chức đảng" in context.inner_text()
        )  # the sentence before the quote: context, not the quote
        assert context.locator("mark.ra-quote").count() == 1
        shot(page, "03-source-in-context.png")
        # A marker opens its passage too.
        page.locator("#ra-chat .bot").last.get_by_role("link", name="[1]", exact=True).first.click()
        page.wait_for_function("document.querySelector('#ra-ctx-open').innerText.startsWith('[1]')")

        # Filter to the Phú Thọ S&T report and ask again: only its figure (3 reprimands), not 50.
        page.click("#ra-filter input")
        page.keyboard.type(PHU_THO_FILE[:12])
        page.locator("[role=option]", has_text=PHU_THO_FILE).first.click()
        page.keyboard.press("Escape")
        answer = ask(page, HEADLINE, 1)
        assert "3" in answer and "khiển trách" in answer and "50 đảng viên" not in answer
        shot(page, "04-filtered-answer.png")

        # Upload a report, see it listed with its result; then remove it.
        open_tab(page, "Báo cáo")
        upload = tmp_path / "Báo cáo tải lên thử.txt"
        upload.write_text(UPLOAD_REPORT, encoding="utf-8")
        page.set_input_files("#ra-upload input[type=file]", str(upload))
        page.wait_for_function("document.querySelector('#ra-upload-result').innerText.includes('Đã thêm')")
        assert "tỉnh Thử Nghiệm" in page.inner_text("#ra-reports")
        assert "6 báo cáo" in page.inner_text("#ra-status")
        shot(page, "05-uploaded.png")
        page.click("#ra-remove-pick input")
        page.keyboard.type(upload.name[:12])
        page.locator("[role=option]", has_text=upload.name).first.click()
        page.click("#ra-remove")
        page.wait_for_function("document.querySelector('#ra-remove-result').innerText.includes('Đã xoá')")
        assert "tỉnh Thử Nghiệm" not in page.inner_text("#ra-reports")
        assert [d for d in page.dialogs if d.startswith("confirm: Xoá")], page.dialogs

        # Export the conversation as a briefing note; the DOCX footnotes name the report and quote it.
        open_tab(page, "Hỏi đáp")
        page.click("#ra-export")
        links = page.locator("#ra-export-files a[download]")
        links.first.wait_for()
        files = {}
        for i in range(links.count()):
            with page.expect_download() as download:
                links.nth(i).click()
            target = tmp_path / download.value.suggested_filename
            download.value.save_as(target)
            files[target.suffix] = target
        shot(page, "06-exported.png")
        notes = read_docx_footnotes(files[".docx"])
        assert any(MIDTERM_TITLE in n and "«xử lý kỷ luật 50 đảng viên" in n for n in notes.values()), notes
        assert any(PHU_THO_FILE not in n and "khiển trách" in n for n in notes.values())
        markdown = files[".md"].read_text(encoding="utf-8")
        assert "[^1]:" in markdown and HEADLINE in markdown

        assert not page.outside_requests, page.outside_requests  # offline: nothing left the machine


def test_report_markup_shows_as_text(page, tmp_path):
    from assistant.engine import Engine
    from assistant.settings import Settings

    report = tmp_path / "reports" / "bao_cao_xss.txt"
    report.parent.mkdir()
    report.write_text(XSS_REPORT, encoding="utf-8")
    index = tmp_path / "index"
    summary = Engine(Settings.from_env(index)).ingest([report], show_progress=False)
    assert summary.added, summary.failed
    ARTIFACTS.mkdir(exist_ok=True)
    with running_app(index, ARTIFACTS / "browser-xss-app.log") as url:
        page.goto(url)
        page.wait_for_selector("#ra-question textarea")
        answer = ask(page, HEADLINE, 0)
        assert "4" in answer
        chat = page.inner_text("#ra-chat")
        assert "<script>window.__xss=1</script>" in chat or '<img src=x onerror="window.__xss=1">' in chat
        page.locator('#ra-chat a[href*="#ra-cite-"]').first.click()
        page.locator("#ra-ctx-open").wait_for()
        context = page.inner_text("#ra-ctx-open")
        assert (
            "<script>window.__xss=1</script>" in context and '<img src=x onerror="window.__xss=1">' in context
        )
        ask(page, '<img src=x onerror="window.__xss=2"> và <b>đậm</b>?', 1)
        assert '<img src=x onerror="window.__xss=2"> và <b>đậm</b>?' in page.inner_text("#ra-chat")
        page.click("#ra-filter input")  # the filter lists the report title as text too
        assert page.locator("[role=option]", has_text='<img src=x onerror="window.__xss=1">').count() == 1
        page.keyboard.press("Escape")
        open_tab(page, "Báo cáo")
        assert '<img src=x onerror="window.__xss=1">' in page.inner_text("#ra-reports")
        shot(page, "07-markup-as-text.png")
        assert page.evaluate("typeof window.__xss") == "undefined"
        assert page.locator('img[src="x"]').count() == 0 and page.locator("#ra-chat script").count() == 0
        assert not page.dialogs
        assert not page.outside_requests, page.outside_requests  # a Markdown image in a report is not fetched


def test_samples_until_a_real_upload_then_removal_with_confirmation(page, tmp_path):
    index, samples_index = tmp_path / "index", tmp_path / "samples-index"
    ARTIFACTS.mkdir(exist_ok=True)
    with running_app(index, ARTIFACTS / "browser-samples-app.log", samples_index) as url:
        page.goto(url)
        page.wait_for_selector("#ra-question textarea")
        assert "MẪU hư cấu" in page.inner_text("#ra-status") and "REPORTS=" in page.inner_text("#ra-status")
        answer = ask(page, HEADLINE, 0)
        assert answer.splitlines()[0].startswith("⚠ Trả lời từ báo cáo MẪU hư cấu"), answer
        assert "(tài liệu mẫu)" in answer
        shot(page, "08-samples-answer.png")

        # A real report uploaded: it goes into the real index and the samples leave the view.
        open_tab(page, "Báo cáo")
        upload = tmp_path / "Báo cáo thật thử.txt"
        upload.write_text(UPLOAD_REPORT, encoding="utf-8")
        page.set_input_files("#ra-upload input[type=file]", str(upload))
        page.wait_for_function("document.querySelector('#ra-upload-result').innerText.includes('Đã thêm')")
        status = page.inner_text("#ra-status")
        assert "MẪU" not in status and "1 báo cáo" in status, status
        assert "tài liệu mẫu" not in page.inner_text("#ra-reports")
        assert [e["doc"] for e in IndexDir(index).entries.values()] == [upload.name]
        open_tab(page, "Hỏi đáp")
        answer = ask(page, HEADLINE, 1)
        assert "2 đảng viên" in answer and "MẪU" not in answer and "5 đảng viên" not in answer

        # Removal: the click asks for confirmation (accepted here), then the report is gone.
        open_tab(page, "Báo cáo")
        page.click("#ra-remove-pick input")
        page.keyboard.type(upload.name[:12])
        page.locator("[role=option]", has_text=upload.name).first.click()
        page.click("#ra-remove")
        page.wait_for_function("document.querySelector('#ra-remove-result').innerText.includes('Đã xoá')")
        assert [d for d in page.dialogs if d.startswith("confirm: Xoá")], page.dialogs
        assert "tỉnh Thử Nghiệm" not in page.inner_text("#ra-reports")
        shot(page, "09-removed-after-confirm.png")
        assert not page.outside_requests, page.outside_requests
