"""Numeric fact extraction on texts written for these tests, plus one integration test on a real report."""

from __future__ import annotations

import json
import re
import time
import unicodedata
from pathlib import Path

import pytest

from assistant.question import question_predicates
from ingest.facts import canonical_predicate, extract_facts, is_part, predicate_matches, top_level
from ingest.lexicon import PREDICATES
from ingest.numbers import numbers_in
from ingest.sentences import split_sentences
from ingest.types import Fact
from vectorstore.index import fact_from_json, fact_to_json

REPORTS = Path(__file__).resolve().parents[2] / "shared" / "reports"


def _extract(text: str, key: str, sections=None) -> list[Fact]:
    return extract_facts(text, key, split_sentences(text), sections)


def _facts(text: str) -> list[Fact]:
    return _extract(text, "doc")


def _one(facts: list[Fact], value: float, **kw: str) -> Fact:
    found = [f for f in facts if f.value == value and all(getattr(f, k) == v for k, v in kw.items())]
    assert len(found) == 1, (value, kw, facts)
    return found[0]


def _check_spans(text: str, facts: list[Fact]) -> None:
    for f in facts:
        assert f.raw in text[f.start : f.end]
        assert f.sentence_start <= f.start < f.end <= f.sentence_end
        sentence = text[f.sentence_start : f.sentence_end]
        assert sentence == sentence.strip()
        stated = [v for v, *_ in numbers_in(sentence)]
        assert f.value in stated
        if f.target is not None:
            assert f.target in stated
        for part in f.breakdown:
            assert part.value in stated


# ---------------------------------------------------------------------------------------------------------
# Breakdowns, lists, targets
# ---------------------------------------------------------------------------------------------------------

DISCIPLINE = (
    "Năm qua, Đảng bộ đã thi hành kỷ luật 4 tổ chức đảng (trong đó, cảnh cáo: 03, khiển trách: 01); "
    "xử lý kỷ luật 24 đảng viên (trong đó, khiển trách: 14 đảng viên, cảnh cáo: 05 đảng viên, "
    "cách chức: 01 đảng viên; khai trừ: 04 đảng viên)."
)


def test_breakdown_with_four_parts_each_a_fact() -> None:
    facts = _facts(DISCIPLINE)
    total = _one(facts, 24, unit="đảng viên")
    assert total.predicate == "xử lý kỷ luật"
    assert canonical_predicate(total.predicate) == "discipline"
    assert [(p.label, p.value, p.unit) for p in total.breakdown] == [
        ("khiển trách", 14, "đảng viên"),
        ("cảnh cáo", 5, "đảng viên"),
        ("cách chức", 1, "đảng viên"),
        ("khai trừ", 4, "đảng viên"),
    ]
    assert sum(p.value for p in total.breakdown) == total.value
    expelled = _one(facts, 4, predicate="khai trừ")
    assert (expelled.unit, expelled.subject, expelled.raw) == ("đảng viên", "đảng viên", "04")
    assert is_part(expelled, facts)
    assert not is_part(total, facts)
    _check_spans(DISCIPLINE, facts)


def test_breakdown_parts_inherit_the_unit() -> None:
    facts = _facts(DISCIPLINE)
    orgs = _one(facts, 4, unit="tổ chức đảng", predicate="thi hành kỷ luật")
    assert [(p.label, p.value, p.unit) for p in orgs.breakdown] == [
        ("cảnh cáo", 3, "tổ chức đảng"),
        ("khiển trách", 1, "tổ chức đảng"),
    ]
    warned = _one(facts, 3, predicate="cảnh cáo")
    assert (warned.unit, warned.subject) == ("tổ chức đảng", "tổ chức đảng")
    # Two clauses: the organisations and the members are separate sentences for citation.
    assert orgs.sentence_end <= _one(facts, 24).sentence_start


def test_top_level_keeps_totals_only() -> None:
    facts = _facts(DISCIPLINE)
    assert sorted(f.value for f in top_level(facts)) == [4, 24]


def test_breakdown_by_sum_without_labels() -> None:
    text = "Đảng bộ hiện có 44 tổ chức cơ sở đảng (30 đảng bộ cơ sở, 14 chi bộ cơ sở) với 1.870 đảng viên."
    facts = _facts(text)
    total = _one(facts, 44)
    assert [(p.label, p.value) for p in total.breakdown] == [("đảng bộ cơ sở", 30), ("chi bộ cơ sở", 14)]
    assert _one(facts, 1870).unit == "đảng viên"
    _check_spans(text, facts)


def test_breakdown_with_labels_before_numbers() -> None:
    text = "Đã quản lý 60 đề tài (trong đó cấp bộ là 12 đề tài; cấp tỉnh là 48 đề tài)."
    total = _one(_facts(text), 60)
    assert [(p.label, p.value, p.unit) for p in total.breakdown] == [
        ("cấp bộ", 12, "đề tài"),
        ("cấp tỉnh", 48, "đề tài"),
    ]


def test_list_of_counts_after_one_predicate() -> None:
    text = (
        "Trong giai đoạn này, Sở đã hỗ trợ xây dựng 03 chỉ dẫn địa lý, 07 nhãn hiệu tập thể, "
        "12 nhãn hiệu chứng nhận và 02 sáng chế."
    )
    facts = _facts(text)
    assert [(f.value, f.unit, f.predicate) for f in facts] == [
        (3, "chỉ dẫn địa lý", "hỗ trợ xây dựng"),
        (7, "nhãn hiệu", "hỗ trợ xây dựng"),
        (12, "nhãn hiệu", "hỗ trợ xây dựng"),
        (2, "sáng chế", "hỗ trợ xây dựng"),
    ]
    assert [f.subject for f in facts][1:3] == ["nhãn hiệu tập thể", "nhãn hiệu chứng nhận"]
    _check_spans(text, facts)


def test_targets() -> None:
    text = (
        "2. Kết nạp 215 đảng viên mới (chỉ tiêu Đại hội: 250 đảng viên mới) - Đạt chỉ tiêu.\n"
        "3. Phối hợp mở 04 lớp bồi dưỡng lý luận chính trị (chỉ tiêu Đại hội: 06 lớp).\n"
        "4. Tỷ lệ đảng viên không hoàn thành nhiệm vụ dưới 0,8% (chỉ tiêu Đại hội dưới 2%).\n"
    )
    facts = _facts(text)
    admitted = _one(facts, 215)
    assert (admitted.unit, admitted.predicate, admitted.target) == ("đảng viên", "kết nạp", 250)
    assert admitted.subject == "đảng viên mới"
    classes = _one(facts, 4)
    assert (classes.unit, classes.subject, classes.target) == ("lớp", "lớp bồi dưỡng lý luận chính trị", 6)
    assert classes.predicate == "phối hợp mở"
    share = _one(facts, 0.8)
    assert (share.unit, share.approx, share.qualifier, share.target) == ("%", True, "dưới", 2)
    # Targets are not facts of their own; heading numbers are not facts at all.
    assert sorted(f.value for f in facts) == [0.8, 4, 215]
    _check_spans(text, facts)


def test_several_targets_in_one_parenthesis() -> None:
    text = (
        "Hằng năm có trên 97% chi bộ và 96% đảng viên hoàn thành tốt nhiệm vụ "
        "(chỉ tiêu Đại hội 90% chi bộ và 85% đảng viên)."
    )
    facts = _facts(text)
    assert [(f.value, f.subject, f.target) for f in facts] == [(97, "chi bộ", 90), (96, "đảng viên", 85)]


# ---------------------------------------------------------------------------------------------------------
# Units, subjects, predicates, qualifiers
# ---------------------------------------------------------------------------------------------------------


def test_percentage_and_label_before_colon() -> None:
    text = "Đảng viên có trình độ đại học: 31 đồng chí (chiếm 52,5%); trình độ thạc sĩ: 09 đồng chí (chiếm 15.25%)."
    facts = _facts(text)
    count = _one(facts, 31)
    assert (count.unit, count.subject) == ("đồng chí", "Đảng viên có trình độ đại học")
    share = _one(facts, 52.5)
    assert (share.unit, share.subject, share.predicate, share.raw) == (
        "%",
        "Đảng viên có trình độ đại học",
        "chiếm",
        "52,5",
    )
    assert _one(facts, 15.25).subject == "trình độ thạc sĩ"
    _check_spans(text, facts)


def test_label_gives_the_subject_of_a_generic_unit() -> None:
    text = "- Tổng số ủy viên Ban Chấp hành được bầu: 09 đồng chí; gồm Bí thư và 02 Phó Bí thư."
    facts = _facts(text)
    elected = _one(facts, 9)
    assert elected.unit == "đồng chí"
    assert "ủy viên Ban Chấp hành" in elected.subject
    assert canonical_predicate(elected.predicate) == "elect"
    assert _one(facts, 2).unit == "phó bí thư"
    assert text[elected.sentence_start] == "T"  # the bullet is not part of the sentence


def test_link_verb_gives_the_subject() -> None:
    facts = _facts("Ủy ban Kiểm tra có 05 đồng chí. Đảng bộ có 120 đảng viên, trong đó nữ có 48 đồng chí.")
    assert _one(facts, 5).subject == "Ủy ban Kiểm tra"
    assert _one(facts, 120).subject == "đảng viên"
    assert _one(facts, 48).subject == "nữ"
    assert all(f.predicate == "" for f in facts)


def test_approximate_and_large_numbers() -> None:
    text = "Đảng bộ có gần 3.200 đảng viên; đã trồng hơn 2.5 triệu cây xanh và ủng hộ khoảng 7 tỷ đồng."
    facts = _facts(text)
    members = _one(facts, 3200)
    assert (members.approx, members.qualifier, members.unit, members.raw) == (
        True,
        "gần",
        "đảng viên",
        "3.200",
    )
    trees = _one(facts, 2.5)
    assert (trees.qualifier, trees.unit, trees.predicate) == ("hơn", "triệu cây", "trồng")
    money = _one(facts, 7)
    assert (money.qualifier, money.unit, money.predicate) == ("khoảng", "tỷ đồng", "ủng hộ")
    _check_spans(text, facts)


def test_money_predicates_nearest_before() -> None:
    text = "Quỹ đã cho vay ưu đãi 6 dự án là 12 tỷ đồng, thu hút đầu tư của doanh nghiệp trên 90 tỷ đồng."
    facts = _facts(text)
    assert _one(facts, 6).unit == "dự án"
    assert _one(facts, 12).predicate == "cho vay"
    attracted = _one(facts, 90)
    assert (attracted.predicate, attracted.unit, attracted.approx) == ("thu hút đầu tư", "tỷ đồng", True)


def test_predicate_detection() -> None:
    text = (
        "Ủy ban kiểm tra đã tiến hành kiểm tra 12 tổ chức đảng; giám sát 20 lượt đảng viên. "
        "Toàn Đảng bộ có 80 quần chúng ưu tú được xem xét kết nạp vào Đảng. "
        "Chi bộ đã xem xét xử lý 2 trường hợp đảng viên vi phạm với hình thức kỷ luật cảnh cáo. "
        "Đã thành lập 01 chi bộ mới."
    )
    facts = _facts(text)
    assert canonical_predicate(_one(facts, 12).predicate) == "inspection"
    visits = _one(facts, 20)
    assert (visits.predicate, visits.unit, visits.subject) == ("giám sát", "lượt", "lượt đảng viên")
    assert canonical_predicate(_one(facts, 80).predicate) == "admission"
    cases = _one(facts, 2)
    assert (cases.unit, cases.subject, cases.predicate) == ("trường hợp", "trường hợp đảng viên", "cảnh cáo")
    assert predicate_matches(cases.predicate, "discipline")
    assert _one(facts, 1).predicate == "thành lập"
    _check_spans(text, facts)


def test_ratio_is_one_fact() -> None:
    text = "+ Lý luận chính trị: Cao cấp: 9/9 đồng chí; Trung cấp: 0 đồng chí"
    fact = _one(_facts(text), 9)
    assert (fact.raw, fact.unit) == ("9/9", "đồng chí")
    assert fact.subject == "Lý luận chính trị: Cao cấp"


def test_range_lower_bound_takes_the_unit() -> None:
    facts = _facts("Phấn đấu có từ 10 – 15% đảng viên hoàn thành xuất sắc nhiệm vụ.")
    assert [(f.value, f.unit, f.qualifier) for f in facts] == [(10, "%", "từ"), (15, "%", "đến")]


# ---------------------------------------------------------------------------------------------------------
# What is not a quantity
# ---------------------------------------------------------------------------------------------------------


def test_skips_dates_documents_years_ordinals_and_headings() -> None:
    text = (
        "I. KẾT QUẢ\n"
        "1. Công tác chính trị\n"
        "2.3. Công tác kiểm tra, giám sát\n"
        "2. 4. Nhiệm vụ khác\n"
        "Ngày 15/5/2016, thực hiện Chỉ thị số 05-CT/TW và Kết luận 21-KL/TW, Quy định 08 - QĐ/TW, "
        "Kế hoạch số 1888/KH-UBND, Báo cáo số 212-BC/ĐU, Nghị quyết Trung ương 4, Chương 4, "
        "Đại hội lần thứ 19, khóa XIII¹, nhiệm kỳ 2020 - 2025, giai đoạn 2021–2023, năm 2024, "
        "từ 2018 đến 2020, sau dịch Covid- 19, gặp mặt ngày 8/3 và 27/7 năm 2023, sinh con thứ 3."
    )
    assert _facts(text) == []


def test_year_shaped_number_with_a_count_unit_is_a_count() -> None:
    assert _one(_facts("Đã có 1950 lượt người tham gia."), 1950).unit == "lượt"


# ---------------------------------------------------------------------------------------------------------
# Sentences, sections, storage
# ---------------------------------------------------------------------------------------------------------


def test_sentences_do_not_split_on_decimals_parentheses_or_wrapped_lines() -> None:
    text = "Tỷ lệ đạt 34.84% (gồm 2 nhóm; mỗi nhóm 5 người) tăng\nso với năm trước. Câu thứ hai!"
    spans = split_sentences(text)
    assert [text[s.start : s.end] for s in spans] == [
        "Tỷ lệ đạt 34.84% (gồm 2 nhóm; mỗi nhóm 5 người) tăng\nso với năm trước.",
        "Câu thứ hai!",
    ]


def test_sentences_split_on_semicolons_as_clauses() -> None:
    text = "Có 3 chi bộ; có 5 tổ. Hết."
    first, _ = split_sentences(text)
    assert [text[a:b] for a, b in first.clauses] == ["Có 3 chi bộ;", "có 5 tổ."]


def test_sections_callback() -> None:
    text = "Mở đầu.\nKết nạp 12 đảng viên."
    facts = _extract(text, "doc", sections=lambda off: "II > 2.3" if off > 5 else "I")
    assert [(f.value, f.section, f.doc_key) for f in facts] == [(12, "II > 2.3", "doc")]


def test_json_round_trip() -> None:
    facts = _facts(DISCIPLINE + "\nKết nạp 215 đảng viên mới (chỉ tiêu Đại hội: 250 đảng viên mới).")
    rows = json.loads(json.dumps([fact_to_json(f) for f in facts], ensure_ascii=False))
    assert isinstance(rows[0]["breakdown"], list) and rows[0]["breakdown"][0]["label"] == "cảnh cáo"
    assert [fact_from_json(r) for r in rows] == facts
    rows[0]["future_field"] = 1  # rows written by a newer version still load
    assert fact_from_json(rows[0]) == facts[0]


def test_question_predicates() -> None:
    assert "discipline" in question_predicates("Có bao nhiêu đảng viên bị kỷ luật?")
    assert "discipline" in question_predicates("co bao nhieu dang vien bi ky luat")
    assert question_predicates("And how many were expelled?") == ["expulsion"]
    assert "expulsion" in question_predicates("Bao nhiêu đảng viên bị khai trừ?")
    assert predicate_matches("khiển trách", "discipline")
    assert not predicate_matches("kết nạp", "discipline")
    assert all(k == k.lower() and " ".join(k.split()) == k for k in PREDICATES)


# ---------------------------------------------------------------------------------------------------------
# Integration: a real report
# ---------------------------------------------------------------------------------------------------------


def _report(prefix: str) -> tuple[str, str]:
    if not REPORTS.is_dir():
        pytest.skip(f"integration data not found: {REPORTS} (the shared reports folder is absent)")
    files = sorted(REPORTS.glob(f"{prefix}_*.txt"))
    if not files:
        pytest.skip(f"no report {prefix}_*.txt in {REPORTS}")
    return files[0].name, unicodedata.normalize("NFC", files[0].read_text(encoding="utf-8"))


@pytest.mark.integration
def test_real_report_discipline_breakdown() -> None:
    name, text = _report("002")
    # Expectations come from the text: "kỷ luật N đảng viên (... label: n ...)".
    m = re.search(r"kỷ luật (\d+) đảng viên \(([^)]*)\)", text)
    assert m, "the report no longer states a disciplinary breakdown"
    total = int(m.group(1))
    parts = [int(n) for n in re.findall(r":\s*(\d+)", m.group(2))]
    facts = _extract(text, name)
    fact = _one(facts, total, unit="đảng viên")
    assert canonical_predicate(fact.predicate) == "discipline"
    assert [p.value for p in fact.breakdown] == parts
    assert sum(p.value for p in fact.breakdown) == fact.value
    expelled = re.search(r"khai trừ:\s*(\d+)", m.group(2))
    assert expelled
    assert _one(facts, int(expelled.group(1)), predicate="khai trừ").unit == "đảng viên"
    _check_spans(text, facts)


@pytest.mark.integration
def test_all_real_reports_fast_and_well_formed() -> None:
    if not REPORTS.is_dir():
        pytest.skip(f"integration data not found: {REPORTS} (the shared reports folder is absent)")
    texts = [
        unicodedata.normalize("NFC", p.read_text(encoding="utf-8")) for p in sorted(REPORTS.glob("*.txt"))
    ]
    _extract("Kết nạp 1 đảng viên.", "warm-up")  # loads the word list once
    t0 = time.perf_counter()
    results = [_extract(t, str(i)) for i, t in enumerate(texts)]
    assert time.perf_counter() - t0 < 1.0
    for text, facts in zip(texts, results, strict=True):
        assert facts
        _check_spans(text, facts)


def test_is_part_needs_the_label_not_only_the_value() -> None:
    text = "Đã xử lý kỷ luật 5 đảng viên (trong đó, khiển trách: 3 đảng viên, cảnh cáo: 2 đảng viên), kết nạp 3 đảng viên."
    facts = _facts(text)
    admitted = _one(facts, 3, predicate="kết nạp")
    assert not is_part(admitted, facts)
    assert is_part(_one(facts, 3, predicate="khiển trách"), facts)


def test_a_number_after_a_kind_of_document_names_it_unless_it_counts_a_known_noun():
    """ "Chỉ thị 05", "Kế hoạch 45/KH-UBND", "Nghị quyết số 12": references; "hướng dẫn 58 cơ sở": the
    same word as a verb, counting establishments."""
    counted = _facts("Năm 2024, Sở đã hướng dẫn 58 cơ sở ghi nhãn hàng hóa.\n")
    assert [(f.value, f.unit) for f in counted] == [(58.0, "cơ sở")]
    references = _facts(
        "Thực hiện Kế hoạch 45/KH-UBND, Chỉ thị 05 và Nghị quyết số 12 đảng viên được học tập.\n"
    )
    assert references == []


def test_the_partys_words_for_admission_are_an_admission():
    fact = _facts("Trong năm, có 45 quần chúng ưu tú được đứng vào hàng ngũ của Đảng.\n")[0]
    assert fact.value == 45 and canonical_predicate(fact.predicate) == "admission"


def test_a_figure_after_the_target_word_is_the_target_of_the_figure_before_it() -> None:
    """ "ước đạt 58,5 triệu đồng ... nhưng chưa đạt chỉ tiêu 60 triệu đồng": 60 is 58,5's target, not a
    figure of its own; a figure of another unit in between ("gấp 1,6 lần") is passed over."""
    text = "Thu nhập bình quân đầu người năm 2025 ước đạt 58,5 triệu đồng, gấp 1,6 lần năm 2020 nhưng chưa đạt chỉ tiêu 60 triệu đồng."
    facts = _facts(text)
    income = next(f for f in facts if f.value == 58.5)
    assert income.target == 60.0
    assert not any(f.value == 60.0 for f in facts)
    assert any(f.value == 1.6 and f.target is None for f in facts)
    # Without the target word the second figure is a figure of its own.
    plain = _facts("Năm 2024 kết nạp 14 đảng viên, năm 2023 kết nạp 10 đảng viên.")
    assert [f.value for f in plain] == [14.0, 10.0] and all(f.target is None for f in plain)


def test_a_list_of_figures_writes_its_unit_once_after_the_last() -> None:
    """ "khiển trách 52, cảnh cáo 24, cách chức 04, khai trừ 07 đảng viên": each form counts members; a
    month before a comma ("vào tháng 9, làm đổ gãy 2.300 cây") is not one of such a list."""
    facts = _facts(
        "Trong nhiệm kỳ thi hành kỷ luật 87 đảng viên, trong đó khiển trách 52, cảnh cáo 24, cách chức 04, khai trừ 07 đảng viên."
    )
    assert {f.value: f.unit for f in facts if f.value in (52, 24, 4, 7)} == {
        52: "đảng viên",
        24: "đảng viên",
        4: "đảng viên",
        7: "đảng viên",
    }
    storm = _facts("Cơn bão số 3 đổ bộ vào tháng 9, làm đổ gãy hơn 2.300 cây xanh.")
    assert not any(f.unit == "cây" and f.value == 9 for f in storm)


def test_a_list_after_a_colon_that_sums_to_the_figure_is_its_breakdown() -> None:
    text = (
        "Trong năm, Đảng ủy trao tặng 12 Huy hiệu Đảng, gồm: 02 Huy hiệu 60 năm, 04 Huy hiệu 50 năm "
        "và 06 Huy hiệu 30 năm tuổi Đảng."
    )
    facts = _facts(text)
    total = _one(facts, 12)
    # Named after the number: each part's label is its noun and what follows it, up to the next part.
    assert [(p.label, p.value) for p in total.breakdown] == [
        ("Huy hiệu 60 năm", 2),
        ("Huy hiệu 50 năm", 4),
        ("Huy hiệu 30 năm tuổi Đảng", 6),
    ]
    assert is_part(_one(facts, 4), facts)
    assert total in top_level(facts)


def test_a_list_after_a_colon_names_its_parts_before_them_when_the_first_is() -> None:
    facts = _facts("Kết nạp 20 đảng viên, trong đó: nữ 08 đảng viên, đoàn viên thanh niên 12 đảng viên.")
    assert [(p.label, p.value) for p in _one(facts, 20).breakdown] == [
        ("nữ", 8),
        ("đoàn viên thanh niên", 12),
    ]


def test_a_list_after_a_colon_that_does_not_sum_to_the_figure_is_no_breakdown() -> None:
    facts = _facts("Đảng ủy trao tặng 12 Huy hiệu Đảng, gồm: 02 Huy hiệu 60 năm, 04 Huy hiệu 50 năm.")
    assert _one(facts, 12).breakdown == ()
    assert not is_part(_one(facts, 4), facts)


def test_a_verb_inside_an_aside_closed_before_the_figure_is_not_its_verb() -> None:
    text = "Toàn Đảng bộ thi hành kỷ luật 04 tổ chức đảng (khiển trách 03, cảnh cáo 01) và 327 đảng viên."
    members = next(f for f in _facts(text) if f.value == 327)
    assert canonical_predicate(members.predicate) == "discipline"
    inside = next(f for f in _facts(text) if f.value == 1)
    assert canonical_predicate(inside.predicate) == "warning"


def test_what_those_counted_are_after_la_qualifies_them() -> None:
    text = "Kết nạp 47 đảng viên mới, trong đó 12 đảng viên là giảng viên, 03 đảng viên là viên chức và 32 đảng viên là sinh viên."
    subjects = {f.value: f.subject for f in _facts(text)}
    assert subjects[12] == "đảng viên (giảng viên)" and subjects[32] == "đảng viên (sinh viên)"
    assert subjects[47] == "đảng viên mới"


def test_a_target_counted_in_things_belongs_to_the_count_not_to_its_share() -> None:
    text = "Năm 2024 tuyển được 3.215 sinh viên, đạt 91,9% chỉ tiêu được giao (chỉ tiêu 3.500 sinh viên)."
    facts = _facts(text)
    assert next(f for f in facts if f.value == 3215).target == 3500
    assert next(f for f in facts if f.value == 91.9).target is None
