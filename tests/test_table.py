"""A count across many reports answered with a table: each report's own figure (not another figure of the
same report), the best ten shown with how many more, and the whole table as CSV from `ask --table` and
from the app, the same rows as the answer's. The reports are fictional, written here."""

from __future__ import annotations

import csv
import io
import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.app_handlers import ChatApp
from assistant.app_turns import turn_from_answer
from assistant.engine import Engine
from assistant.settings import OFFLINE_ENVIRONMENT, Settings
from assistant.tables import COLUMNS, table_csv

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "Có bao nhiêu đảng viên bị kỷ luật?"
COMMUNES = ["An Bình", "Phú Mỹ", "Sơn Hà", "Tân Lập", "Hòa Lạc", "Đông Xuân", "Vạn Phúc", "Yên Thế",
            "Minh Đức", "Thanh Sơn", "Lạc Hồng", "Quảng Phú"]  # fmt: skip
PROVINCES = ["Nghệ An", "Hà Tĩnh", "Quảng Bình"]


def commune_report(name: str, province: str, number: int, figures: dict[str, int]) -> str:
    """A commune's annual report that states its disciplined members among other figures of members."""
    return (
        f"TỈNH ỦY {province.upper()}\nĐẢNG ỦY XÃ {name.upper()}\n*\nSố {number}-BC/ĐU\n\n"
        f"{name}, ngày 15 tháng 12 năm 2024\n\nBÁO CÁO\nTổng kết công tác xây dựng Đảng năm 2024\n\n"
        "I. CÔNG TÁC XÂY DỰNG ĐẢNG\n"
        f"Trong năm, Đảng bộ đã kết nạp {figures['admitted']} đảng viên mới, nâng tổng số đảng viên lên "
        f"{figures['members']} đồng chí.\n"
        "II. CÔNG TÁC KIỂM TRA, GIÁM SÁT VÀ KỶ LUẬT ĐẢNG\n"
        f"Cấp ủy đã xử lý kỷ luật {figures['disciplined']} đảng viên (trong đó, khiển trách: "
        f"{figures['reprimanded']} đảng viên, cảnh cáo: {figures['warned']} đảng viên).\n"
        f"Ủy ban Kiểm tra đã kiểm tra {figures['inspected']} tổ chức đảng.\n"
    )


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> tuple[Path, dict[str, dict[str, int]]]:
    """Twelve communes' reports, ingested; {file name: the figures its report states}."""
    root = tmp_path_factory.mktemp("archive")
    rng = random.Random(11)
    folder = root / "reports"
    folder.mkdir()
    stated: dict[str, dict[str, int]] = {}
    for i, name in enumerate(COMMUNES, start=1):
        reprimanded, warned = rng.randint(1, 9), rng.randint(1, 5)
        figures = {
            "admitted": rng.randint(10, 40),
            "members": rng.randint(200, 600),
            "disciplined": reprimanded + warned,
            "reprimanded": reprimanded,
            "warned": warned,
            "inspected": rng.randint(3, 12),
        }
        file = f"xa-{i:02d}.txt"
        (folder / file).write_text(commune_report(name, PROVINCES[i % 3], 100 + i, figures), encoding="utf-8")
        stated[file] = figures
    index = root / "index"
    Engine(Settings.from_env(index, embedder="hashing")).ingest([folder], show_progress=False)
    return index, stated


@pytest.fixture(scope="module")
def engine(archive) -> Engine:
    return Engine(Settings.from_env(archive[0], embedder="hashing"))


def test_a_count_over_many_reports_is_a_table_of_each_reports_own_figure(archive, engine):
    _index, stated = archive
    answer = engine.ask(QUESTION)
    by_report = {row.report: row for row in answer.table}
    assert set(by_report) == set(stated)
    for file, figures in stated.items():
        row = by_report[file]
        assert row.figure == figures["disciplined"]  # not the admitted, members or inspected figure
        assert f"{figures['disciplined']} đảng viên" in row.quote
        assert str(figures["reprimanded"]) in row.breakdown and str(figures["warned"]) in row.breakdown
    meta_of = {r.report: (r.issuing_body, r.province, r.term) for r in answer.table}
    assert meta_of["xa-02.txt"] == ("Đảng ủy xã Phú Mỹ", "Quảng Bình", "2024")


def test_the_answer_shows_the_best_ten_rows_and_says_how_many_more(engine):
    answer = engine.ask(QUESTION)
    rows = [line for line in answer.text.splitlines() if line.startswith("| ") and "[" in line]
    assert len(rows) == 10
    assert "… và 2 báo cáo khác" in answer.text
    shown = [row for row in answer.table if row.marker is not None]
    assert [r.report for r in shown] == [r.report for r in answer.table[:10]]
    for row in shown:  # each shown row cites its report's sentence
        citation = answer.citations[row.marker - 1]
        assert citation.doc == row.report and str(int(row.figure)) in citation.text
    english = engine.ask("How many party members were disciplined?")
    assert len(english.table) == 12 and "… and 2 more reports" in english.text


def test_a_count_over_few_reports_is_no_table(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    for i, name in enumerate(COMMUNES[:3], start=1):
        figures = dict(admitted=12, members=300, disciplined=4 + i, reprimanded=3, warned=1 + i, inspected=5)
        (folder / f"xa-{i}.txt").write_text(commune_report(name, "Nghệ An", i, figures), encoding="utf-8")
    few = Engine(Settings.from_env(tmp_path / "index", embedder="hashing"))
    few.ingest([folder], show_progress=False)
    answer = few.ask(QUESTION)
    assert not answer.table and "| " not in answer.text
    assert all(f"{4 + i} đảng viên" in answer.text for i in (1, 2, 3))


def parsed(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def ask_cli(index: Path, flag: str) -> str:
    command = [sys.executable, "-m", "assistant.cli", "ask", "--index", str(index), "--embedder", "hashing"]
    env = {**os.environ, **OFFLINE_ENVIRONMENT}
    done = subprocess.run(
        [*command, flag, QUESTION], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=True
    )
    return done.stdout


def test_ask_table_prints_the_whole_table_as_csv(archive, engine):
    index, stated = archive
    out = ask_cli(index, "--table")
    printed = parsed(out[out.index(",".join(COLUMNS)) :])
    assert len(printed) == len(stated)
    assert {r["report"]: float(r["figure"]) for r in printed} == {
        f: float(v["disciplined"]) for f, v in stated.items()
    }
    assert parsed(table_csv(engine.ask(QUESTION).table)) == printed

    as_json = ask_cli(index, "--json")
    assert [r["report"] for r in json.loads(as_json)["table"]] == [r["report"] for r in printed]


def test_the_app_offers_the_table_as_a_csv_file_matching_the_answer(engine, tmp_path):
    app = ChatApp(engine)
    app.notes_dir = tmp_path / "notes"
    answer = engine.ask(QUESTION)
    path = app.write_table(turn_from_answer(engine, QUESTION, answer))
    assert path is not None and Path(path).suffix == ".csv"
    rows = parsed(Path(path).read_text(encoding="utf-8-sig"))
    assert rows == parsed(table_csv(answer.table))
    *_, last = list(app.respond(QUESTION, [], None))
    assert last[-1]["visible"] is True and Path(last[-1]["value"]).is_file()
    *_, plain = list(app.respond("Báo cáo của xã Phú Mỹ do ai ban hành?", [], None))
    assert plain[-1]["visible"] is False


def test_a_comparison_across_many_reports_is_a_table_citing_only_what_it_shows(engine):
    answer = engine.ask("Số đảng viên bị kỷ luật năm 2024 của các xã so với nhau thế nào?")
    assert len(answer.table) > 5
    assert all(1 <= n <= len(answer.citations) for n in map(int, re.findall(r"\[(\d+)\]", answer.text)))
