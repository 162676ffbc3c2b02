"""scripts/load.py, briefly: a few users on a tiny index of two invented reports, with the small
sentence-transformers test model so the run stays cheap. The script starts the app (on 127.0.0.1) and
stops it; the test runs the script in its own session and ends that session if it overruns."""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "load.py"
RUN_LIMIT_S = 420

# Invented reports, written here: two bodies, a few figures, a shortcoming each.
REPORTS = {
    "bao_cao_a.txt": """ĐẢNG BỘ SỞ THỬ NGHIỆM TỈNH HÀ LAM
BÁO CÁO
Tổng kết công tác xây dựng Đảng năm 2023 của Đảng bộ Sở Thử nghiệm tỉnh Hà Lam

I. KẾT QUẢ
Đảng bộ có 5 chi bộ với 64 đảng viên. Trong năm kết nạp 4 đảng viên mới.

II. HẠN CHẾ
- Sinh hoạt chi bộ có lúc chưa đều.
""",
    "bao_cao_b.txt": """ĐẢNG BỘ SỞ MẪU TỈNH SƠN NGUYÊN
BÁO CÁO
Sơ kết giữa nhiệm kỳ của Đảng bộ Sở Mẫu tỉnh Sơn Nguyên, nhiệm kỳ 2020 - 2025

I. KẾT QUẢ
Đảng bộ có 3 chi bộ với 41 đảng viên. Kỷ luật 2 đảng viên.

II. HẠN CHẾ
- Việc học tập nghị quyết còn hình thức.
""",
}


@pytest.fixture(scope="module")
def embedder() -> str:
    return "hashing"  # no model: the test measures the app under load, not the embedder


@pytest.fixture
def reports(tmp_path) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir()
    for name, text in REPORTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def run_script(*args: str) -> subprocess.CompletedProcess:
    """The script in its own session: on overrun the whole group (script, app, ingest) is ended."""
    proc = subprocess.Popen(
        [sys.executable, str(SCRIPT), *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=RUN_LIMIT_S)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGTERM)  # the script's own handler stops the app first
        try:
            out, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
        pytest.fail(f"scripts/load.py overran {RUN_LIMIT_S} s:\n{out}\n{err}")
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def summary_rows(stdout: str) -> dict[str, list[str]]:
    """The table's rows by phase number, cells split on runs of two spaces."""
    rows = {}
    for line in stdout.splitlines():
        cells = [c.strip() for c in line.split("  ") if c.strip()]
        if cells and cells[0][:2] in ("1:", "2:"):
            rows[cells[0][0]] = cells
    return rows


def common_args(reports: Path, embedder: str) -> list[str]:
    return ["--reports", str(reports), "--embedder", embedder, "--users", "3", "--questions", "2"]


def load_module():
    spec = importlib.util.spec_from_file_location("load_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_the_checks_are_not_vacuous():
    """An answer equal to neither reference is a difference; the new figure must be in the answer itself."""
    load = load_module()
    results = [
        load.Result("q", "before", 1.0),
        load.Result("q", "after", 1.0),
        load.Result("q", "mixed", 1.0),
    ]
    assert [r.text for r in load.differences(results, {"q": {"before", "after"}})] == ["mixed"]
    assert load.differences([load.Result("q", None, 1.0, "error")], {"q": {"a"}}) == []  # counted as error
    name, figure = load.NEW_NAME, load.NEW_FIGURE
    assert load.new_report_answered(f"Kết nạp {figure} đảng viên mới.\n\nNguồn:\n[1] Đảng bộ xã {name}")
    assert not load.new_report_answered(f"Không thấy.\n\nNguồn:\n[1] {name}: {figure} đảng viên")
    assert not load.new_report_answered(f"Kết nạp 2{figure}0 đảng viên.\n\nNguồn:\n[1] {name}")


def test_load_with_ingest_picks_up_the_new_report(reports, embedder):
    done = run_script(*common_args(reports, embedder), "--timeout", "360")
    rows = summary_rows(done.stdout)
    assert set(rows) == {"1", "2"}, done.stdout + done.stderr
    assert rows["1"][1:3] == ["3×2", "6"] and rows["1"][6:8] == ["0", "0"], rows
    assert rows["2"][6:8] == ["0", "0"], done.stdout + done.stderr  # no error, no mixed answer
    assert rows["2"][8] == "yes", "the running app did not pick up the ingested report:\n" + done.stderr
    assert done.returncode == 0, done.stdout + done.stderr
