"""The evaluation's grading: a forbidden number counts only as a whole number, in refusals too."""

from assistant.evaluation import grade

REFUSAL_ITEM = {
    "id": "x",
    "type": "unanswerable",
    "lang": "vi",
    "must_contain": [],
    "must_not_contain": ["4"],
}


def test_a_refusal_naming_a_year_is_not_taken_for_the_forbidden_figure():
    answer = {"answer": "Không tìm thấy trong báo cáo (Đảng ủy xã, 2024).", "found": False}
    assert grade(REFUSAL_ITEM, answer)["correct"]


def test_a_refusal_stating_the_forbidden_figure_is_wrong():
    answer = {"answer": "Không tìm thấy; gần nhất: 4 chi bộ.", "found": False}
    assert not grade(REFUSAL_ITEM, answer)["correct"]


def test_an_answer_to_an_unanswerable_question_is_wrong():
    answer = {"answer": "Có 7 chi bộ.", "found": True}
    assert not grade(REFUSAL_ITEM, answer)["correct"]
