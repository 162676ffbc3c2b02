"""Follow-up questions keep the conversation's topic, on reports written here (real index, fake embedder): the
report, what is counted and the year or period carried from the previous turn, changed only where the
follow-up says so."""

from __future__ import annotations

import pytest

from tests.conftest import figures_in

DISTRICT = """ĐẢNG BỘ TỈNH NINH THUẬN
HUYỆN ỦY PHƯỚC HÀ
*
Số 88-BC/HU

BÁO CÁO
Tổng kết công tác xây dựng Đảng năm 2024

I. KẾT QUẢ
Năm 2024, toàn Đảng bộ kết nạp 164 đảng viên mới, trong đó có 58 đảng viên là đoàn viên thanh niên; năm 2023 kết nạp 151 đảng viên mới.
Từ đầu nhiệm kỳ 2020 - 2025 đến nay đã kết nạp 702 đảng viên (nhiệm kỳ 2015 - 2020 kết nạp 655 đảng viên).
Giai đoạn 2021 - 2025, toàn huyện xây dựng 412 mô hình dân vận khéo, tăng so với giai đoạn 2016 - 2020 (giai đoạn 2016 - 2020 có 287 mô hình).
Sáu tháng đầu năm 2024, thu đảng phí 96.500.000 đồng (cùng kỳ năm 2023 thu 88.200.000 đồng; cả năm 2023 thu 180.400.000 đồng).
"""
COMMUNE = """ĐẢNG BỘ HUYỆN PHƯỚC HÀ
ĐẢNG ỦY XÃ PHƯỚC THÀNH
*
BÁO CÁO
Tổng kết công tác xây dựng Đảng năm 2024

Năm 2024, Đảng bộ xã kết nạp 12 đảng viên mới; năm 2023 kết nạp 10 đảng viên mới.
"""


@pytest.fixture
def engine(engine_on):
    return engine_on({"district.txt": DISTRICT, "commune.txt": COMMUNE})


def _turn(question: str, answer: str) -> list[dict]:
    return [{"q": question, "a": answer}]


FIRST = "Năm 2024 Huyện ủy Phước Hà kết nạp bao nhiêu đảng viên mới?"


def test_a_short_question_after_another_goes_on_with_its_report(engine):
    # no follow-up word, no "đó": still the district's admissions, not the commune's
    answer = engine.ask("Năm 2023 kết nạp bao nhiêu?", history=_turn(FIRST, "164 đảng viên"))
    assert 151 in figures_in(answer.text) and 10 not in figures_in(answer.text)


def test_a_follow_up_about_the_whole_term_drops_the_year_and_the_term_before(engine):
    answer = engine.ask("Còn tính từ đầu nhiệm kỳ đến nay thì sao?", history=_turn(FIRST, "164"))
    figures = figures_in(answer.text)
    assert 702 in figures and not figures & {164, 655}


def test_a_follow_up_about_the_period_before_shifts_the_period(engine):
    first = "Giai đoạn 2021 - 2025 huyện Phước Hà xây dựng bao nhiêu mô hình dân vận khéo?"
    answer = engine.ask("con giai doan truoc thi sao", history=_turn(first, "412 mô hình"))
    assert 287 in figures_in(answer.text) and 412 not in figures_in(answer.text)


def test_a_part_of_the_previous_figure_is_not_that_figure_again(engine):
    answer = engine.ask(
        "Trong số đó có bao nhiêu đảng viên là đoàn viên thanh niên?", history=_turn(FIRST, "164 đảng viên")
    )
    assert 58 in figures_in(answer.text) and 164 not in figures_in(answer.text)


def test_the_same_period_of_the_year_before_is_not_the_whole_year(engine):
    first = "How much in party fees did the Phước Hà district party organisation collect in the first half of 2024?"
    answer = engine.ask("And the same period last year?", history=_turn(first, "96.500.000 đồng"))
    figures = figures_in(answer.text)
    assert 88_200_000 in figures and not figures & {180_400_000, 96_500_000}
