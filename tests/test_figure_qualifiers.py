"""What tells apart figures stated side by side, on reports written here (real index, fake embedder): the
rating level, the body that did it, a narrower kind of what is counted; and the words that name a report or
only shape the question."""

from __future__ import annotations

import pytest

from ingest.agents import agents_in, asked_agent, figure_agent
from ingest.ratings import LEVEL, RATING
from ingest.tokens import words
from tests.conftest import figures_in

CELL = """BÁO CÁO
Kết quả lãnh đạo thực hiện nhiệm vụ năm 2024 của Chi bộ Trường Tiểu học Yên Lạc, tỉnh Nghệ An

I. KẾT QUẢ
Chi bộ hiện có 31 đảng viên (28 đảng viên chính thức, 03 đảng viên dự bị), trong đó có 19 đảng viên nữ.
Năm 2024, Chi bộ kiểm tra 04 đảng viên, giám sát 05 đảng viên.
Kết quả đánh giá, xếp loại: 06 đảng viên hoàn thành xuất sắc nhiệm vụ, 22 đảng viên hoàn thành tốt nhiệm vụ, 02 đảng viên hoàn thành nhiệm vụ, 01 đảng viên không hoàn thành nhiệm vụ.
"""
DISTRICT = """BÁO CÁO
Kết quả công tác kiểm tra, giám sát năm 2024 của Ủy ban Kiểm tra Huyện ủy Sơn Hà, tỉnh Quảng Ngãi

I. KẾT QUẢ
Ban Thường vụ Huyện ủy giám sát chuyên đề 09 tổ chức đảng và 15 đảng viên.
Ủy ban Kiểm tra Huyện ủy giám sát chuyên đề 13 tổ chức đảng và 21 đảng viên.
Năm 2024 có 44 cá nhân được cấp ủy cơ sở tặng giấy khen, 17 cá nhân được Ban Thường vụ Huyện ủy tặng giấy khen.
"""
WARD_A = """BÁO CÁO
Sơ kết giữa nhiệm kỳ 2020 - 2025 của Đảng ủy phường An Phú, tỉnh Gia Lai

Đảng bộ phường đã thi hành kỷ luật 08 đảng viên (khiển trách 05, cảnh cáo 02, khai trừ 01).
"""
WARD_B = """BÁO CÁO
Báo cáo chính trị nhiệm kỳ 2025 - 2030 của Đảng ủy phường Bình Minh, tỉnh Gia Lai

Đảng bộ phường đã thi hành kỷ luật 13 đảng viên (khiển trách 09, cảnh cáo 03, khai trừ 01).
"""
COUNCIL = """ĐẢNG BỘ TỈNH KON TUM
ĐẢNG ĐOÀN HỘI ĐỒNG NHÂN DÂN TỈNH
*
Số 41-BC/ĐĐ
Kon Tum, ngày 12 tháng 3 năm 2025

BÁO CÁO
Kết quả lãnh đạo hoạt động của Hội đồng nhân dân tỉnh nửa đầu nhiệm kỳ 2021 - 2026

I. KẾT QUẢ
Từ đầu nhiệm kỳ đến nay đã giải quyết 1.412 kiến nghị của cử tri, còn 96 kiến nghị chưa được giải quyết.
Trong nhiệm kỳ, toàn Đảng bộ kết nạp được 2.310 đảng viên mới, đạt 105% chỉ tiêu (chỉ tiêu 2.200 đảng viên); trong đó năm 2021 kết nạp 418 đảng viên, năm 2022 kết nạp 455 đảng viên, năm 2023 kết nạp 472 đảng viên.
Tổng doanh thu của các doanh nghiệp nhà nước đạt 860 tỷ đồng, bằng 107,5% kế hoạch (kế hoạch 800 tỷ đồng).
Năm 2024 có 14 giáo viên đạt danh hiệu giáo viên dạy giỏi cấp huyện và 31 học sinh đạt giải học sinh giỏi cấp tỉnh.
Tổng số tiền ủng hộ Quỹ trong 6 tháng đầu năm 2024 là 1.250 triệu đồng (cùng kỳ năm 2023 là 1.100 triệu đồng).
Cả năm 2023, tổng số tiền ủng hộ Quỹ là 2.300 triệu đồng.
"""


@pytest.fixture
def engine(engine_on):
    return engine_on(
        {
            "cell.txt": CELL,
            "district.txt": DISTRICT,
            "ward_a.txt": WARD_A,
            "ward_b.txt": WARD_B,
            "council.txt": COUNCIL,
        }
    )


def test_a_rating_level_is_read_beside_its_figure_and_in_the_question():
    assert (
        RATING.of_figure(words("06 đảng viên"), words("đảng viên hoàn thành xuất sắc nhiệm vụ"))
        == "excellent"
    )
    assert RATING.of_figure(words("danh hiệu Hoàn thành tốt nhiệm vụ cho"), words("chi bộ")) == "good"
    assert RATING.of_figure(words(""), words("đảng viên không hoàn thành nhiệm vụ")) == "failed"
    assert RATING.asked(words("bao nhiêu đảng viên hoàn thành tốt nhiệm vụ")) == "good"
    english = "How many party members failed to complete their tasks?"
    assert RATING.asked(words(english), english) == "failed"
    assert RATING.asked(words("bao nhiêu đảng viên bị kỷ luật")) == ""


def test_a_count_at_one_rating_level_is_not_the_count_at_another(engine):
    for question, right, wrong in (
        ("Chi bộ Trường Tiểu học Yên Lạc có bao nhiêu đảng viên hoàn thành tốt nhiệm vụ?", 22, 6),
        ("Chi bộ Trường Tiểu học Yên Lạc có mấy đảng viên hoàn thành xuất sắc nhiệm vụ?", 6, 22),
        ("How many party members of the Yên Lạc primary school cell failed to complete their tasks?", 1, 22),
    ):
        figures = figures_in(engine.ask(question).text)
        assert right in figures and wrong not in figures, (question, figures)


def test_the_body_that_did_it_is_read_before_the_figure_or_after_a_passive():
    assert [k for *_, k in agents_in(words("Ủy ban Kiểm tra Huyện ủy giám sát"))] == ["inspection"]
    assert figure_agent(words("Ban Thường vụ Huyện ủy giám sát chuyên đề"), []) == "standing"
    assert figure_agent(words("Đảng ủy kiểm tra 05 chi bộ và"), []) == "committee"  # not the cells counted
    assert figure_agent([], words("cá nhân được cấp ủy cơ sở tặng giấy khen")) == "committee"
    not_doers = [("bao", "nhieu")]
    asked = words("Ủy ban Kiểm tra giám sát bao nhiêu chi bộ")  # the body, then its verb: the doer
    assert asked_agent(asked, {asked.index("giam")}, not_doers) == "inspection"
    named = words("theo báo cáo của Ủy ban Kiểm tra, có bao nhiêu chi bộ được giám sát")
    assert asked_agent(named, {named.index("giam")}, not_doers) == ""  # whose report, not who did it
    merged = words("Trước hợp nhất, Ban Chấp hành có bao nhiêu ủy viên")
    assert asked_agent(merged, {merged.index("hop")}, not_doers) == ""  # the verb is not the body's


def test_a_figure_done_by_the_body_asked_is_chosen_over_another_bodys(engine):
    inspection = engine.ask(
        "Năm 2024 Ủy ban Kiểm tra Huyện ủy Sơn Hà giám sát chuyên đề bao nhiêu tổ chức đảng?"
    ).text
    assert 13 in figures_in(inspection) and 9 not in figures_in(inspection)
    standing = engine.ask("How many individuals received certificates of merit from the standing committee?")
    assert 17 in figures_in(standing.text) and 44 not in figures_in(standing.text)


def test_a_narrower_kind_of_what_is_counted_is_not_added_to_the_answer(engine):
    figures = figures_in(
        engine.ask("Chi bộ Trường Tiểu học Yên Lạc hiện có tất cả bao nhiêu đảng viên?").text
    )
    assert 31 in figures and 19 not in figures  # the women members are a part, not what was asked
    assert 19 in figures_in(engine.ask("Chi bộ Trường Tiểu học Yên Lạc có bao nhiêu đảng viên nữ?").text)


def test_a_body_named_by_its_level_and_name_scopes_to_that_body_only(engine):
    answer = engine.ask("Đảng bộ phường An Phú đã thi hành kỷ luật bao nhiêu đảng viên?")
    assert 8 in figures_in(answer.text)
    assert 13 not in figures_in(answer.text)  # another ward's committee is not named by "Đảng bộ phường"
    follow = engine.ask(
        "Trong số đó có mấy người bị cảnh cáo?",
        history=[{"q": "Đảng bộ phường An Phú đã thi hành kỷ luật bao nhiêu đảng viên?", "a": answer.text}],
    )
    assert 2 in figures_in(follow.text) and 3 not in figures_in(follow.text)


def test_a_figure_of_what_was_not_done_does_not_count_what_was_done(engine):
    done = figures_in(
        engine.ask("Hội đồng nhân dân tỉnh Kon Tum đã giải quyết bao nhiêu kiến nghị của cử tri?").text
    )
    assert 1412 in done and 96 not in done
    left = engine.ask("Hội đồng nhân dân tỉnh Kon Tum còn bao nhiêu kiến nghị chưa được giải quyết?").text
    assert 96 in figures_in(left)


def test_a_year_opening_a_clause_after_a_comma_dates_only_that_clause(engine):
    figures = figures_in(engine.ask("Năm 2022 Đảng bộ tỉnh Kon Tum kết nạp bao nhiêu đảng viên?").text)
    assert 455 in figures and not figures & {418, 472, 2310}


def test_a_follow_up_about_the_whole_term_drops_the_year_it_followed(engine):
    first = "Năm 2022 Đảng bộ tỉnh Kon Tum kết nạp bao nhiêu đảng viên?"
    answer = engine.ask(
        "Còn cả nhiệm kỳ thì kết nạp bao nhiêu, có đạt chỉ tiêu không?", history=[{"q": first, "a": "455"}]
    )
    assert {2310, 2200} <= figures_in(answer.text) and 455 not in figures_in(answer.text)


def test_a_result_compared_with_its_plan_is_computed_against_the_plan(engine):
    answer = engine.ask(
        "So với kế hoạch, tổng doanh thu của các doanh nghiệp nhà nước tỉnh Kon Tum đạt ra sao?"
    )
    assert {860, 800} <= figures_in(answer.text)
    assert 60 in answer.to_dict()["computed"]  # 860 - 800, computed in code


def test_a_count_at_one_level_of_administration_is_not_the_count_at_another(engine):
    answer = engine.ask(
        "Năm 2024 tỉnh Kon Tum có bao nhiêu giáo viên đạt danh hiệu giáo viên dạy giỏi cấp tỉnh?"
    )
    assert 14 not in figures_in(answer.text)  # district level only: the reports do not say
    assert LEVEL.asked(words("giáo viên dạy giỏi cấp tỉnh")) == "province"
    assert LEVEL.asked(words("the district inspection committee"), "the district inspection committee") == ""


def test_a_figure_of_part_of_a_year_does_not_answer_a_question_about_the_whole_year(engine):
    question = "How much was donated to the fund in Kon Tum in the whole year 2023?"
    assert engine.parse(question).whole_year
    labels, library = engine.snapshot.counts.labels, engine.snapshot.library
    figures = {f.raw: f for key in library.reports for f in library.facts(key)}
    assert labels.part_of_year(figures["1.100"]) and not labels.part_of_year(figures["2.300"])
    answer = engine.ask(question)
    # in English the figures are written "2,300": "cùng kỳ năm 2023" is the same six months, not the year
    assert "2,300" in answer.text and "1,100" not in answer.text


def test_an_english_question_for_the_number_of_a_report_asks_its_document_number(engine):
    answer = engine.ask("What is the number of the Kon Tum provincial council party delegation's report?")
    assert "41-BC/ĐĐ" in answer.text
