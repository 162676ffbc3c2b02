"""The optional LLM path, with langchain-core's fake chat model (no model ships with the project)."""

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.llm import LLMRewriter
from ingest.errors import ConfigError
from ingest.types import Answer, Citation
from prompts import fields, load, render

CITATION = Citation(
    n=1, doc="a.txt", title="Báo cáo A", section="I", text="xử lý kỷ luật 50 đảng viên", start=0, end=10
)
DRAFT = Answer(
    question="Có bao nhiêu đảng viên bị kỷ luật?",
    text="Báo cáo A: 50 đảng viên [1]",
    found=True,
    citations=[CITATION],
)


def test_templates_render_strictly():
    assert {"question", "passages", "draft", "language", "not_found"} == fields(load("answer"))
    with pytest.raises(ConfigError, match="missing"):
        render("answer", question="q")
    with pytest.raises(ConfigError, match="No prompt template"):
        load("nope")


def test_llm_wording_kept_when_numbers_are_cited():
    rewriter = LLMRewriter(FakeListChatModel(responses=["Theo Báo cáo A, 50 đảng viên bị kỷ luật [1]."]))
    out = rewriter.rewrite(DRAFT, "vi")
    assert out.text == "Theo Báo cáo A, 50 đảng viên bị kỷ luật [1]."


def test_llm_wording_with_an_invented_number_is_rejected():
    rewriter = LLMRewriter(FakeListChatModel(responses=["Tổng cộng 53 đảng viên bị kỷ luật [1]."]))
    assert rewriter.rewrite(DRAFT, "vi").text == DRAFT.text


def test_prompt_carries_passages_and_draft():
    prompt = LLMRewriter(FakeListChatModel(responses=["x"])).prompt(DRAFT, "en")
    assert "[1] (Báo cáo A; I) xử lý kỷ luật 50 đảng viên" in prompt and "Answer in English" in prompt
