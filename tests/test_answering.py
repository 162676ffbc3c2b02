"""Answers on reports written here, in a real on-disk index (fake embedder: the answerer needs no model)."""

import pytest

from ingest.errors import ReportAssistantError
from ingest.numbers import numbers_in

BLOC = """BÁO CÁO
Sơ kết giữa nhiệm kỳ của Đảng bộ Khối các cơ quan tỉnh Thái Bình, nhiệm kỳ 2020 - 2025

I. KẾT QUẢ
1. Kết nạp 120 đảng viên mới (chỉ tiêu Đại hội: 150 đảng viên mới) - đạt chỉ tiêu.
2. Công tác kiểm tra, giám sát, kỷ luật Đảng
Toàn Đảng bộ đã xử lý kỷ luật 2 tổ chức đảng (trong đó, cảnh cáo: 01, khiển trách: 01); xử lý kỷ luật 24 đảng viên (trong đó, khiển trách: 15 đảng viên, cảnh cáo: 05 đảng viên, khai trừ: 04 đảng viên).
II. HẠN CHẾ VÀ NGUYÊN NHÂN
Công tác giám sát chưa thường xuyên, dẫn đến có đảng viên vi phạm phải xử lý kỷ luật.
"""
DEPT = """BÁO CÁO
Kiểm điểm công tác lãnh đạo của Ban Chấp hành Đảng bộ Sở Khoa học và Công nghệ tỉnh Nam Định nhiệm kỳ 2020 - 2025

I. TÌNH HÌNH
Đảng bộ có 57 đảng viên, sinh hoạt tại 4 chi bộ.
II. CÔNG TÁC KIỂM TRA
Chi bộ đã xem xét xử lý 2 trường hợp đảng viên vi phạm chính sách dân số, hình thức kỷ luật khiển trách.
"""


@pytest.fixture
def engine(engine_on):
    return engine_on({"bloc.txt": BLOC, "dept.txt": DEPT})


def cited_numbers(answer) -> set[float]:
    return {v for c in answer.citations for v, *_ in numbers_in(c.text)}


def test_count_per_report_never_summed(engine):
    answer = engine.ask("Có bao nhiêu đảng viên bị kỷ luật?")
    assert answer.found
    assert "24 đảng viên" in answer.text and "2 trường hợp đảng viên" in answer.text
    assert "26" not in answer.text  # never added up across reports
    assert "khiển trách: 15" in answer.text and "khai trừ: 4" in answer.text  # the breakdown
    assert "Thái Bình" in answer.text and "Nam Định" in answer.text  # each figure labelled by report
    assert {24.0, 2.0} <= cited_numbers(answer)


def test_citations_quote_the_report_verbatim(engine):
    answer = engine.ask("co bao nhieu dang vien bi ky luat")
    assert len(answer.citations) == 2
    for citation in answer.citations:
        record = engine.records[citation.doc_key]
        assert record.text[citation.start : citation.end] == citation.text
        assert f"[{citation.n}]" in answer.text


def test_english_question_gets_english_framing(engine):
    answer = engine.ask(
        "In the Bloc of provincial agencies mid-term report, how many members were disciplined?"
    )
    assert answer.found and len(answer.citations) == 1
    assert "24" in answer.text and "reprimand" in answer.text and "Mid-term review" in answer.text
    assert "Nam Định" not in answer.text


def test_scoped_question_and_target(engine):
    answer = engine.ask("Đảng bộ Khối kết nạp bao nhiêu đảng viên mới, so với chỉ tiêu?")
    assert "120" in answer.text and "chỉ tiêu: 150" in answer.text


def test_followup_uses_the_previous_turn(engine):
    history = [
        {
            "q": "Trong báo cáo sơ kết giữa nhiệm kỳ của Đảng bộ Khối, bao nhiêu đảng viên bị kỷ luật?",
            "a": "24",
        }
    ]
    answer = engine.ask("Và bao nhiêu bị khai trừ?", history)
    assert answer.found and "4 đảng viên" in answer.text and "24" not in answer.text
    en = engine.ask(
        "And how many were expelled?",
        [{"q": "In the Bloc mid-term report, how many members were disciplined?", "a": ""}],
    )
    assert "4 party members expelled (khai trừ)" in en.text


def test_not_found_never_borrows_another_reports_number(engine):
    answer = engine.ask("Đảng bộ Sở KH&CN Nam Định có bao nhiêu đảng viên bị khai trừ?")
    assert not answer.found
    assert "Không tìm thấy" in answer.text
    assert "4" not in answer.text.replace("2020–2025", "")
    other_year = engine.ask("Năm 2024, Đảng bộ Khối kết nạp bao nhiêu đảng viên?")
    assert not other_year.found and "120" not in other_year.text


def test_why_question_quotes_sentences(engine):
    answer = engine.ask("Vì sao có đảng viên bị xử lý kỷ luật ở Đảng bộ Khối?")
    assert answer.found and "«" in answer.text and "giám sát chưa thường xuyên" in answer.text


def test_citation_check_withdraws_an_unsupported_number(engine, monkeypatch):
    from assistant.answerers.counts import CountAnswerer

    real = CountAnswerer._describe
    monkeypatch.setattr(
        CountAnswerer, "_describe", lambda self, fact, lang: real(self, fact, lang) + " (tổng 999)"
    )
    answer = engine.ask("Đảng bộ Khối kết nạp bao nhiêu đảng viên mới?")
    assert "999" not in answer.text
    assert not answer.found  # the only claim was withdrawn


def test_answer_json_shape(engine):
    data = engine.ask("Có bao nhiêu đảng viên bị kỷ luật?").to_dict()
    assert set(data) >= {"question", "answer", "found", "citations", "passages", "timings_ms"}
    assert set(data["citations"][0]) >= {"n", "doc", "title", "section", "text", "start", "end", "score"}
    assert set(data["timings_ms"]) == {"search", "answer", "total"}


def test_empty_question_is_a_clear_error(engine):
    with pytest.raises(ReportAssistantError, match="empty"):
        engine.ask("   ")


def test_a_part_of_a_breakdown_is_answered_on_its_own(engine):
    answer = engine.ask("Đảng bộ Khối có bao nhiêu đảng viên bị khai trừ?")
    assert answer.found and "khai trừ 4 đảng viên" in answer.text
    assert "24" not in answer.text  # not the total it is part of


def test_several_figures_the_question_names(engine):
    answer = engine.ask("Đảng bộ Khối đã xử lý kỷ luật bao nhiêu tổ chức đảng và bao nhiêu đảng viên?")
    assert "2 tổ chức đảng" in answer.text and "24 đảng viên" in answer.text


def test_who_holds_a_post_needs_a_name(tmp_path, make_engine):
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "I. TÌNH HÌNH\nĐ/c Nguyễn Văn An, Bí thư Đảng ủy, chủ trì Hội nghị tổng kết.\n", encoding="utf-8"
    )
    (folder / "b.txt").write_text(
        "I. TÌNH HÌNH\nBí thư Đảng ủy Sở tỉnh Nam Định thường xuyên chỉ đạo công tác kiểm tra.\n",
        encoding="utf-8",
    )
    engine = make_engine()
    engine.ingest([folder], show_progress=False)
    answer = engine.ask("Ai là Bí thư Đảng ủy chủ trì Hội nghị tổng kết?")
    assert answer.found and "Nguyễn Văn An" in answer.text
    missing = engine.ask("Ai là Bí thư Đảng ủy Sở tỉnh Nam Định?")
    assert not missing.found  # the report names the post but nobody in it
