"""The house: imports go one way (assistant -> vectorstore -> ingest), no private name crosses a module,
vocabulary lives in the lexicon, and importing the project changes nothing in the environment."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ingest import lexicon

ROOT = Path(__file__).resolve().parents[1]
FLOORS = {"ingest": 0, "vectorstore": 1, "prompts": 1, "assistant": 2}
MAX_WORDS_IN_LOGIC = 5


def modules() -> list[Path]:
    return sorted(p for package in FLOORS for p in (ROOT / package).rglob("*.py"))


def imports(path: Path) -> list[tuple[str, list[str]]]:
    """(imported module, names taken from it) for every import of a file, nested ones too."""
    out: list[tuple[str, list[str]]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            out += [(a.name, []) for a in node.names]
    return out


def test_imports_only_go_down_the_floors():
    upward = []
    for path in modules():
        own = path.relative_to(ROOT).parts[0]
        for module, _ in imports(path):
            target = module.split(".")[0]
            if target in FLOORS and target != own and FLOORS[target] >= FLOORS[own]:
                upward.append(f"{path.relative_to(ROOT)} imports {module}")
    assert not upward, upward


def test_no_private_name_is_imported_from_another_module():
    private = [
        f"{path.relative_to(ROOT)}: from {module} import {name}"
        for path in modules()
        for module, names in imports(path)
        if module.split(".")[0] in FLOORS
        for name in names
        if name.startswith("_")
    ]
    assert not private, private


def _vietnamese_entries() -> set[str]:
    """Every word or phrase of the lexicon that is Vietnamese (a marked letter or several words)."""
    entries: set[str] = set()
    for path in lexicon.DATA_DIR.iterdir():
        if path.suffix not in (".tsv", ".txt"):
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("#") or not line.strip():
                continue
            for part in re.split(r"[\t|]", line):
                part = part.strip()
                if re.search(r"[^\x00-\x7f]", part) or " " in part:
                    entries.add(part)
    return entries


def test_logic_modules_do_not_list_the_lexicons_words():
    entries = _vietnamese_entries()
    crowded = {}
    for path in modules():
        if path == ROOT / "ingest" / "lexicon.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and n.value in entries}
        if len(found) > MAX_WORDS_IN_LOGIC:
            crowded[str(path.relative_to(ROOT))] = sorted(found)
    assert not crowded, crowded


def test_importing_the_project_leaves_the_environment_alone():
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "ANONYMIZED_TELEMETRY")}
    code = (
        "import os, assistant.engine, assistant.app, assistant.cli, assistant.evaluation, vectorstore.store;"
        "print(os.environ.get('HF_HUB_OFFLINE'), os.environ.get('ANONYMIZED_TELEMETRY'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["None", "None"]


def test_the_cli_entry_point_sets_the_offline_defaults(tmp_path, monkeypatch, capsys):
    from assistant import cli

    for name in ("HF_HUB_OFFLINE", "ANONYMIZED_TELEMETRY", "GRADIO_ANALYTICS_ENABLED"):
        monkeypatch.delenv(name, raising=False)
    assert cli.main(["search", "anything", "--index", str(tmp_path / "empty")]) == 2  # no reports yet
    assert "no reports yet" in capsys.readouterr().err
    assert os.environ["HF_HUB_OFFLINE"] == "1" and os.environ["ANONYMIZED_TELEMETRY"] == "False"


@pytest.mark.parametrize("role", sorted(lexicon.QUESTION_CUES))
def test_question_cues_are_lower_case_and_normalised(role):
    import unicodedata

    from ingest.normalize import fix_tone_placement

    for phrase in lexicon.cues(role):
        assert phrase == phrase.strip() and " ".join(phrase.split()) == phrase, (role, phrase)
        assert phrase == unicodedata.normalize("NFC", phrase) == fix_tone_placement(phrase), (role, phrase)
        assert phrase == phrase.lower(), (role, phrase)


def test_lexicon_tables_are_consistent():
    # every predicate key is described, every parent is a key, every unit tag is known
    assert set(lexicon.PREDICATES.values()) <= set(lexicon.PREDICATE_FLAGS)
    assert set(lexicon.PREDICATE_PARENT.values()) <= set(lexicon.PREDICATE_FLAGS)
    assert set(lexicon.ENGLISH_PREDICATES.values()) <= set(lexicon.PREDICATE_FLAGS)
    assert {t for tags in lexicon.UNIT_TAGS.values() for t in tags} <= {
        "asked",
        "generic",
        "people",
        "person",
        "time",
    }
    assert len(lexicon.PROVINCES) == 64  # the 63 before the 2025 merger, and "Huế"
    assert len([p for p in lexicon.PROVINCES if p not in lexicon.PROVINCE_MERGED_INTO]) == 34
    assert set(lexicon.PROVINCE_MERGED_INTO.values()) <= set(lexicon.PROVINCES)
    kinds = [k["kind"] for k in lexicon.REPORT_KINDS]
    assert "report" in kinds and all(
        {"vi", "en", "title", "question"} <= set(k) for k in lexicon.REPORT_KINDS
    )
