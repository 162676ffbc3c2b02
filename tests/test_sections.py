"""The section tree on texts written here: headings at every level, enumerations without headings, lists
after a colon, and the part each plays."""

from ingest.normalize import normalize_text
from ingest.sections import build_sections, role_of

REPORT = normalize_text(
    """BÁO CÁO
Tổng kết công tác năm 2024 của Đảng ủy xã Hương Nộn

Phần thứ nhất
KẾT QUẢ ĐẠT ĐƯỢC

I. CÔNG TÁC XÂY DỰNG ĐẢNG
1. Công tác chính trị tư tưởng
Tổ chức 12 hội nghị quán triệt nghị quyết.
2. Công tác tổ chức
Kết nạp 9 đảng viên mới.

II. HẠN CHẾ, KHUYẾT ĐIỂM
- Sinh hoạt chi bộ có nơi còn hình thức.
- Công tác kiểm tra chưa thường xuyên.
- Một số đảng viên chưa gương mẫu.

III. NGUYÊN NHÂN
Nguyên nhân chủ yếu là do cấp ủy chưa quyết liệt.

Qua thực tiễn lãnh đạo, Đảng ủy rút ra 03 bài học kinh nghiệm:
Một là, phải giữ vững đoàn kết nội bộ.
Hai là, phát huy vai trò người đứng đầu.
Ba là, coi trọng công tác kiểm tra, giám sát.

Phần thứ hai
PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2025
Các nhiệm vụ trọng tâm như sau:
+ Nâng cao chất lượng sinh hoạt chi bộ.
+ Kết nạp ít nhất 10 đảng viên mới.
"""
)


def _title(section) -> str:
    return REPORT[section.title[0] : section.title[1]]


def sections_by_title():
    return {_title(s): s for s in build_sections(REPORT)}


def test_headings_at_every_level_with_their_items():
    found = sections_by_title()
    part = found["Phần thứ nhất"]
    assert part.level == 0 and len(part.items) == 3  # I, II, III under it (the enumeration is its text)
    building = found["I. CÔNG TÁC XÂY DỰNG ĐẢNG"]
    assert [REPORT[a:b].split("\n")[0] for a, b in building.items] == [
        "1. Công tác chính trị tư tưởng",
        "2. Công tác tổ chức",
    ]
    assert found["2. Công tác tổ chức"].path == "Phần thứ nhất > I > 2. Công tác tổ chức"


def test_bullets_are_a_sections_items_and_give_its_part():
    shortcomings = sections_by_title()["II. HẠN CHẾ, KHUYẾT ĐIỂM"]
    assert shortcomings.role == "shortcomings"
    assert [REPORT[a:b] for a, b in shortcomings.items] == [
        "- Sinh hoạt chi bộ có nơi còn hình thức.",
        "- Công tác kiểm tra chưa thường xuyên.",
        "- Một số đảng viên chưa gương mẫu.",
    ]


def test_an_enumeration_without_a_heading_is_a_section_of_its_lead():
    lead = "Qua thực tiễn lãnh đạo, Đảng ủy rút ra 03 bài học kinh nghiệm:"
    lessons = sections_by_title()[lead]
    assert lessons.role == "lessons" and len(lessons.items) == 3
    assert REPORT[slice(*lessons.items[1])] == "Hai là, phát huy vai trò người đứng đầu."


def test_a_list_after_a_colon_takes_the_part_of_its_heading():
    tasks = sections_by_title()["Các nhiệm vụ trọng tâm như sau:"]
    assert tasks.role == "tasks" and len(tasks.items) == 2


def test_a_heading_names_its_part_by_its_first_words():
    assert role_of("II. HẠN CHẾ, KHUYẾT ĐIỂM") == "shortcomings"
    assert role_of("3. Bài học kinh nghiệm") == "lessons"
    assert role_of("1. Công tác lãnh đạo thực hiện nhiệm vụ chính trị") == ""  # "nhiệm vụ" comes late
    assert role_of("Với thành tựu đạt được, Đảng bộ rút ra 06 bài học kinh nghiệm:", lead=True) == "lessons"


def test_a_sentence_naming_only_the_opposite_part_does_not_answer_for_the_part_asked():
    """Advantages do not answer a question about difficulties; a report's "bên cạnh thuận lợi, xã cũng gặp
    khó khăn:" names both and still does."""
    from ingest.sections import names_opposite_part, roles_named

    assert roles_named("Bên cạnh thuận lợi, xã cũng gặp không ít khó khăn, thách thức:") >= {
        "advantages",
        "difficulties",
    }
    assert names_opposite_part(
        "difficulties", "Năm qua, xã triển khai nhiệm vụ trong điều kiện nhiều thuận lợi."
    )
    assert not names_opposite_part("difficulties", "Bên cạnh thuận lợi, xã gặp khó khăn: giá vật tư tăng.")
    assert not names_opposite_part("lessons", "Năm qua có nhiều thuận lợi.")  # no part opposed to lessons


def test_an_item_of_figure_clauses_is_quoted_whole_and_a_long_item_is_cut():
    """A target line "85% ...; trên 85% ...; dưới 2%" states a figure in every clause: cutting it at
    the first ";" would drop claims. A long item of words alone is cut to its lead."""
    from assistant.answerers.sections import SectionAnswerer

    figures = (
        "85% chi bộ hoàn thành tốt nhiệm vụ trong năm; trên 85% đảng viên hoàn thành tốt nhiệm vụ được giao; "
        "đảng viên không hoàn thành nhiệm vụ dưới 2% tổng số đảng viên của toàn đảng bộ xã."
    )
    words_only = (
        "Phát huy vai trò của người đứng đầu trong lãnh đạo, chỉ đạo thực hiện nhiệm vụ chính trị ở cơ sở; "
        "tăng cường kiểm tra, giám sát việc thực hiện quy chế làm việc và quy chế dân chủ ở cơ sở."
    )
    assert len(figures.split()) > 30
    assert SectionAnswerer._figures_throughout(figures, 0, len(figures))
    assert not SectionAnswerer._figures_throughout(words_only, 0, len(words_only))


def test_a_part_of_the_review_naming_tasks_or_targets_is_of_what_was_done():
    text = normalize_text(
        """II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ
1. Nhiệm vụ của ủy ban kiểm tra các cấp
Ủy ban kiểm tra các cấp kỷ luật 17 đảng viên.
2. Chỉ tiêu kết nạp đảng viên
Kết nạp 40 đảng viên, đạt chỉ tiêu.

III. NHIỆM VỤ NĂM 2025
1. Chỉ tiêu kết nạp đảng viên
Kết nạp ít nhất 45 đảng viên.
"""
    )
    roles = {s.path: s.role for s in build_sections(text)}
    assert roles["II > 1. Nhiệm vụ của ủy ban kiểm tra các cấp"] == "results"
    assert roles["II > 2. Chỉ tiêu kết nạp đảng viên"] == "results"
    assert roles["III. NHIỆM VỤ NĂM 2025"] == "tasks"
    assert roles["III > 1. Chỉ tiêu kết nạp đảng viên"] == "targets"


def test_an_enumeration_inside_one_paragraph_is_the_sections_items():
    text = normalize_text(
        """4. Bài học kinh nghiệm
Một là, cấp ủy phải thường xuyên lãnh đạo. Hai là, gắn với nhiệm vụ chính trị. Ba là, phát huy vai trò nêu gương.
"""
    )
    lessons = next(s for s in build_sections(text) if s.role == "lessons")
    assert [text[a:b] for a, b in lessons.items] == [
        "Một là, cấp ủy phải thường xuyên lãnh đạo.",
        "Hai là, gắn với nhiệm vụ chính trị.",
        "Ba là, phát huy vai trò nêu gương.",
    ]
    # Words out of their series are not an enumeration: "thứ hai" here is "the second".
    loose = normalize_text("1. Kết quả\nThứ hai, cuộc họp diễn ra. Một là, không rõ.\n")
    assert len(next(s for s in build_sections(loose) if s.role == "results").items) == 1


def test_a_part_is_named_by_the_title_line_under_it():
    found = sections_by_title()
    assert found["Phần thứ hai"].role == "tasks"  # "PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2025" on the next line
    assert found["Phần thứ nhất"].role == "results"  # "KẾT QUẢ ĐẠT ĐƯỢC"


def test_the_signature_and_recipients_belong_to_no_section():
    text = normalize_text(
        """V. KIẾN NGHỊ
Đề nghị Tỉnh ủy chỉ đạo bồi dưỡng nghiệp vụ.

T/M BAN THƯỜNG VỤ
BÍ THƯ
(Đã ký)
Đinh Quang Huy

Nơi nhận:
- Ban Thường vụ Tỉnh ủy (b/c),
- Ủy ban Kiểm tra Tỉnh ủy,
- Lưu Văn phòng.
"""
    )
    last = build_sections(text)[-1]
    assert "T/M" not in text[last.start : last.end] and "Nơi nhận" not in text[last.start : last.end]
    assert [text[a:b] for a, b in last.items] == ["Đề nghị Tỉnh ủy chỉ đạo bồi dưỡng nghiệp vụ."]


def test_a_parts_items_are_its_direct_sub_headings_whatever_their_level():
    text = normalize_text(
        """Phần thứ hai
NHIỆM VỤ, GIẢI PHÁP TRONG THỜI GIAN TỚI
1. Tiếp tục quán triệt chỉ thị.
2. Hằng năm xác minh ít nhất 2% số người kê khai.
3. Xử lý nghiêm các trường hợp vi phạm.
V. KIẾN NGHỊ
Đề nghị Tỉnh ủy chỉ đạo bồi dưỡng nghiệp vụ.
"""
    )
    part = next(s for s in build_sections(text) if s.path == "Phần thứ hai")
    assert part.role == "tasks"
    assert [text[a:b].split("\\n")[0] for a, b in part.items][:3] == [
        "1. Tiếp tục quán triệt chỉ thị.",
        "2. Hằng năm xác minh ít nhất 2% số người kê khai.",
        "3. Xử lý nghiêm các trường hợp vi phạm.",
    ]
