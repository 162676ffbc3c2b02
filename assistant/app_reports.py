"""The reports panel of the chat app: report choices, the reports table and the status line."""

from __future__ import annotations

import html

from assistant.app_indexing import IndexingState, duration_text
from assistant.app_render import cut_title
from assistant.app_safety import ACCEPTED
from assistant.engine import Engine
from assistant.labels import full_label, kind_name

EMPTY_INDEX_MESSAGE = (
    "Chưa có báo cáo nào trong chỉ mục. Mở thẻ «Báo cáo» để tải báo cáo lên "
    f"({', '.join(ACCEPTED)}), rồi hỏi lại."
)
ADD_REAL_REPORTS = (
    "Để dùng báo cáo thật: tải lên ở thẻ «Báo cáo», hoặc khởi động lại với "
    "«make run REPORTS=thư_mục_báo_cáo» (report-assistant serve --reports THƯ_MỤC)."
)
SAMPLES_BANNER = "Đây là các báo cáo MẪU hư cấu (không phải báo cáo thật), chỉ để dùng thử."


def indexing_message(state: IndexingState) -> str:
    """ "Đang lập chỉ mục 3/5 báo cáo… (còn khoảng 2 phút)" """
    left = f" (còn {duration_text(state.seconds_left)})" if state.seconds_left else ""
    return f"Đang lập chỉ mục {state.done}/{state.total} báo cáo…{left}"


def empty_message(state: IndexingState | None) -> str:
    """What a question on an empty index gets: wait while indexing runs, else how to add reports."""
    if state is not None and state.running:
        return f"{indexing_message(state)} Chưa có báo cáo nào lập chỉ mục xong; hãy hỏi lại sau ít phút."
    return EMPTY_INDEX_MESSAGE


def choice_label(meta) -> str:
    """A report in the filter and removal lists: its label (a long title cut, its sample mark kept) and
    its file name."""
    title = cut_title(meta.title or meta.doc, 90)
    return f"{full_label(title, meta.issuing_body, meta.province, meta.term)} [{meta.doc}]"


def report_choices(engine: Engine) -> list[tuple[str, str]]:
    return [(choice_label(r.meta), r.key) for r in sorted_reports(engine)]


def sorted_reports(engine: Engine):
    return sorted(engine.reports(), key=lambda r: (r.meta.title or r.meta.doc).lower())


def reports_table_html(engine: Engine, samples: bool = False) -> str:
    reports = sorted_reports(engine)
    if not reports:
        return f'<div class="ra-empty">{html.escape(EMPTY_INDEX_MESSAGE)}</div>'
    rows = []
    for r in reports:
        m = r.meta
        cells = [
            f'<div class="ra-rep-title">{html.escape(m.title or m.doc)}</div><div class="ra-rep-file">{html.escape(m.doc)}</div>',
            html.escape(kind_name(m.kind, "vi")),
            html.escape(m.issuing_body or "—"),
            html.escape(m.province or "—"),
            html.escape(m.term or "—"),
            html.escape(m.doc_number or "—"),
            html.escape(m.date or "—"),
            str(r.chunks),
        ]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    head = "".join(
        f"<th>{h}</th>"
        for h in ("Báo cáo", "Loại", "Cơ quan ban hành", "Tỉnh", "Nhiệm kỳ/năm", "Số", "Ngày", "Số đoạn")
    )
    banner = (
        f'<div class="ra-empty ra-samples-banner">{html.escape(SAMPLES_BANNER)} {html.escape(ADD_REAL_REPORTS)}</div>'
        if samples
        else ""
    )
    return f'{banner}<table class="ra-reports"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def status_html(engine: Engine, samples: bool = False, indexing: IndexingState | None = None) -> str:
    """The status line: what questions are answered from, and whether that is samples or a partial index."""
    reports = engine.reports()
    chunks = sum(r.chunks for r in reports)
    if samples:
        text = (
            f"Đang hiển thị {len(reports)} báo cáo MẪU hư cấu (không phải báo cáo thật), vì chưa có báo cáo "
            f"nào. {ADD_REAL_REPORTS}"
        )
        return f'<div class="ra-status ra-status-empty ra-status-samples">{html.escape(text)}</div>'
    if indexing is not None and indexing.running:
        answering = (
            f"Trong lúc chờ, câu trả lời chỉ dựa trên {len(reports)} báo cáo đã lập chỉ mục xong ({chunks} đoạn)."
            if reports
            else "Chưa có báo cáo nào xong; hãy chờ một chút rồi hỏi."
        )
        text = f"{indexing_message(indexing)} {answering}"
        return f'<div class="ra-status ra-status-empty ra-status-indexing">{html.escape(text)}</div>'
    if not reports:
        return '<div class="ra-status ra-status-empty">Chưa có báo cáo nào — hãy tải báo cáo lên ở thẻ «Báo cáo».</div>'
    stopped = ""
    if indexing is not None and indexing.stopped_by:
        stopped = f" Lập chỉ mục đã dừng ở {indexing.done}/{indexing.total} báo cáo: {indexing.stopped_by}"
    elif indexing is not None and indexing.failed:
        stopped = f" {indexing.failed} tệp không đọc được (xem cửa sổ dòng lệnh)."
    text = f"Đang tra cứu {len(reports)} báo cáo ({chunks} đoạn).{stopped}"
    return f'<div class="ra-status">{html.escape(text)}</div>'
