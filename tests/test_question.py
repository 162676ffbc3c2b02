from assistant.question import is_followup, parse_question


def test_count_questions_in_both_languages_and_without_diacritics():
    for text in (
        "Có bao nhiêu đảng viên bị kỷ luật?",
        "co bao nhieu dang vien bi ky luat",
        "How many members were disciplined?",
    ):
        q = parse_question(text)
        assert q.kind == "count", text
        assert "discipline" in q.predicates, text
        assert "dang vien" in q.units, text
    assert parse_question("How many members were disciplined?").lang == "en"
    assert parse_question("co bao nhieu dang vien bi ky luat").lang == "vi"


def test_other_kinds():
    assert parse_question("Vì sao chương trình bị chậm tiến độ?").kind == "why"
    assert parse_question("Những báo cáo nào có nhắc tới Chỉ thị 10-CT/TW?").kind == "reports"
    assert parse_question("Which of the reports name the secretary?").kind == "reports"
    assert parse_question("Which province is the department from?").kind == "province"
    assert parse_question("What share of party members hold a master's degree?").kind == "count"
    assert "%" in parse_question("Tỷ lệ đảng viên nữ là bao nhiêu?").units


def test_organisation_names_are_not_verbs():
    q = parse_question("Ủy ban kiểm tra có mấy đồng chí?")
    assert "inspection" not in q.predicates
    assert "dong chi" in q.units


def test_years_and_targets():
    q = parse_question("Năm 2023, Đảng bộ có bao nhiêu đảng viên bị kỷ luật?")
    assert q.years == ("2023",)
    assert parse_question("Nhiệm kỳ 2020 - 2025 kết nạp bao nhiêu đảng viên?").years == ()
    assert parse_question("So với chỉ tiêu Đại hội thì thế nào?").wants_target


def test_followups_take_the_previous_subject_and_report():
    history = [
        {"q": "Báo cáo sơ kết giữa nhiệm kỳ của Đảng bộ Khối: bao nhiêu đảng viên bị kỷ luật?", "a": "50"}
    ]
    q = parse_question("Và bao nhiêu bị khai trừ?", history)
    assert q.kind == "count" and q.predicates == ("expulsion",)
    assert q.units == ("dang vien",)  # inherited
    assert "Đảng bộ Khối" in q.search_text  # the report named before is still the scope

    en = parse_question(
        "And how many were expelled?",
        [{"q": "In the Bloc report, how many members were disciplined?", "a": ""}],
    )
    assert en.kind == "count" and en.predicates == ("expulsion",) and "Bloc" in en.search_text

    target = parse_question(
        "What was the target for that?", [{"q": "How many classes were opened?", "a": "3"}]
    )
    assert target.kind == "count" and target.wants_target and "classes" in target.search_text


def test_a_new_question_is_not_a_followup():
    history = [{"q": "Có bao nhiêu đảng viên bị kỷ luật?", "a": "50"}]
    assert not is_followup(
        "Đảng bộ Sở Khoa học và Công nghệ tỉnh Bến Tre đã hỗ trợ xây dựng những gì?", history
    )
    assert not is_followup("và bao nhiêu bị khai trừ?", [])


def test_the_part_a_why_question_asks_for():
    # Results and shortcomings are explained in a section of causes; difficulties are reasons themselves.
    assert parse_question("Vì sao công tác phát triển đảng viên còn hạn chế?").part == "causes"
    assert parse_question("Hạn chế trên do những nguyên nhân nào?").part == "causes"
    assert parse_question("What caused the weaknesses in cell meetings?").part == "causes"
    assert parse_question("Vì sao năm qua xã gặp nhiều khó khăn?").part == "difficulties"
    assert parse_question("Những hạn chế trong sinh hoạt chi bộ là gì?").part == "shortcomings"


def test_a_summary_question_asks_for_a_list():
    assert parse_question("Tóm tắt những kết quả nổi bật của chi bộ năm 2024.").kind == "list"
    assert parse_question("Summarise the tasks set for the next term.").kind == "list"
    # A folded cue matches whole words only: "chế độ đấu tranh" is not "do đâu".
    assert parse_question("Chế độ đấu tranh chống tham nhũng ra sao?").kind != "why"


def test_english_cues_match_their_plurals_and_vietnamese_ones_stay_whole_words():
    from assistant.question import has_cue

    assert has_cue("target", "How did the results compare with the targets set for 2021?")
    assert has_cue("compare", "How does this year's figure compare with last year's?")
    assert has_cue("quantity", "What were the numbers of new members?")
    assert not has_cue("target", "What did the committee do?")
    # No Vietnamese syllable ends in "s": a folded cue never grows one.
    assert has_cue("quantity", "ty le dang vien") and not has_cue("quantity", "tys le")
