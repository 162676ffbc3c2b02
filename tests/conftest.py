"""Shared fixtures. Fakes stand in for models only; the Chroma store, files and processes are real."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.settings import apply_offline_defaults

# Tests run offline like the command line does (the entry points set these; importing the project does not).
apply_offline_defaults()

SHARED = Path(__file__).resolve().parents[2] / "shared"
REPORTS = SHARED / "reports"
GOLD = SHARED / "eval" / "public.json"


class FakeEmbedder:
    """langchain-core's deterministic fake embeddings behind our Embedder interface; counts its work."""

    name = "fake"

    def __init__(self) -> None:
        from langchain_core.embeddings import DeterministicFakeEmbedding

        self._fake = DeterministicFakeEmbedding(size=32)
        self.passages_embedded = 0

    def embed_passages(self, texts: list[str]) -> list[list[float]]:
        self.passages_embedded += len(texts)
        return self._fake.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self._fake.embed_query(text)


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def make_engine(tmp_path, fake_embedder):
    """An engine on a fresh on-disk index with the fake embedder (real Chroma, real files)."""
    from assistant.engine import Engine
    from assistant.settings import Settings

    def make(index: Path | None = None, embedder=None):
        return Engine(Settings.from_env(index or tmp_path / "index"), embedder=embedder or fake_embedder)

    return make


@pytest.fixture
def engine_on(tmp_path, make_engine):
    """An engine that has ingested the given reports ({file name: text}), written to a folder here."""

    def make(reports: dict[str, str]):
        folder = tmp_path / "reports"
        folder.mkdir(exist_ok=True)
        for name, text in reports.items():
            (folder / name).write_text(text, encoding="utf-8")
        engine = make_engine()
        engine.ingest([folder], show_progress=False)
        return engine

    return make


@pytest.fixture(scope="session")
def reports_dir() -> Path:
    if not REPORTS.is_dir():
        pytest.skip(
            f"integration data not found: {REPORTS} (the shared reports folder sits beside the project)"
        )
    return REPORTS


@pytest.fixture(scope="session")
def shared_index(tmp_path_factory, reports_dir) -> Path:
    """An index of ../shared/reports built once per test session with the bundled embedder."""
    from assistant.engine import Engine
    from assistant.settings import Settings

    index = tmp_path_factory.mktemp("shared-index")
    summary = Engine(Settings.from_env(index)).ingest([reports_dir], show_progress=False)
    assert not summary.failed, summary.failed
    return index


@pytest.fixture(scope="session")
def shared_engine(shared_index):
    from assistant.engine import Engine
    from assistant.settings import Settings

    return Engine(Settings.from_env(shared_index))


def figures_in(text: str) -> set[float]:
    """The values of the numbers an answer states (tests compare them with the figures they asked for)."""
    from ingest.numbers import numbers_in

    return {value for value, *_ in numbers_in(text)}
