"""Safety helpers for the chat app: loopback check, logins required off loopback, safe upload names."""

from __future__ import annotations

import ipaddress
import os
import re
import unicodedata
from collections.abc import Sequence

from ingest.errors import ConfigError, ReportAssistantError
from ingest.loaders import SUPPORTED_EXTENSIONS

ACCEPTED = sorted(SUPPORTED_EXTENSIONS)
_UNSAFE_NAME_RE = re.compile(r"[^\w .()\-]", re.UNICODE)


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def resolve_auth(host: str, logins: Sequence[tuple[str, str]]) -> list[tuple[str, str]] | None:
    """Login is optional on loopback and required anywhere else; refuse to start without it."""
    if not logins and not is_loopback(host):
        raise ConfigError(
            f"--host {host} makes the app reachable from other machines, so a login is required: set "
            "REPORT_ASSISTANT_USER and REPORT_ASSISTANT_PASSWORD, or REPORT_ASSISTANT_AUTH_FILE "
            "(a file of 'username:password' lines)."
        )
    return list(logins) or None


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
