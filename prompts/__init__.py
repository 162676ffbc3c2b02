"""Prompt templates as files, loaded by name and rendered strictly: a missing or unexpected variable is an
error, never a silently empty slot."""

from __future__ import annotations

import string
from functools import cache
from importlib import resources

from ingest.errors import ConfigError


@cache
def load(name: str) -> str:
    """The text of `prompts/<name>.txt`."""
    try:
        return resources.files(__package__).joinpath(f"{name}.txt").read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"No prompt template named {name!r} (looked for prompts/{name}.txt).") from exc


def fields(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def render(name: str, **values: object) -> str:
    template = load(name)
    wanted = fields(template)
    missing = wanted - set(values)
    extra = set(values) - wanted
    if missing or extra:
        raise ConfigError(
            f"Prompt {name!r} needs {sorted(wanted)}; missing {sorted(missing)}, unexpected {sorted(extra)}."
        )
    return template.format(**values)
