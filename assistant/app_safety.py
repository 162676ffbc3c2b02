"""Safety helpers for the chat app: loopback check, logins, safe upload names and the upload size limit."""

from __future__ import annotations

import ipaddress
import os
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path

from assistant.errors import ConfigError, ReportAssistantError
from ingest.loaders import SUPPORTED_EXTENSIONS

DEFAULT_MAX_UPLOAD_MB = 20
ACCEPTED = sorted(SUPPORTED_EXTENSIONS)
_UNSAFE_NAME_RE = re.compile(r"[^\w .()\-]", re.UNICODE)


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def load_auth(env: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """Logins from REPORT_ASSISTANT_USER/REPORT_ASSISTANT_PASSWORD or REPORT_ASSISTANT_AUTH_FILE ("user:pw" lines)."""
    env = os.environ if env is None else env
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


def resolve_auth(host: str, env: Mapping[str, str] | None = None) -> list[tuple[str, str]] | None:
    """Login is optional on loopback and required anywhere else; refuse to start without it."""
    logins = load_auth(env)
    if not logins and not is_loopback(host):
        raise ConfigError(
            f"--host {host} makes the app reachable from other machines, so a login is required: set "
            "REPORT_ASSISTANT_USER and REPORT_ASSISTANT_PASSWORD, or REPORT_ASSISTANT_AUTH_FILE "
            "(a file of 'username:password' lines)."
        )
    return logins or None


def safe_filename(name: str) -> str:
    """A plain file name from an uploaded one: no folders, no "..", no control or shell characters.

    Vietnamese letters are kept. Raises ReportAssistantError when nothing usable is left.
    """
    base = unicodedata.normalize("NFC", name.replace("\\", "/").split("/")[-1])
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = _UNSAFE_NAME_RE.sub("_", base).strip(" .")
    stem, suffix = os.path.splitext(base)
    if not stem or set(stem) <= {".", "_", " "}:
        raise ReportAssistantError(f"The file name {name!r} is not usable; rename the file and try again.")
    return stem[:120].rstrip(" .") + suffix.lower()


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number of megabytes.") from exc
