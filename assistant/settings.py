"""Settings, read once into one object and passed down."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir

from vectorstore.embedders import DEFAULT_EMBEDDER

# Offline by design: no telemetry, no analytics, no hub look-ups.
for _name, _value in (
    ("ANONYMIZED_TELEMETRY", "False"),
    ("GRADIO_ANALYTICS_ENABLED", "False"),
    ("HF_HUB_OFFLINE", "1"),
    ("TRANSFORMERS_OFFLINE", "1"),
):
    os.environ.setdefault(_name, _value)


def default_index_dir() -> Path:
    env = os.environ.get("REPORT_ASSISTANT_INDEX")
    return Path(env) if env else Path(user_data_dir("report-assistant")) / "index"


@dataclass(frozen=True)
class Settings:
    index_dir: Path
    embedder: str = DEFAULT_EMBEDDER
    chroma_url: str | None = None  # a Chroma server; None means the embedded store in index_dir
    k: int = 10
    llm: str | None = None  # optional wording model, "ollama:MODEL" or "openai:MODEL"; none by default

    @classmethod
    def from_env(cls, index_dir: Path | str | None = None, **overrides) -> Settings:
        chosen = Path(index_dir) if index_dir else default_index_dir()
        values = {
            "embedder": os.environ.get("REPORT_ASSISTANT_EMBEDDER", DEFAULT_EMBEDDER),
            "chroma_url": os.environ.get("REPORT_ASSISTANT_CHROMA_URL") or None,
            "llm": os.environ.get("REPORT_ASSISTANT_LLM") or None,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(index_dir=chosen.expanduser(), **values)
