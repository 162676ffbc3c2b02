"""Optional LLM wording on top of the extractive answer. The LLM sees the draft (the figures computed in
code) and the cited passages; its text is kept only if the citation check passes, else the draft stands.
Any LangChain chat model works; none ships with the project."""

from __future__ import annotations

from dataclasses import replace

from langchain_core.language_models.chat_models import BaseChatModel

from assistant.citations import unsupported_numbers
from assistant.wording import phrase
from ingest.errors import ConfigError
from ingest.instructions import without_addressed
from ingest.types import Answer, Citation
from prompts import render


def make_chat_model(spec: str) -> BaseChatModel:
    """ "ollama:MODEL" or "openai:MODEL" (OPENAI_BASE_URL for a local server); the client is optional."""
    provider, _, name = spec.partition(":")
    try:
        if provider == "ollama":
            from langchain_ollama import ChatOllama

            return ChatOllama(model=name, temperature=0)
        if provider == "openai":
            from langchain_openai import ChatOpenAI

            return ChatOpenAI(model=name, temperature=0)
    except ImportError as exc:
        raise ConfigError(f"The LLM {spec!r} needs `pip install langchain-{provider}`.") from exc
    raise ConfigError(f"Unknown LLM {spec!r}: use ollama:MODEL or openai:MODEL.")


class LLMRewriter:
    def __init__(self, model: BaseChatModel) -> None:
        self.model = model

    def prompt(self, answer: Answer, lang: str) -> str:
        passages = "\n".join(f"[{c.n}] ({c.title}; {c.section}) {evidence_text(c)}" for c in answer.citations)
        return render(
            "answer",
            language="English" if lang == "en" else "Vietnamese",
            not_found=phrase(lang, "not_found"),
            draft=answer.text,
            passages=passages,
            question=answer.question,
        )

    def rewrite(self, answer: Answer, lang: str) -> Answer:
        """The model's wording when every number it states stands in a cited passage; else the draft."""
        if not answer.found or not answer.citations:
            return answer
        text = str(self.model.invoke(self.prompt(answer, lang)).content).strip()
        supports = [evidence_text(c) for c in answer.citations] + [c.title for c in answer.citations]
        if not text or unsupported_numbers(text, supports, lang):
            return answer
        return replace(answer, text=text)


def evidence_text(citation: Citation) -> str:
    """What the model reads of a cited passage: report text only, its sentences addressed to the reader (an
    injected "ignore previous instructions ...") taken out, so they can neither steer nor support it."""
    return without_addressed(citation.text)
