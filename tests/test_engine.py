"""The engine: one retrieval path for search and answers, answerers composed by kind, and questions that
never see a half-swapped index (real Chroma on disk, fake embedder)."""

from __future__ import annotations

import re
import threading
import time

import pytest

from assistant.engine import ReadWriteLock
from assistant.question import QuestionKind

BLOC = """BÁO CÁO
Sơ kết giữa nhiệm kỳ của Đảng bộ Khối các cơ quan tỉnh Thái Bình, nhiệm kỳ 2020 - 2025

I. KẾT QUẢ
Kết nạp 120 đảng viên mới (chỉ tiêu Đại hội: 150 đảng viên mới).
Toàn Đảng bộ đã xử lý kỷ luật 24 đảng viên (trong đó, khiển trách: 15 đảng viên, cảnh cáo: 05 đảng viên, khai trừ: 04 đảng viên).
II. HẠN CHẾ
Công tác giám sát chưa thường xuyên, dẫn đến có đảng viên vi phạm phải xử lý kỷ luật.
"""
DEPT = """BÁO CÁO
Kiểm điểm công tác lãnh đạo của Đảng bộ Sở Y tế tỉnh Nam Định nhiệm kỳ 2020 - 2025

I. TÌNH HÌNH
Đảng bộ Sở Y tế có 57 đảng viên, sinh hoạt tại 4 chi bộ.
II. CÔNG TÁC KIỂM TRA
Chi bộ đã xem xét xử lý 2 trường hợp đảng viên vi phạm, hình thức kỷ luật khiển trách.
"""
QUESTIONS = [
    ("Có bao nhiêu đảng viên bị kỷ luật?", []),
    ("co bao nhieu dang vien bi ky luat", []),
    ("In the Bloc mid-term review, how many members were disciplined?", []),
    ("Đảng bộ Sở Y tế có bao nhiêu chi bộ?", []),
    ("Và bao nhiêu bị khai trừ?", [{"q": "Đảng bộ Khối có bao nhiêu đảng viên bị kỷ luật?", "a": "24"}]),
    ("Vì sao có đảng viên vi phạm?", []),
]


@pytest.fixture
def engine(engine_on):
    return engine_on({"bloc.txt": BLOC, "dept.txt": DEPT})


@pytest.mark.parametrize(("question", "history"), QUESTIONS)
def test_search_and_ask_retrieve_the_same_way(engine, question, history):
    answer = engine.ask(question, history)
    searched = engine.search(question, k=len(answer.passages), history=history)
    assert [p.chunk.id for p in searched] == [p.chunk.id for p in answer.passages]


def test_the_scope_a_question_names_is_kept_apart_from_the_users(engine):
    snap = engine.snapshot
    named = engine._question(snap, "Đảng bộ Sở Y tế có bao nhiêu chi bộ?", [], None)
    assert named.implied_scope and named.user_scope is None
    [dept] = named.implied_scope
    assert snap.reports[dept].meta.issuing_body.startswith("Đảng bộ Sở Y tế")
    chosen = engine._question(snap, "Có bao nhiêu chi bộ?", [], ["dept.txt"])
    assert chosen.user_scope == (dept,) and chosen.implied_scope is None
    # The user's filter limits search without taking its report's words out of the question.
    assert {p.chunk.doc_key for p in engine.search("Có bao nhiêu chi bộ?", reports=["dept.txt"])} == {dept}


def test_answerers_are_chosen_by_the_kind_of_question(engine):
    snap = engine.snapshot
    chain = {
        kind: [type(a).__name__ for a in snap.chain(engine._question(snap, q, [], None))]
        for kind, q in (
            (QuestionKind.COUNT, "Có bao nhiêu đảng viên bị kỷ luật?"),
            (QuestionKind.WHY, "Vì sao có đảng viên vi phạm?"),
            (QuestionKind.PROVINCE, "Đảng bộ Sở Y tế thuộc tỉnh nào?"),
        )
    }
    assert chain == {
        QuestionKind.COUNT: ["CountAnswerer"],  # a count of a named action is never answered from prose
        QuestionKind.WHY: ["QuoteAnswerer", "SectionAnswerer"],  # a section of causes when no sentence does
        QuestionKind.PROVINCE: ["MetadataAnswerer"],
    }


def test_each_answerer_declines_what_it_cannot_answer(engine):
    snap = engine.snapshot
    q = engine._question(snap, "Có bao nhiêu đảng viên bị khai trừ ở Đảng bộ Sở Y tế?", [], None)
    found = snap.searcher.search(q.query(), 8)
    assert snap.counts.answer(q, found) is None  # that report states no expulsion
    assert snap.metadata.answer(q, found) is None  # not a question about the report itself
    draft = snap.not_found.answer(q, found)
    assert not draft.found and "Không tìm thấy" in draft.lines[0]


def test_a_question_never_sees_a_half_swapped_index(engine, tmp_path, monkeypatch):
    """A question holds the read lock from parsing to answer: an ingest that finishes meanwhile swaps the
    index only after it, and the next question sees the new report."""
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "new.txt").write_text(
        "BÁO CÁO\nTổng kết năm 2024 của Đảng ủy xã Hương Nộn\n\nI. KẾT QUẢ\nKết nạp 9 đảng viên mới.\n",
        encoding="utf-8",
    )
    answering, release = threading.Event(), threading.Event()
    real = engine._answer

    def slow_answer(snap, q, found):
        answering.set()
        assert release.wait(10)
        return real(snap, q, found)

    monkeypatch.setattr(engine, "_answer", slow_answer)
    result: dict = {}
    asker = threading.Thread(
        target=lambda: result.update(answer=engine.ask("Kết nạp bao nhiêu đảng viên mới?"))
    )
    asker.start()
    assert answering.wait(10)
    before = engine.snapshot
    ingester = threading.Thread(
        target=lambda: result.update(summary=engine.ingest([tmp_path / "more"], False))
    )
    ingester.start()
    time.sleep(0.5)
    assert engine.snapshot is before  # the swap waits for the question in flight
    release.set()
    asker.join(10)
    ingester.join(30)
    assert result["summary"].added == ["new.txt"] and engine.snapshot is not before
    assert "9 đảng viên" not in result["answer"].text  # the answer was made on the index it started on
    monkeypatch.setattr(engine, "_answer", real)
    assert "9 đảng viên" in engine.ask("Đảng ủy xã Hương Nộn kết nạp bao nhiêu đảng viên mới?").text


def test_read_write_lock_lets_readers_share_and_writers_wait():
    lock = ReadWriteLock()
    order: list[str] = []

    def write() -> None:
        with lock.write():
            order.append("write")

    with lock.read(), lock.read():  # readers share
        writer = threading.Thread(target=write)
        writer.start()
        time.sleep(0.2)
        assert order == []  # the writer waits for the readers
    writer.join(5)
    assert order == ["write"]


SHORTCOMINGS = """BÁO CÁO
Tổng kết nhiệm kỳ của Đảng bộ Sở Tài chính tỉnh Nam Định nhiệm kỳ 2020 - 2025

I. KẾT QUẢ
{results}
II. HẠN CHẾ, KHUYẾT ĐIỂM
1. Việc quán triệt nghị quyết ở một vài chi bộ còn chậm, {filler}
2. Sinh hoạt chuyên đề chưa đều, nội dung còn đơn điệu, {filler}
3. Công tác phát triển đảng viên trong đoàn viên thanh niên còn ít, {filler}
III. PHƯƠNG HƯỚNG
Tiếp tục nâng cao chất lượng sinh hoạt chi bộ.
"""


def test_a_section_answer_is_found_first_by_search(engine_on):
    """A question a section answers gets the passages of the section chosen, in text order, before the
    rest: what the answer cites is what search returns."""
    filler = "chưa đáp ứng yêu cầu đặt ra trong tình hình mới của cơ quan, đơn vị. " * 12
    results = " ".join(
        f"Chi bộ {i} hoàn thành tốt nhiệm vụ được giao trong năm {2020 + i % 5}." for i in range(40)
    )
    engine = engine_on({"finance.txt": SHORTCOMINGS.format(results=results, filler=filler)})
    question = "Những hạn chế, khuyết điểm của Đảng bộ Sở Tài chính là gì?"
    snap = engine.snapshot
    q = engine._question(snap, question, [], None)
    assert snap.chain(q)[0] is snap.sections
    [(key, section, _p)] = snap.sections.best_sections(q, snap.searcher.search(q.query(), 12))
    held = snap.searcher.finders[key].overlapping(section.title[0], section.items[-1][1])
    assert len(held) > 1, "the section should span several passages"
    searched = engine.search(question, k=12)
    assert [p.chunk.id for p in searched[: len(held)]] == [c.id for c in held]
    answer = engine.ask(question)
    assert {(c.start, c.end) for c in answer.citations} >= {section.title}


DISCIPLINE = """BÁO CÁO
Tổng kết năm 2024 của Đảng bộ Sở Nội vụ tỉnh Hà Nam

I. KẾT QUẢ
{talk}
Công tác phát triển đảng viên, quản lý hồ sơ và thu nộp đảng phí được duy trì nền nếp; trong năm xử lý kỷ luật 3 đảng viên vi phạm quy định về những điều đảng viên không được làm; tổ chức tốt hội nghị học tập nghị quyết cho cán bộ chủ chốt.
"""


def test_a_count_answer_is_found_first_by_search(engine_on):
    """A count question gets the passage holding the figure chosen to answer it first, before passages
    that only talk about the topic: what the answer cites is what search returns."""
    talk = (
        "Công tác kỷ luật đảng viên được quan tâm; việc kỷ luật đảng viên bảo đảm nghiêm minh, đúng quy trình. "
        * 30
    )
    engine = engine_on({"home.txt": DISCIPLINE.format(talk=talk)})
    question = "Có bao nhiêu đảng viên bị kỷ luật?"
    snap = engine.snapshot
    q = engine._question(snap, question, [], None)
    assert snap.chain(q)[0] is snap.counts
    [(_score, [fact, *_])] = snap.counts.best_figures(q, snap.searcher.search(q.query(), 10))
    assert fact.value == 3
    holds = lambda p: p.chunk.start <= fact.start < p.chunk.end  # noqa: E731
    assert not holds(snap.searcher.search(q.query(), 10).passages[0]), "the talk should rank first by search"
    assert holds(engine.search(question, k=10)[0])
    assert "3" in engine.ask(question).text


CITED = """BÁO CÁO
Sơ kết 5 năm thực hiện Chỉ thị số 33-CT/TW của Thành ủy Vĩnh Khang

I. KẾT QUẢ
Thực hiện Công văn số 1842-CV/TU ngày 15/01/2024 của Ban Thường vụ Tỉnh ủy về sơ kết Chỉ thị số 33-CT/TW, Ban Thường vụ Thành ủy báo cáo như sau.
Ban Thường vụ Thành ủy ban hành Kế hoạch số 46-KH/TU ngày 20/3/2019 thực hiện Chỉ thị số 33-CT/TW; Ủy ban Kiểm tra ban hành Chương trình số 03-CTr/UBKT ngày 08/01/2020.
Có 14 trường hợp kê khai bổ sung do tài sản, thu nhập tăng từ 300 triệu đồng trở lên trong năm.
"""


def test_a_cited_document_is_answered_by_its_number_and_a_stated_figure_is_not_an_answer(engine_on):
    """ "Kế hoạch nào" is answered with the plan's number and the clause citing it, not the directive the
    question names or a programme in the same sentence; "tăng từ 300 triệu đồng" qualifies the count."""
    engine = engine_on({"vinh_khang.txt": CITED})
    plan = engine.ask("Ban Thường vụ Thành ủy ban hành kế hoạch nào để thực hiện Chỉ thị 33-CT/TW?").text
    assert "46-KH/TU" in plan and "03-CTr/UBKT" not in plan and "1842-CV/TU" not in plan
    programme = engine.ask("Chương trình của Ủy ban Kiểm tra mang số hiệu gì?").text
    assert "03-CTr/UBKT" in programme and "46-KH/TU" not in programme
    cases = engine.ask("Có bao nhiêu trường hợp kê khai bổ sung vì tài sản tăng từ 300 triệu đồng trở lên?")
    assert "14" in cases.text
    assert not any("300" in line and "14" not in line for line in cases.text.splitlines())


REVIEWED = """BÁO CÁO
SƠ KẾT 3 NĂM THỰC HIỆN NGHỊ QUYẾT SỐ 07-NQ/TU NGÀY 14/9/2021 CỦA BAN CHẤP HÀNH ĐẢNG BỘ TỈNH VỀ PHÁT TRIỂN DU LỊCH

Thực hiện Kế hoạch số 152-KH/TU ngày 02/10/2024 của Ban Thường vụ Tỉnh ủy về sơ kết 3 năm thực hiện Nghị quyết số 07-NQ/TU, Ban Thường vụ Huyện ủy Đông Triều báo cáo như sau.
I. KẾT QUẢ
Toàn huyện đón 1.250 nghìn lượt khách du lịch.
"""


def test_a_cited_document_is_answered_with_its_date_from_the_mention_that_gives_it(engine_on):
    engine = engine_on({"reviewed.txt": REVIEWED})
    text = engine.ask("Báo cáo sơ kết việc thực hiện nghị quyết nào của tỉnh, ban hành ngày nào?").text
    assert "07-NQ/TU (ngày 14/9/2021)" in text
    assert "152-KH/TU" not in text  # the quote is the dated mention, not the sentence citing the plan too


CAUSES = """BÁO CÁO
Kết quả công tác kiểm tra, giám sát năm 2024 của Ủy ban Kiểm tra Huyện ủy Vĩnh Phú

I. KẾT QUẢ
Ủy ban Kiểm tra Huyện ủy kiểm tra 12 tổ chức đảng. Có 3 đảng viên bị kỷ luật do vi phạm quy định về đất đai khi giao đất ở cho hộ gia đình.

II. HẠN CHẾ VÀ NGUYÊN NHÂN
1. Hạn chế
- Chất lượng một số cuộc kiểm tra chưa cao.
- Việc phát hiện dấu hiệu vi phạm còn chậm.
2. Nguyên nhân
a) Nguyên nhân khách quan: khối lượng công việc lớn, nhất là chuẩn bị đại hội đảng bộ các cấp.
b) Nguyên nhân chủ quan: cán bộ kiểm tra cơ sở chủ yếu kiêm nhiệm, thường xuyên thay đổi.
"""


def test_why_of_a_part_gets_the_section_of_its_causes_and_why_of_an_event_where_it_is_told(engine_on):
    engine = engine_on({"vinh_phu.txt": CAUSES})
    part = engine.ask("Vì sao công tác kiểm tra, giám sát năm 2024 vẫn còn hạn chế?").text
    assert "khách quan" in part and "chủ quan" in part  # both causes, the section's items
    event = engine.ask("Vì sao có đảng viên bị kỷ luật?").text
    assert "đất đai" in event


SIZE = """BÁO CÁO
Tổng kết năm 2024 của Đảng ủy xã Đông Phong

I. KẾT QUẢ
Đảng bộ xã hiện có 34 tổ chức cơ sở đảng với 612 đảng viên.
Trong năm, Đảng ủy kết nạp 14 đảng viên mới; có 45 quần chúng ưu tú được kỷ luật nghiêm khi vi phạm quy chế học tập.
"""


def test_a_figure_whose_sentence_never_tells_of_the_action_asked_does_not_answer(engine_on):
    """ "hiện có 34 tổ chức cơ sở đảng" says how many there are, not how many were disciplined; a figure
    with no verb of its own answers when its sentence tells of the action."""
    engine = engine_on({"dong_phong.txt": SIZE})
    none = engine.ask("Có bao nhiêu tổ chức cơ sở đảng bị kỷ luật?").text
    assert "34" not in none
    told = engine.ask("Có bao nhiêu quần chúng ưu tú bị kỷ luật?").text
    assert "45" in told


PLANNED = """BÁO CÁO
Tổng kết công tác xây dựng Đảng năm 2024 của Đảng ủy xã Đông Phong

Phần thứ nhất
KẾT QUẢ NĂM 2024
Năm 2024, thu ngân sách trên địa bàn đạt 10 tỷ đồng.

Phần thứ hai
PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2025
I. CHỈ TIÊU
1. Kết nạp ít nhất 12 đảng viên mới.
2. Thu ngân sách trên địa bàn đạt 11 tỷ đồng trở lên.
"""


def test_a_year_stated_by_a_heading_over_a_figure_dates_it(engine_on):
    """The targets under "PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2025" (the line under "Phần thứ hai") are of 2025."""
    engine = engine_on({"dong_phong.txt": PLANNED})
    answer = engine.ask("Chỉ tiêu thu ngân sách trên địa bàn năm 2025 là bao nhiêu?")
    assert "11 tỷ đồng" in answer.text and "10 tỷ" not in answer.text


BADGES = """BÁO CÁO
Tổng kết công tác xây dựng Đảng năm 2024 của Đảng ủy xã Hòa Lạc

I. KẾT QUẢ
Trong năm, Đảng ủy trao tặng 12 Huy hiệu Đảng, gồm: 02 Huy hiệu 60 năm, 04 Huy hiệu 50 năm và 06 Huy hiệu 30 năm tuổi Đảng.
"""


@pytest.mark.parametrize(
    ("question", "answer", "not_said"),
    [
        ("Đảng ủy xã Hòa Lạc trao tặng bao nhiêu Huy hiệu 50 năm?", "4", ("12", "2", "6")),
        ("How many 60-year Party badges did Hòa Lạc hand out?", "2", ("12", "4", "6")),
        ("Đảng ủy xã Hòa Lạc trao tặng bao nhiêu Huy hiệu Đảng?", "12", ()),
    ],
)
def test_a_question_naming_one_part_of_a_breakdown_gets_that_part(engine_on, question, answer, not_said):
    engine = engine_on({"badges.txt": BADGES})
    text = engine.ask(question).text
    figures = set(re.findall(r"(?<![\d.,])\d+(?![\d,])", text.split("**", 2)[-1]))
    assert answer in figures
    assert not figures & set(not_said)


INITIALS = """BÁO CÁO
Tổng kết công tác tuyên giáo năm 2024 của Đảng ủy xã Hòa Lạc

I. KẾT QUẢ
Đảng ủy xã tổ chức 04 hội nghị học tập nghị quyết cho 320 lượt cán bộ, đảng viên.
Các chi bộ thành lập tổ TTV, CTVDLXH với 45 thành viên; tổ tự quản an ninh có 120 thành viên.
"""


def test_what_a_question_spells_out_is_found_where_the_report_writes_its_initials(engine_on):
    engine = engine_on({"initials.txt": INITIALS})
    question = "Tổ tuyên truyền viên, cộng tác viên dư luận xã hội của xã Hòa Lạc có bao nhiêu thành viên?"
    q = engine.parse(question)
    assert {"ttv", "ctvdlxh"} <= set(q.informative)
    snap = engine.snapshot
    found = snap.searcher.search(q.query(), 5)
    [key] = snap.reports
    near = {f.value: snap.counts.features(q, f, found)["context"] for f in snap.library.facts(key)}
    assert near[45] > near[120]  # the figure of the team the question spells out shares its words
    # Initials only of content words, and only those a report writes: "trong đó cấp" is no "TĐC".
    assert not {"tdc", "bnt"} & set(engine.parse("Trong đó cấp cơ sở bao nhiêu thành viên?").informative)


YEARS = """ĐẢNG ỦY XÃ HÒA LẠC
Hòa Lạc, ngày 15 tháng 12 năm 2024
BÁO CÁO
Tổng kết công tác xây dựng Đảng năm 2024 của Đảng ủy xã Hòa Lạc

I. KẾT QUẢ
Trong năm, toàn Đảng bộ kết nạp 17 đảng viên.
Năm 2023, Đảng ủy xã Hòa Lạc kết nạp 12 đảng viên, đạt 100% chỉ tiêu.
Từ đầu nhiệm kỳ 2020–2025 đến nay, Đảng ủy xã Hòa Lạc kết nạp 61 đảng viên.
"""


def test_a_year_opening_a_sentence_dates_its_figures_whatever_year_the_report_is_of(engine_on):
    engine = engine_on({"years.txt": YEARS})
    text = engine.ask("Năm 2024 Đảng ủy xã Hòa Lạc kết nạp bao nhiêu đảng viên?").text
    assert "17" in text and "12" not in text and "61" not in text  # 61: of the term, not of a year
    earlier = engine.ask("Năm 2023 Đảng ủy xã Hòa Lạc kết nạp bao nhiêu đảng viên?").text
    assert "12" in earlier and "17" not in earlier


MEASURED = """BÁO CÁO
Sơ kết 3 năm xây dựng nông thôn mới của Huyện ủy Tân Lạc

I. KẾT QUẢ
Trong 3 năm, tổng nguồn lực huy động đạt 1.250,4 tỷ đồng. Thu ngân sách trên địa bàn đạt 318,2 tỷ đồng.
"""


def test_what_is_measured_not_counted_is_named_before_its_figure(engine_on):
    """ "bao nhiêu nguồn lực" names no unit: the figure whose clause names it before it answers, in its
    own unit; the duration "3 năm" measures nothing."""
    engine = engine_on({"measured.txt": MEASURED})
    question = "Huyện ủy Tân Lạc huy động được bao nhiêu nguồn lực?"
    text = engine.ask(question).text
    assert "1.250,4" in text and "318,2" not in text
    q, snap = engine.parse(question), engine.snapshot
    found = snap.searcher.search(q.query(), 5)
    [key] = snap.reports
    unit = {f.value: snap.counts.features(q, f, found)["unit"] for f in snap.library.facts(key)}
    assert unit[1250.4] == 1.0 and unit[318.2] == 0.0 and unit[3] == 0.0
