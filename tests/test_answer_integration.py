"""Answers over the real reports in ../shared/reports (bundled embedder, no language model)."""

import json
import subprocess
import sys

import pytest

from assistant.evaluation import grade, load_gold
from ingest.numbers import numbers_in

pytestmark = pytest.mark.integration

HEADLINE = (
    "Có bao nhiêu đảng viên bị kỷ luật?",
    "co bao nhieu dang vien bi ky luat",
    "How many members were disciplined?",
)


def report_of(engine, prefix):
    return next(r for r in engine.reports() if r.meta.doc.startswith(prefix))


@pytest.mark.parametrize("question", HEADLINE)
def test_headline_answers_per_report(shared_engine, question):
    answer = shared_engine.ask(question)
    assert answer.found
    bloc = report_of(shared_engine, "002")
    dept = report_of(shared_engine, "000")
    by_doc = {c.doc_key: c for c in answer.citations}
    assert set(by_doc) == {bloc.key, dept.key}
    # The figures come from the passages cited for each report, and the answer names them.
    bloc_numbers = {v for v, *_ in numbers_in(by_doc[bloc.key].text)}
    assert {50.0, 30.0, 6.0, 1.0, 13.0} <= bloc_numbers
    assert "xử lý kỷ luật 50 đảng viên" in by_doc[bloc.key].text
    assert "3 trường hợp đảng viên" in by_doc[dept.key].text
    for figure in ("50", "30", "6", "1", "13"):
        assert figure in answer.text
    assert "53" not in answer.text
    assert "Khối các cơ quan tỉnh" in answer.text and "Sở Khoa học và Công nghệ" in answer.text
    if question.startswith("How"):
        assert "reprimand" in answer.text


def test_public_gold_answers(shared_engine):
    from tests.conftest import GOLD

    if not GOLD.exists():
        pytest.skip(f"gold set not found: {GOLD}")
    rows = [
        grade(item, shared_engine.ask(item["question"], item.get("history") or []).to_dict())
        for item in load_gold(GOLD)
    ]

    def share(pred):
        chosen = [r["correct"] for r in rows if pred(r)]
        return sum(chosen) / len(chosen)

    assert share(lambda r: r["lang"] == "vi" and r["type"] != "unanswerable") >= 0.85
    assert share(lambda r: r["lang"] == "en" and r["type"] != "unanswerable") >= 0.75
    assert share(lambda r: r["type"] == "unanswerable") >= 0.80


def test_cli_ask_json_and_batch(shared_index, tmp_path):
    run = [sys.executable, "-m", "assistant.cli"]
    out = subprocess.run(
        [*run, "ask", "Có bao nhiêu đảng viên bị kỷ luật?", "--index", str(shared_index), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    answer = json.loads(out.stdout)
    assert answer["found"] and "50" in answer["answer"] and answer["citations"]

    batch = tmp_path / "q.jsonl"
    lines = [
        {
            "id": "a",
            "question": "In the Bloc of provincial agencies mid-term report, how many party members were disciplined?",
        },
        {
            "id": "b",
            "question": "And how many were expelled?",
            "history": [
                {
                    "q": "In the Bloc of provincial agencies mid-term report, how many party members were disciplined?",
                    "a": "50",
                }
            ],
        },
    ]
    batch.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    out = subprocess.run(
        [*run, "ask", "--batch", str(batch), "--index", str(shared_index), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    results = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["id"] for r in results] == ["a", "b"]
    assert "50" in results[0]["answer"] and "13" in results[1]["answer"]
