"""Tables written as rows of " | " cells (how DOCX and HTML tables are loaded, and how copied text often has
them): each figure is labelled by its row and its column, on reports written here (real index, fake
embedder)."""

from __future__ import annotations

import pytest

from ingest.table_cells import label_cells, table_cells
from tests.conftest import figures_in

REPORT = """BÁO CÁO
Kết quả công tác kiểm tra, giám sát 6 tháng đầu năm 2025 của Ủy ban Kiểm tra Đảng ủy xã Tân Phú, tỉnh Đồng Nai

I. KẾT QUẢ
Kết quả so với cùng kỳ:
TT | Nội dung | 6 tháng đầu năm 2024 | 6 tháng đầu năm 2025 | So sánh
1 | Đơn thư tiếp nhận | 07 | 11 | tăng 04
2 | Kiểm tra tài chính đảng (chi bộ) | 05 | 09 | tăng 04
3 | Đảng phí thu được (đồng) | 52.300.000 | 58.900.000 | tăng 6.600.000

II. MÔ HÌNH
Năm | Đăng ký | Được công nhận | Tỷ lệ
2023 | 42 | 38 | 90,5%
2024 | 47 | 45 | 95,7%
Cộng | 89 | 83 | 93,3%
"""


def test_a_cell_is_labelled_by_its_row_and_column_and_row_numbers_are_no_figures():
    cells, skipped = table_cells(REPORT)
    labels = {REPORT[c.start : c.end].strip(): (c.row, c.header) for c in cells}
    assert labels["58.900.000"] == ("Đảng phí thu được (đồng)", "6 tháng đầu năm 2025")
    assert labels["45"] == ("2024", "Được công nhận")
    assert any(REPORT[a:b].strip() == "2" for a, b in skipped)  # the "TT" column numbers rows
    from ingest.types import Fact

    at = REPORT.index("| 09 |") + 2
    fact = Fact("r", 9.0, "", "", "", at, at + 2, at, at + 2, raw="09")
    (labelled,) = label_cells(REPORT, [fact])
    assert labelled.unit == "chi bộ" and labelled.subject == "Kiểm tra tài chính đảng (chi bộ)"
    assert labelled.cell == "Kiểm tra tài chính đảng (chi bộ); 6 tháng đầu năm 2025"


@pytest.fixture
def engine(engine_on):
    return engine_on({"table.txt": REPORT})


def test_a_count_asked_of_a_year_or_a_period_is_read_in_its_row_or_column(engine):
    recognised = figures_in(engine.ask("Năm 2023 xã Tân Phú có bao nhiêu mô hình được công nhận?").text)
    assert 38 in recognised and not recognised & {45, 83, 42}
    fees = engine.ask("6 tháng đầu năm 2024 Đảng bộ xã Tân Phú thu được bao nhiêu đảng phí?").text
    assert "52.300.000" in fees and "58.900.000" not in fees
