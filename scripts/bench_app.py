"""Chat app timings on an existing index: seconds from `report-assistant serve` to the first page, and
the first answer after that (through the `/ask` API, as a script would ask).

    .venv/bin/python scripts/bench_app.py [--index DIR] [--runs 3] [--screenshot docs/screenshot.png]

Without --index, an index of ../shared/reports is built once in .index/bench (not timed). With
--screenshot, headless Chromium saves a picture of the app answering the headline question.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
REPORTS = ROOT.parent / "shared" / "reports"
HEADLINE = "Có bao nhiêu đảng viên bị kỷ luật?"
WARM_QUESTIONS = [
    "Kết nạp được bao nhiêu đảng viên mới?",
    "Những hạn chế, khuyết điểm chủ yếu là gì?",
    "How many party members were disciplined?",
    "co bao nhieu dang vien bi ky luat",
]
CHROMIUM = "/usr/bin/chromium"
# Show the question and the start of its answer, not the end of the sources where the chat autoscrolls.
SCROLL_TO_ANSWER = """bot => {
  let box = bot.parentElement;
  while (box && box.scrollHeight <= box.clientHeight + 1) box = box.parentElement;
  if (box) box.scrollTop += bot.getBoundingClientRect().top - box.getBoundingClientRect().top - 8;
  window.scrollTo(0, 0);
}"""
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update", "--no-first-run"]  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_index(index: Path | None) -> Path:
    if index is not None:
        if not index.is_dir() or not any(index.iterdir()):
            sys.exit(
                f"{index} is not an index; build one with `report-assistant ingest FOLDER --index {index}`."
            )
        return index
    index = ROOT / ".index" / "bench"
    if not REPORTS.is_dir():
        sys.exit(f"No --index given and {REPORTS} is absent.")
    print(f"indexing {REPORTS} into {index} (incremental, not timed)…", file=sys.stderr)
    from assistant.engine import Engine
    from assistant.settings import Settings

    Engine(Settings.from_env(index)).ingest([REPORTS], show_progress=False)
    return index


def start(index: Path, port: int) -> tuple[subprocess.Popen, float]:
    """Start the app; seconds until its first page answers 200."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPORT_ASSISTANT_")}
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "serve", "--index", str(index), "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    while True:
        if proc.poll() is not None:
            sys.exit(f"the app exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return proc, time.perf_counter() - started
        except OSError:
            time.sleep(0.05)
        if time.perf_counter() - started > 120:
            proc.kill()
            sys.exit("the app did not start within 120 s")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def page_ready_seconds(url: str, screenshot: Path | None) -> float | None:
    """Seconds for headless Chromium to show the question box; optionally a screenshot of an answer."""
    if not Path(CHROMIUM).exists():
        return None
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1100}, locale="vi-VN")
        started = time.perf_counter()
        page.goto(url)
        page.wait_for_selector("#ra-question textarea")
        seconds = time.perf_counter() - started
        if screenshot:
            page.fill("#ra-question textarea", HEADLINE)
            page.click("#ra-send")
            page.wait_for_function(
                "document.querySelectorAll('#ra-export-pick input[type=checkbox]').length > 0"
            )
            page.wait_for_timeout(800)  # the chat settles (and autoscrolls) after the last streamed update
            page.locator('#ra-chat a[href*="#ra-cite-"]').nth(1).click()
            page.locator("#ra-ctx-open").wait_for()
            page.locator("#ra-chat .user").last.evaluate(SCROLL_TO_ANSWER)
            page.wait_for_timeout(500)
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot))
        browser.close()
    return seconds


def main() -> int:
    from assistant.settings import apply_offline_defaults

    apply_offline_defaults()
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--index", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--screenshot", type=Path)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    index = ensure_index(args.index)
    from gradio_client import Client

    starts, firsts, pages, warm = [], [], [], []
    for run in range(args.runs):
        port = free_port()
        proc, start_s = start(index, port)
        try:
            url = f"http://127.0.0.1:{port}/"
            client = Client(url, verbose=False)
            t = time.perf_counter()
            text = client.predict(HEADLINE, api_name="/ask")
            firsts.append(time.perf_counter() - t)
            if "50" not in text:
                print(f"warning: the headline answer lacks 50:\n{text}", file=sys.stderr)
            starts.append(start_s)
            for q in WARM_QUESTIONS:
                t = time.perf_counter()
                client.predict(q, api_name="/ask")
                warm.append(time.perf_counter() - t)
            page_s = page_ready_seconds(url, args.screenshot if run == 0 else None)
            if page_s is not None:
                pages.append(page_s)
        finally:
            stop(proc)
    figures = {
        "runs": args.runs,
        "start_to_first_page_s": {
            "median": round(statistics.median(starts), 2),
            "max": round(max(starts), 2),
        },
        "first_answer_s": {"median": round(statistics.median(firsts), 3), "max": round(max(firsts), 3)},
        "warm_answer_s": {"median": round(statistics.median(warm), 3), "max": round(max(warm), 3)},
        "browser_page_ready_s": {"median": round(statistics.median(pages), 2), "max": round(max(pages), 2)}
        if pages
        else None,
    }
    if args.json:
        print(json.dumps(figures))
    else:
        print(f"app start to first page: median {figures['start_to_first_page_s']['median']} s, "
              f"max {figures['start_to_first_page_s']['max']} s ({args.runs} runs)")  # fmt: skip
        print(f"first answer (/ask, headline question): median {figures['first_answer_s']['median']} s, "
              f"max {figures['first_answer_s']['max']} s")  # fmt: skip
        print(
            f"later answers (/ask): median {figures['warm_answer_s']['median']} s, max {figures['warm_answer_s']['max']} s"
        )
        if pages:
            print(f"browser: page to question box {figures['browser_page_ready_s']['median']} s (median)")
        if args.screenshot:
            print(f"screenshot: {args.screenshot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
