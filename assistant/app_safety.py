"""Safety helpers for the chat app: loopback check, logins required off loopback, safe upload names, and the
checks every write action (upload, removal) makes on the web request that asked for it."""

from __future__ import annotations

import ipaddress
import os
import re
import unicodedata
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

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


_DEFAULT_PORTS = {"http": 80, "https": 443}
CROSS_ORIGIN_REFUSAL = (
    "Từ chối: yêu cầu này đến từ một trang web khác (khác nguồn gốc), nên không được thay đổi chỉ mục. "
    "Hãy thao tác trực tiếp trên trang của trợ lý."
)
LOGIN_REFUSAL = "Từ chối: cần đăng nhập để thêm hoặc xoá báo cáo. Hãy tải lại trang và đăng nhập."


def header(request: Any, name: str) -> str | None:
    """One request header, case-insensitively (Gradio hands over Starlette headers or a plain dict)."""
    headers = getattr(request, "headers", None) or {}
    value = headers.get(name)
    if value is None and isinstance(headers, dict):
        value = next((v for k, v in headers.items() if k.lower() == name), None)
    return value


def _host_port(netloc: str, scheme: str = "http") -> tuple[str, int | None]:
    parts = urlsplit(f"{scheme}://{netloc}")
    try:
        port = parts.port
    except ValueError:  # not a number: matches nothing
        return netloc.lower(), -1
    return (parts.hostname or "").lower(), port or _DEFAULT_PORTS.get(scheme)


def same_origin(origin: str, host: str) -> bool:
    """The Origin header names the host:port the request was sent to (the Host header)."""
    parts = urlsplit(origin.strip())
    if parts.scheme not in _DEFAULT_PORTS or not parts.netloc or not host:
        return False  # "null" (a sandboxed frame, a file), or something that is not a web origin
    return _host_port(parts.netloc, parts.scheme) == _host_port(host.strip(), parts.scheme)


def write_refusal(request: Any, login_required: bool) -> str | None:
    """Why a web request may not change the index, or None. No request at all is an in-process call
    (tests, scripts); Gradio always hands one to a handler that asks for it."""
    if request is None:
        return None
    if (header(request, "sec-fetch-site") or "").lower() == "cross-site":
        return CROSS_ORIGIN_REFUSAL
    origin = header(request, "origin")
    if origin is not None and not same_origin(origin, header(request, "host") or ""):
        return CROSS_ORIGIN_REFUSAL
    if login_required and not getattr(request, "username", None):
        return LOGIN_REFUSAL  # a route that skipped Gradio's login check still changes nothing
    return None
