"""A place named inside reports, the place's own committee, a table column's verb, a lead that dates what
follows it, and the words that ask how a comparison goes: on reports written here (real index, fake
embedder)."""

from __future__ import annotations

import pytest

from assistant.question import QuestionKind, parse_question
from tests.conftest import figures_in
from vectorstore.scope import places_named

PROVINCE = """BÁO CÁO
Kết quả công tác tổ chức xây dựng Đảng năm 2024 của Ban Tổ chức Tỉnh ủy Lâm Hà, tỉnh Yên Bái

I. PHÁT TRIỂN ĐẢNG VIÊN
Năm 2024, toàn Đảng bộ tỉnh kết nạp được 1.912 đảng viên, đạt 104% chỉ tiêu; năm 2023 kết nạp 1.804 đảng viên.
Kết quả kết nạp đảng viên của các đảng bộ trực thuộc:
STT | Đơn vị | Chỉ tiêu | Kết nạp (đảng viên) | Tỷ lệ (%)
1 | Huyện Tân Khê | 210 | 226 | 107,6
2 | Huyện Bắc Sơn Hạ | 180 | 171 | 95,0
3 | Thị xã Lộc Điền | 120 | 133 | 110,8

II. ĐÁNH GIÁ, XẾP LOẠI
Kết quả xếp loại năm 2023: Về tổ chức đảng, có 61 tổ chức hoàn thành xuất sắc nhiệm vụ. Về đảng viên, có
6.120 đảng viên được đánh giá, trong đó hoàn thành xuất sắc nhiệm vụ 842 đồng chí.
Năm 2022, số đảng viên hoàn thành xuất sắc nhiệm vụ là 795 đồng chí.
"""
DEPARTMENT = """BÁO CÁO
Sơ kết 6 tháng đầu năm 2024 của Đảng ủy Sở Y tế, tỉnh Yên Bái

I. KẾT QUẢ
Đảng ủy Sở kết nạp được 27 đảng viên mới.
"""
COMMITTEE = """ĐẢNG BỘ TỈNH YÊN BÁI
TỈNH ỦY
*
Số 212-BC/TU
Yên Bái, ngày 16 tháng 12 năm 2024

BÁO CÁO
Tổng kết công tác xây dựng Đảng năm 2024

I. KẾT QUẢ
Năm 2024, Đảng bộ tỉnh kết nạp được 1.950 đảng viên mới.
"""
OTHER = """BÁO CÁO
Tổng kết năm 2024 của Đảng ủy xã Đông Hải, tỉnh Thanh Hóa

I. KẾT QUẢ
Năm 2024, Đảng bộ xã kết nạp được 14 đảng viên mới.
"""
FARMERS = """BÁO CÁO
Sơ kết 5 năm của Đảng đoàn Hội Nông dân tỉnh Đắk Lắk

I. KẾT QUẢ
Toàn tỉnh có 215.400 hội viên Hội Nông dân.
"""
MOBILISATION = """BÁO CÁO
Tổng kết năm 2024 của Ban Dân vận Huyện ủy Yên Thủy, tỉnh Thanh Hóa

I. KẾT QUẢ
Đến ngày 30/11/2024, các đoàn thể có 66.337 hội viên, cụ thể: Hội Liên hiệp Phụ
nữ 31.240 hội viên, Hội Nông dân 28.615 hội viên, Hội Cựu chiến binh 6.482 hội viên.
"""


@pytest.fixture
def engine(engine_on):
    return engine_on(
        {
            "province.txt": PROVINCE,
            "a.txt": COMMITTEE,
            "b.txt": DEPARTMENT,
            "c.txt": OTHER,
            "d.txt": FARMERS,
            "e.txt": MOBILISATION,
        }
    )


def test_a_place_is_read_after_its_level_or_before_it_in_english():
    assert places_named("Huyện Bắc Sơn Hạ kết nạp bao nhiêu đảng viên?") == [("bac_son_ha", "bac_son")]
    assert places_named("How many did Bac Son Ha district admit?") == [("bac_son_ha", "son_ha")]
    assert places_named("huyen tan khe ket nap bao nhieu") == [("tan_khe_ket", "tan_khe")]
    assert places_named("công tác xã hội hóa được đẩy mạnh") == []  # a name is capitalised
    assert places_named("tỉnh Yên Bái kết nạp bao nhiêu?") == []  # a province names reports itself


def test_a_place_inside_a_report_scopes_to_it_and_to_its_own_figures(engine):
    for question in (
        "Huyện Tân Khê kết nạp được bao nhiêu đảng viên năm 2024?",
        "huyen tan khe ket nap duoc bao nhieu dang vien nam 2024",
        "How many party members did Tan Khe district admit in 2024?",
    ):
        figures = figures_in(engine.ask(question).text)
        assert 226 in figures and not figures & {1912, 171, 14, 27}, (question, figures)


def test_a_place_no_figure_is_said_of_gets_none_of_the_others(engine):
    answer = engine.ask("Huyện Tân Khê kết nạp được bao nhiêu đảng viên năm 2023?")
    assert not figures_in(answer.text) & {1804, 226, 1912}


def test_a_province_as_the_doer_is_its_own_committee_not_a_department_within_it(engine):
    view = engine.snapshot.view
    q = parse_question("Năm 2024, tỉnh Yên Bái kết nạp được bao nhiêu đảng viên?", view=view)
    titles = {view.reports[k].issuing_body for k in q.scope or ()}
    assert any("Tỉnh ủy" in t for t in titles) and not any("Sở Y tế" in t for t in titles)


def test_a_lead_ending_in_a_colon_dates_the_sentences_after_it(engine):
    figures = figures_in(
        engine.ask("Năm 2023 tỉnh có bao nhiêu đảng viên hoàn thành xuất sắc nhiệm vụ?").text
    )
    assert 842 in figures and 795 not in figures


def test_increase_or_decrease_asks_how_two_figures_differ_not_for_an_increase():
    q = parse_question("Số sinh viên tuyển mới năm học 2023 - 2024 so với năm học 2022 - 2023 tăng hay giảm?")
    assert q.kind is QuestionKind.COMPARISON and not {"increase", "decrease"} & set(q.predicates)
    q = parse_question("Số sinh viên tuyển mới năm 2024 tăng bao nhiêu so với năm 2023?")
    assert "increase" in q.predicates  # "tăng bao nhiêu": the increase is the figure asked


def test_a_longer_unit_of_the_lexicon_is_what_the_question_counts():
    q = parse_question("Trường đào tạo bao nhiêu lưu học sinh Lào?")
    assert q.units == ("luu hoc sinh",)


def test_a_unit_after_who_did_it_is_not_what_is_counted():
    assert parse_question("How much of that was contributed by local people?").units == ()
    assert parse_question("Phần do các hộ dân đóng góp là bao nhiêu?").units == ()
    assert parse_question("Có bao nhiêu đảng viên bị kỷ luật?").units == ("dang vien",)


def test_pupils_and_students_are_counted_and_activities_end_the_noun():
    from ingest.facts import extract_facts
    from ingest.sentences import split_sentences

    text = (
        "Năm học 2024 - 2025 có 68 học sinh đạt giải, 12 sinh viên được khen. Có 30 chi bộ sinh hoạt đúng kỳ."
    )
    units = {f.value: f.unit for f in extract_facts(text, "k", split_sentences(text))}
    assert units[68] == "học sinh" and units[12] == "sinh viên" and units[30] == "chi bộ"


def test_a_comparison_of_two_years_has_a_figure_of_each_year(engine):
    answer = engine.ask(
        "Năm 2023 so với năm 2022, số đảng viên hoàn thành xuất sắc nhiệm vụ của tỉnh tăng bao nhiêu?"
    )
    assert {842, 795} <= figures_in(answer.text)


def test_a_body_named_with_its_place_is_that_places_body(engine):
    view = engine.snapshot.view
    q = parse_question("Hội Nông dân huyện Yên Thủy có bao nhiêu hội viên?", view=view)
    bodies = [view.reports[k].issuing_body for k in q.scope or ()]
    assert len(bodies) == 1 and "Yên Thủy" in bodies[0], bodies


def test_a_place_named_in_english_before_its_level_keeps_its_body_named():
    from assistant.question import ReportsView
    from ingest.types import ReportMeta

    reports = {
        "own": ReportMeta("own.txt", issuing_body="Quận ủy Tam Bạc", province="Hải Phòng"),
        "b": ReportMeta("b.txt", issuing_body="Đảng ủy xã Đông Hải", province="Thanh Hóa"),
        "c": ReportMeta("c.txt", issuing_body="Tỉnh ủy", province="Yên Bái"),
    }
    view = ReportsView(
        reports, lambda _t: True, lambda t: frozenset({"own"}) if t == "tam_bac" else frozenset()
    )
    q = parse_question("How many were disciplined in Tam Bac district during the 2020-2025 term?", view=view)
    assert q.scope == ("own",) and q.place == ""  # named as the report's body, not as a place inside it


def test_of_a_list_of_labelled_figures_the_one_whose_label_is_asked_answers(engine):
    figures = figures_in(engine.ask("Hội Nông dân huyện Yên Thủy có bao nhiêu hội viên?").text)
    assert 28615 in figures and not figures & {31240, 6482}
