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
    assert parse_question("Qua 5 năm, xã rút ra được những kinh nghiệm gì?").part == "lessons"
    # A result short of its target is explained, not compared with it.
    short = parse_question("Vì sao năm 2024 xã chưa đạt chỉ tiêu kết nạp đảng viên?")
    assert short.kind == "why" and short.part == "causes"


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


def test_english_counts_the_last_noun_of_its_phrase():
    """English puts the head noun last: "how many staff trainings" counts trainings, not staff; a
    modifier's unit is not what is counted (and a head the glossary lacks gives no unit at all)."""
    assert parse_question("How many staff were trained in 2023?").units == ("can bo",)
    assert "can bo" not in parse_question("How many staff trainings were held in 2023?").units
    assert parse_question("How many of the party members were disciplined?").units == ("dang vien",)
    assert set(parse_question("How many party cells and party members were rated?").units) == {
        "chi bo",
        "dang vien",
    }


def test_a_document_asked_for_by_its_kind_and_one_named_by_its_number():
    """ "Kế hoạch nào", "which plan", "Chương trình ... số hiệu gì" ask for a cited document of that kind; a
    kind named with its number ("Chỉ thị 33-CT/TW") is what the question already knows."""
    assert parse_question(
        "Ban Thường vụ đã ban hành kế hoạch nào để thực hiện Chỉ thị 33-CT/TW?"
    ).documents == ("KH",)
    assert parse_question(
        "Which plan did the committee issue to carry out Directive 33-CT/TW?"
    ).documents == ("KH",)
    numbered = parse_question("Chương trình kiểm tra, giám sát năm 2024 của Ban Thường vụ mang số hiệu gì?")
    assert numbered.documents == ("CTr",) and numbered.kind == "doc_number"
    assert parse_question("Báo cáo này có số hiệu gì?").documents == ()  # the report's own number
    assert parse_question("Kết quả thực hiện nghị quyết đạt những chỉ tiêu nào?").documents == ()


def test_figures_stated_in_a_question_and_relative_years_of_a_follow_up():
    q = parse_question("Có bao nhiêu trường hợp tài sản tăng từ 300 triệu đồng trở lên trong năm 2024?")
    assert q.stated == (300.0,) and q.years == ("2024",)
    assert parse_question("Across the five years, how many declarations were filed?").stated == (5.0,)
    history = [{"q": "Năm 2024 Đảng bộ xã kết nạp được bao nhiêu đảng viên mới?", "a": "14 đảng viên."}]
    assert parse_question("Thế còn năm trước đó thì kết nạp được bao nhiêu?", history).years == ("2023",)
    english = [{"q": "How many members were admitted in 2020?", "a": "12."}]
    assert parse_question("And the following year?", english).years == ("2021",)
    assert parse_question("Còn năm 2022?", history).years == ("2022",)  # a year named is the year asked


def test_a_form_of_an_action_asked_narrows_it_and_a_name_is_not_a_unit():
    warned = parse_question("Có bao nhiêu đảng viên bị kỷ luật bằng hình thức cảnh cáo?")
    assert warned.predicates == ("warning",)
    both = parse_question("Bao nhiêu đảng viên bị kỷ luật, trong đó bao nhiêu bị khai trừ?")
    assert {"discipline", "expulsion"} <= set(both.predicates)  # each figure asked keeps its action
    named = parse_question("Năm 2024 Đảng ủy xã Đông Phong kết nạp được bao nhiêu đảng viên?")
    assert "phong" not in named.units and "dang vien" in named.units
    assert "phong" in parse_question("Sở có bao nhiêu phòng chuyên môn?").units


def test_a_follow_up_keeps_the_year_and_of_them_counts_what_was_counted_before():
    history = [{"q": "How many party members were disciplined in Vĩnh Phú district in 2024?", "a": "37."}]
    q = parse_question("And how many of them were disciplined by the district inspection committee?", history)
    assert q.years == ("2024",) and "dang vien" in q.units and "ky luat" not in q.units


def test_whether_a_target_was_met_is_a_comparison_of_result_and_target():
    for text in (
        "Thu nhập bình quân đầu người năm 2025 có đạt chỉ tiêu Đại hội không?",
        "Did the admissions of new members meet the target?",
    ):
        q = parse_question(text)
        assert q.kind == "comparison" and q.wants_target, text


def test_a_why_question_names_a_part_or_an_event():
    assert parse_question("Vì sao công tác kiểm tra năm 2024 vẫn còn hạn chế?").names_part
    assert not parse_question("Why were some party members disciplined?").names_part


def test_questions_of_targets_and_years_compared_ask_for_figures():
    assert parse_question("Did Quỳnh Sơn reach its per-capita income target for 2025?").kind == "comparison"
    compared = parse_question("How did new member admissions in Đông Phong in 2024 compare with 2023?")
    assert compared.kind == "comparison" and set(compared.years) == {"2023", "2024"}
    target = parse_question("What's the district's target for admitting new party members in the term?")
    assert target.kind == "count" and target.wants_target
    assert parse_question("Did the commune reach its income target for 2025?").lang == "en"
    assert parse_question("co bao nhieu to chuc dang o xa an phu").lang == "vi"


def test_the_words_asking_for_a_share_are_not_what_it_is_a_share_of():
    q = parse_question("What share of the new members were youth union members?")
    assert "%" in q.units and not {"ty", "le", "ty_le"} & set(q.informative)


def test_what_plans_asks_for_tasks_and_which_plan_for_a_document():
    assert parse_question("Which plan did the committee issue in 2019?").documents == ("KH",)
    assert parse_question("What plans does the commune set for 2025?").documents == ()


def test_who_did_something_is_not_what_is_counted():
    assert "nguoi" not in parse_question("Trong số đó, phần do người dân đóng góp là bao nhiêu?").units
    assert "nguoi" in parse_question("Xã có bao nhiêu người tham gia?").units


def test_a_followup_of_a_measured_amount_asks_in_the_unit_it_was_answered_in():
    history = [{"q": "Huyện huy động được bao nhiêu nguồn lực?", "a": "Tổng nguồn lực đạt 2.486,5 tỷ đồng."}]
    units = parse_question("Trong số đó, phần do doanh nghiệp đóng góp là bao nhiêu?", history).units
    assert "ty dong" in units
    counted = [{"q": "Xã kết nạp bao nhiêu đảng viên?", "a": "Kết nạp 14 đảng viên trong 3 năm."}]
    assert parse_question("Còn năm 2023 thì sao?", counted).units == ("dang vien",)


def test_whether_a_result_met_its_goal_is_a_comparison():
    from assistant.question import QuestionKind

    question = "Đến hết năm 2024, số xã đạt chuẩn đã đạt mục tiêu đề ra cho năm 2025 chưa?"
    assert parse_question(question).kind is QuestionKind.COMPARISON


def test_a_period_written_out_in_words_is_one_period_not_two_years():
    q = parse_question("How many collective models were set up in the district between 2021 and 2025?")
    assert q.periods == ("2021–2025",) and q.years == ()
    assert parse_question("Từ năm 2021 đến năm 2025 huyện xây dựng bao nhiêu mô hình?").periods == (
        "2021–2025",
    )
    # Two years compared stay two years.
    assert parse_question("How did admissions change from 2023 to 2024?").years == ("2023", "2024")


def test_asking_what_is_planned_going_forward_asks_for_a_target():
    assert parse_question("Going forward, what share of declarants will be verified each year?").wants_target
    assert parse_question("Thời gian tới, mỗi năm xác minh bao nhiêu phần trăm người kê khai?").wants_target
    assert "verify" in parse_question("How many declarations were verified?").predicates
