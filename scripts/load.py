"""A bounded load test of the chat app through its `/ask` API, with and without an ingest running.

    .venv/bin/python scripts/load.py [--reports ../shared/reports] [--index DIR] [--users 20]
        [--questions 5] [--timeout 600] [--request-timeout 120] [--no-with-ingest] [--embedder NAME]

The index of --reports is built in a temporary folder; with --index DIR an existing index is reused (built
there first when DIR is empty) and copied, so the fictional report of phase 2 never lands in it. The app
runs as `report-assistant serve` on a free port of 127.0.0.1 and is stopped at the end.

Phase 1: every question is asked once by a single user (the references), then --users concurrent users
(threads, each with its own gradio_client.Client) ask --questions questions each. Every answer must equal
its reference.

Phase 2 (--with-ingest, on by default): the same load while `report-assistant ingest NEWFILE` adds a small
fictional report to the same index from another process; the users keep asking until that ingest has
exited. Once it has, a question only the new report answers must get its figure (the running app picks up
the index change by itself). The new report may rightly change the answer to an unscoped question, so a
phase-2 answer is compared with two references: the phase-1 one (the index before) and the one asked
single-user after the ingest (the index after). An answer equal to neither is a difference: a question
answered from a half-swapped index, or differently under load. Comparing with both checks every question,
scoped or not, without guessing which answers the new report leaves alone.

Exit code 0 when there is no error and no difference (and, with the ingest, the new report is answerable),
1 otherwise, 2 when the test could not run (no reports, the app did not start).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT.parent / "shared" / "reports"
HOST = "127.0.0.1"
START_LIMIT_S = 180  # the app loads the index and its models before it answers HTTP
STOP_GRACE_S = 15
RELOAD_WAIT_S = 15  # how long the app may take to notice the new report after the ingest exited
SAMPLE_DIFFS = 3

# Generic questions of several kinds (counts, lists, why, English, no diacritics); none names a report.
QUESTIONS = [
    "Có bao nhiêu đảng viên?",
    "Kết nạp bao nhiêu đảng viên mới?",
    "Có bao nhiêu chi bộ?",
    "Tỷ lệ đảng viên hoàn thành tốt nhiệm vụ là bao nhiêu?",
    "Những nhiệm vụ trọng tâm là gì?",
    "Các bài học kinh nghiệm là gì?",
    "Nguyên nhân của những hạn chế là gì?",
    "Vì sao còn hạn chế, khuyết điểm?",
    "What are the main shortcomings?",
    "How many new party members were admitted?",
    "Why were some targets not met?",
    "co bao nhieu chi bo",
]

# Phase 2's report: invented text about an invented commune, with a figure no real report pairs with it.
NEW_NAME = "Tân Phong Hạ"
NEW_FIGURE = "17"
NEW_REPORT_FILE = "tan_phong_ha_2024.txt"
NEW_REPORT = f"""TÀI LIỆU THỬ TẢI — hư cấu, do scripts/load.py viết ra; mọi tên và số liệu đều không có thật.

ĐẢNG BỘ XÃ {NEW_NAME.upper()}
*
Số: 99-BC/ĐU

ĐẢNG CỘNG SẢN VIỆT NAM
{NEW_NAME}, ngày 20 tháng 12 năm 2024

BÁO CÁO
Tổng kết công tác xây dựng Đảng năm 2024 của Đảng bộ xã {NEW_NAME}

I. KẾT QUẢ CÔNG TÁC NĂM 2024

1. Công tác tổ chức xây dựng Đảng

Đảng bộ xã {NEW_NAME} có 9 chi bộ. Trong năm, Đảng bộ xã {NEW_NAME} kết nạp {NEW_FIGURE} đảng viên mới.

2. Công tác kiểm tra, giám sát

Ủy ban kiểm tra Đảng ủy xã giám sát 6 chi bộ về việc chấp hành nghị quyết.

II. HẠN CHẾ

- Sinh hoạt chuyên đề ở một số chi bộ thôn chưa đều.
"""
PROBE = f"Đảng bộ xã {NEW_NAME} kết nạp bao nhiêu đảng viên mới?"


@dataclass
class Result:
    question: str
    text: str | None  # None when the request failed
    ms: float
    error: str = ""
    done: float = field(default_factory=time.monotonic)  # when the answer (or the failure) came


@dataclass
class Phase:
    name: str
    shape: str
    results: list[Result]
    differences: list[Result] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # beyond failed requests: the ingest, a timeout
    notes: list[str] = field(default_factory=list)  # shown with the errors, not counted among them
    answerable: str = "—"


class Deadline:
    """The global time budget: every wait in the script takes its bound from here."""

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def remaining(self, cap: float | None = None) -> float:
        left = max(0.0, self.end - time.monotonic())
        return left if cap is None else min(left, cap)

    def expired(self) -> bool:
        return time.monotonic() >= self.end


# --- processes ------------------------------------------------------------------------------------------
def cli() -> list[str]:
    """The project's command line, from this interpreter's environment."""
    script = Path(sys.executable).parent / "report-assistant"
    return [str(script)] if script.exists() else [sys.executable, "-m", "assistant.cli"]


def child_env(tmp: Path) -> dict[str, str]:
    """The user's REPORT_ASSISTANT_* settings (a login, another index) must not leak into the run."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPORT_ASSISTANT_")}
    env["REPORT_ASSISTANT_OPEN_BROWSER"] = "0"
    env["REPORT_ASSISTANT_SAMPLES_INDEX"] = str(tmp / "samples-index")  # never the user's own
    return env


def keep_loopback_direct() -> None:
    """A proxy from the environment must not see (or break) requests to the local app."""
    for name in ("NO_PROXY", "no_proxy"):
        hosts = [h for h in os.environ.get(name, "").split(",") if h]
        os.environ[name] = ",".join(dict.fromkeys([*hosts, HOST, "localhost"]))


def embedder_args(embedder: str | None) -> list[str]:
    return ["--embedder", embedder] if embedder else []


def tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def ingest(paths: list[Path], index: Path, embedder: str | None, env: dict, log: Path) -> subprocess.Popen:
    with open(log, "ab") as out:  # the child keeps its own handle
        return subprocess.Popen(
            [*cli(), "ingest", *map(str, paths), "--index", str(index), *embedder_args(embedder)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def stop(proc: subprocess.Popen | None) -> None:
    """Terminate, then kill: the script never leaves a process behind."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=STOP_GRACE_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def wait_for(proc: subprocess.Popen, seconds: float) -> int | None:
    try:
        return proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        return None


def is_index(folder: Path) -> bool:
    return (folder / "manifest.json").is_file()


def prepare_index(args: argparse.Namespace, tmp: Path, env: dict, deadline: Deadline) -> Path:
    """The run's own index: --index copied (built there first if empty), else a fresh one of --reports."""
    source = args.index or tmp / "built-index"
    if not is_index(source):
        if not args.reports.is_dir():
            raise SystemExit(f"error: the reports folder {args.reports} does not exist.")
        print(f"indexing {args.reports} into {source}…", file=sys.stderr, flush=True)
        log = tmp / "build.log"
        code = wait_for(ingest([args.reports], source, args.embedder, env, log), deadline.remaining())
        if code != 0 or not is_index(source):
            raise SystemExit(f"error: building the index failed (exit {code}):\n{tail(log)}")
    if not args.with_ingest and args.index:
        return source  # read-only use: nothing will be added to it
    run_index = tmp / "index"
    shutil.copytree(source, run_index, ignore=shutil.ignore_patterns("writer.lock", ".tmp-*"))
    return run_index


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def answers_http(url: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, never a proxy
    try:
        with opener.open(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def start_app(index: Path, embedder: str | None, env: dict, log: Path, deadline: Deadline):
    """The app on a free port, once its page answers; (process, url)."""
    port = free_port()
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            [*cli(), "serve", "--index", str(index), "--host", HOST, "--port", str(port)]
            + embedder_args(embedder),
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://{HOST}:{port}/"
    limit = time.monotonic() + deadline.remaining(START_LIMIT_S)
    while not answers_http(url):
        if proc.poll() is not None or time.monotonic() > limit:
            stop(proc)
            raise SystemExit(f"error: the app did not start (exit {proc.returncode}):\n{tail(log)}")
        time.sleep(0.2)
    return proc, url


# --- asking ---------------------------------------------------------------------------------------------
def client_for(url: str, timeout: float):
    from gradio_client import Client

    # Nothing but the local app: no analytics, no downloads, a bound on every HTTP call.
    return Client(
        url,
        verbose=False,
        analytics_enabled=False,
        download_files=False,
        max_workers=2,
        httpx_kwargs={"timeout": timeout},
    )


def ask(client, question: str, timeout: float) -> Result:
    started = time.perf_counter()
    try:
        text = client.submit(question, api_name="/ask").result(timeout=timeout)
        return Result(question, str(text), (time.perf_counter() - started) * 1000)
    except Exception as exc:  # a failed request is counted, not fatal: the load goes on
        return Result(question, None, (time.perf_counter() - started) * 1000, f"{type(exc).__name__}: {exc}")


def references(url: str, questions: list[str], timeout: float) -> dict[str, Result]:
    """Each question once, by a single user: the answers the load must reproduce."""
    client = client_for(url, timeout)
    return {q: ask(client, q, timeout) for q in questions}


def user_questions(user: int, count: int, start: int = 0) -> list[str]:
    """User i starts at a different question, so the users together ask every question."""
    return [QUESTIONS[(user * 7 + start + j) % len(QUESTIONS)] for j in range(count)]


def run_user(
    client, user: int, count: int, keep_going: Callable[[], bool], timeout: float, deadline: Deadline
) -> list[Result]:
    """At least `count` questions, and more while `keep_going()` (phase 2: the ingest is running)."""
    out: list[Result] = []
    asked = 0
    while asked < count or keep_going():
        if deadline.expired():
            out.append(Result("", None, 0.0, "global timeout"))
            break
        (question,) = user_questions(user, 1, asked)
        out.append(ask(client, question, deadline.remaining(timeout)))
        asked += 1
    return out


def load(
    url: str,
    users: int,
    count: int,
    timeout: float,
    deadline: Deadline,
    started: Callable[[], None] = lambda: None,
    keep_going: Callable[[], bool] = lambda: False,
) -> tuple[list[Result], list[str]]:
    """`users` threads asking at once; the results, and the errors outside the requests."""
    clients, errors = [], []
    for _ in range(users):  # connected before the clock starts: the load is the questions
        try:
            clients.append(client_for(url, timeout))
        except Exception as exc:
            errors.append(f"client: {type(exc).__name__}: {exc}")
    results: list[list[Result]] = [[] for _ in clients]

    def work(i: int) -> None:
        results[i] = run_user(clients[i], i, count, keep_going, timeout, deadline)

    # Daemon threads: a request stuck past the deadline cannot keep the script alive.
    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(len(clients))]
    for t in threads:
        t.start()
    started()
    for t in threads:
        t.join(deadline.remaining() + 1)
    errors += [f"user {i}: still asking at the global timeout" for i, t in enumerate(threads) if t.is_alive()]
    return [r for rs in results for r in rs], errors


def differences(results: list[Result], allowed: dict[str, set[str]]) -> list[Result]:
    return [r for r in results if r.text is not None and r.text not in allowed.get(r.question, set())]


def new_report_answered(text: str | None) -> bool:
    """The figure in the answer itself (before its sources), and the new report among the sources."""
    if not text:
        return False
    answer = text.split("\nNguồn:", 1)[0]
    return bool(re.search(rf"(?<![\d.,]){NEW_FIGURE}(?![\d]|[.,]\d)", answer)) and NEW_NAME in text


def probe(url: str, timeout: float, deadline: Deadline) -> tuple[bool, Result]:
    """Ask the new report's question until it is answered, for a few seconds at most."""
    client = client_for(url, timeout)
    limit = time.monotonic() + deadline.remaining(RELOAD_WAIT_S)
    while True:
        result = ask(client, PROBE, deadline.remaining(timeout))
        if new_report_answered(result.text) or time.monotonic() > limit:
            return new_report_answered(result.text), result
        time.sleep(1)


# --- phases ---------------------------------------------------------------------------------------------
def phase_one(url: str, args: argparse.Namespace, deadline: Deadline) -> tuple[Phase, dict[str, Result]]:
    refs = references(url, QUESTIONS, args.request_timeout)
    results, errors = load(url, args.users, args.questions, args.request_timeout, deadline)
    phase = Phase("1: load", f"{args.users}×{args.questions}", results, errors=errors)
    phase.errors += [f"reference {q!r}: {r.error}" for q, r in refs.items() if r.error]
    phase.differences = differences(results, {q: {r.text} for q, r in refs.items() if r.text is not None})
    return phase, refs


class IngestRun:
    """The phase-2 ingest process, and when it ran (to tell how much of the load overlapped it)."""

    def __init__(self, new_file: Path, index: Path, embedder: str | None, env: dict, log: Path) -> None:
        self.args = (new_file, index, embedder, env, log)
        self.proc: subprocess.Popen | None = None
        self.started = self.ended = 0.0

    def start(self) -> None:
        new_file, index, embedder, env, log = self.args
        self.started = time.monotonic()
        self.proc = ingest([new_file], index, embedder, env, log)

    def running(self) -> bool:
        if self.proc is None or self.proc.poll() is not None:
            self.ended = self.ended or time.monotonic()
            return False
        return True

    def wait(self, seconds: float) -> int | None:
        code = wait_for(self.proc, seconds) if self.proc else None
        self.running()
        return code


def write_new_report(tmp: Path) -> Path:
    folder = tmp / "new-report"
    folder.mkdir()
    path = folder / NEW_REPORT_FILE
    path.write_text(NEW_REPORT, encoding="utf-8")
    return path


def phase_two(
    url: str, index: Path, args: argparse.Namespace, env: dict, tmp: Path, refs: dict, deadline: Deadline
) -> Phase:
    new_file = write_new_report(tmp)
    before = ask(client_for(url, args.request_timeout), PROBE, args.request_timeout)
    run = IngestRun(new_file, index, args.embedder, env, tmp / "ingest.log")
    try:
        results, errors = load(
            url, args.users, args.questions, args.request_timeout, deadline, run.start, run.running
        )
        code = run.wait(deadline.remaining())
    finally:
        stop(run.proc)
    phase = Phase("2: load + ingest", f"{args.users}×{args.questions}+", results, errors=errors)
    during = sum(1 for r in results if run.started <= r.done <= run.ended)
    print(f"the ingest ran {run.ended - run.started:.1f} s; {during} answers came meanwhile", file=sys.stderr)
    if code != 0:
        phase.errors.append(f"the ingest exited with {code}:\n{tail(tmp / 'ingest.log')}")
        phase.answerable = "no"
        return phase
    answered, last = probe(url, args.request_timeout, deadline)
    phase.answerable = "yes" if answered and not new_report_answered(before.text) else "no"
    if phase.answerable == "no":
        phase.notes.append(f"the new report is not answered; {PROBE!r} got:\n{last.text or last.error}")
    else:
        print(f"the new report was answered {last.done - run.ended:.1f} s after the ingest", file=sys.stderr)
    after = references(url, QUESTIONS, args.request_timeout)
    phase.errors += [f"after-ingest reference {q!r}: {r.error}" for q, r in after.items() if r.error]
    allowed = {q: {r.text for r in (refs[q], after[q]) if r.text is not None} for q in QUESTIONS}
    phase.differences = differences(results, allowed)
    changed = sum(1 for q in QUESTIONS if refs[q].text != after[q].text)
    print(f"answers changed by the new report: {changed} of {len(QUESTIONS)} questions", file=sys.stderr)
    return phase


# --- report ---------------------------------------------------------------------------------------------
def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def error_count(phase: Phase) -> int:
    return sum(1 for r in phase.results if r.error) + len(phase.errors)


def row(phase: Phase) -> list[str]:
    ms = [r.ms for r in phase.results if not r.error]
    return [
        phase.name,
        phase.shape,
        str(len(phase.results)),
        f"{percentile(ms, 50):.0f}",
        f"{percentile(ms, 95):.0f}",
        f"{max(ms, default=float('nan')):.0f}",
        str(error_count(phase)),
        str(len(phase.differences)),
        phase.answerable,
    ]


HEADER = ["phase", "users×questions", "requests", "p50 ms", "p95 ms", "max ms", "errors", "differences",
          "new report answerable"]  # fmt: skip


def print_table(phases: list[Phase]) -> None:
    rows = [HEADER, *map(row, phases)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    for r in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip(), flush=True)


def print_problems(phases: list[Phase]) -> None:
    for phase in phases:
        failed = [r for r in phase.results if r.error]
        for message in phase.errors + [f"{r.question!r}: {r.error}" for r in failed[:SAMPLE_DIFFS]]:
            print(f"[{phase.name}] error: {message}", file=sys.stderr)
        for message in phase.notes:
            print(f"[{phase.name}] {message}", file=sys.stderr)
        for r in phase.differences[:SAMPLE_DIFFS]:
            print(f"[{phase.name}] difference for {r.question!r}:\n{r.text}", file=sys.stderr)


def failed(phase: Phase) -> bool:
    return bool(error_count(phase) or phase.differences or phase.answerable == "no")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reports", type=Path, default=REPORTS)
    parser.add_argument("--index", type=Path, help="reuse this index (copied for the run)")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--questions", type=int, default=5, help="questions per user")
    parser.add_argument("--timeout", type=float, default=600, help="global bound, seconds")
    parser.add_argument("--request-timeout", type=float, default=120, help="bound of one request, seconds")
    parser.add_argument("--with-ingest", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--embedder", help="passed to report-assistant (default: its own)")
    return parser.parse_args(argv)


def interrupt(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt  # so `finally` stops the app when the script itself is terminated


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, interrupt)
    sys.path.insert(0, str(ROOT))
    from assistant.settings import apply_offline_defaults

    apply_offline_defaults()  # the children inherit it: no hub, no telemetry
    keep_loopback_direct()
    args = parse_args(argv)
    deadline = Deadline(args.timeout)
    app = None
    with tempfile.TemporaryDirectory(prefix="ra-load-") as name:
        tmp = Path(name)
        env = child_env(tmp)
        try:
            index = prepare_index(args, tmp, env, deadline)
            app, url = start_app(index, args.embedder, env, tmp / "app.log", deadline)
            print(f"app at {url}; phase 1…", file=sys.stderr, flush=True)
            phase, refs = phase_one(url, args, deadline)
            phases = [phase]
            if args.with_ingest:
                print("phase 2 (with an ingest)…", file=sys.stderr, flush=True)
                phases.append(phase_two(url, index, args, env, tmp, refs, deadline))
            if app.poll() is not None:
                phases[-1].errors.append(f"the app exited with {app.returncode}:\n{tail(tmp / 'app.log')}")
        except SystemExit as exc:
            print(exc, file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            return 130
        finally:
            stop(app)
    print_problems(phases)
    print_table(phases)
    return 1 if any(map(failed, phases)) else 0


if __name__ == "__main__":
    sys.exit(main())
