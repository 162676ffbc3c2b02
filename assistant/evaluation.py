"""Evaluation on a gold set (../shared/eval/public.json format): search recall@1/5/10 by language, the
LangChain tutorial pipeline as a baseline, and answer accuracy by question type and language.

    python -m assistant.evaluation search --gold ../shared/eval/public.json --reports ../shared/reports
    python -m assistant.evaluation answers --gold ../shared/eval/public.json --reports ../shared/reports
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from difflib import SequenceMatcher
from pathlib import Path

from ingest.normalize import fold, normalize_text
from ingest.numbers import format_number

FOUND_SHARE = 0.6  # a quote is found when a passage contains this share of it
CUTOFFS = (1, 5, 10)


def half_of(item_id: str) -> str:
    """The half a labelled question belongs to, "fit" or "measure", by a hash of its id (the Vietnamese and
    English forms of an xquad-dev question together): parameters are fitted on one half and measured on
    the other."""
    base = item_id.replace("xq-vi-", "").replace("xq-en-", "")
    return "fit" if hashlib.sha1(base.encode()).digest()[0] % 2 == 0 else "measure"


def load_gold(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))


def _canon(text: str) -> str:
    return " ".join(normalize_text(text).split())


def contains_most(passage: str, quote: str) -> bool:
    """True when the passage holds most of the quote, in order (whitespace and Unicode normalised)."""
    quote, passage = _canon(quote), _canon(passage)
    if not quote:
        return False
    if quote in passage:
        return True
    blocks = SequenceMatcher(None, quote, passage, autojunk=False).get_matching_blocks()
    return sum(b.size for b in blocks if b.size >= 8) >= FOUND_SHARE * len(quote)


def recall_at(passages: list[str], quotes: list[str], k: int) -> float:
    top = passages[:k]
    return sum(any(contains_most(p, q) for p in top) for q in quotes) / len(quotes)


def search_recall(gold: list[dict], search: Callable[[dict], list[str]]) -> dict[str, dict[int, float]]:
    """Mean recall@k by language over answerable questions (each gold quote counts)."""
    by_lang: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for item in gold:
        if item["type"] == "unanswerable" or not item.get("sources"):
            continue
        passages = search(item)
        quotes = [s["quote"] for s in item["sources"]]
        for k in CUTOFFS:
            by_lang[item["lang"]][k].append(recall_at(passages, quotes, k))
    return {lang: {k: statistics.mean(v) for k, v in ks.items()} for lang, ks in by_lang.items()}


def _question_with_history(item: dict) -> str:
    """The baseline sees the previous question too, as a follow-up needs it."""
    history = " ".join(turn["q"] for turn in item.get("history") or [])
    return f"{history} {item['question']}".strip()


def project_search(engine) -> Callable[[dict], list[str]]:
    """The project's retrieval as answers use it: the question parsed with its history, then searched."""

    def search(item: dict) -> list[str]:
        passages = engine.search(item["question"], k=max(CUTOFFS), history=item.get("history") or [])
        return [p.chunk.text for p in passages]

    return search


def dense_search(engine) -> Callable[[dict], list[str]]:
    """A plain dense retriever over the same chunks: the question as asked, embedded, nearest chunks."""

    def search(item: dict) -> list[str]:
        vector = engine.embedder.embed_query(_question_with_history(item))
        chunks = engine.chunks
        return [chunks[cid].text for cid, _ in engine.store.search(vector, max(CUTOFFS)) if cid in chunks]

    return search


def baseline_search(reports: Path, embedder) -> Callable[[dict], list[str]]:
    """The LangChain tutorial pipeline: RecursiveCharacterTextSplitter 1000/200 + Chroma + our embedder."""
    import chromadb
    from langchain_chroma import Chroma
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from vectorstore.embedders import LangchainEmbeddings

    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    texts = [
        piece
        for path in sorted(reports.glob("*.txt"))
        for piece in splitter.split_text(path.read_text(encoding="utf-8"))
    ]
    client = chromadb.EphemeralClient()
    store = Chroma(
        collection_name="baseline", embedding_function=LangchainEmbeddings(embedder), client=client
    )
    store.add_texts(texts)

    def search(item: dict) -> list[str]:
        return [d.page_content for d in store.similarity_search(_question_with_history(item), k=max(CUTOFFS))]

    return search


def _print_recall(name: str, table: dict[str, dict[int, float]]) -> None:
    for lang in sorted(table):
        cells = "  ".join(f"recall@{k}={table[lang][k]:.3f}" for k in CUTOFFS)
        print(f"{name:10s} {lang}: {cells}")


def _engine_for(args: argparse.Namespace):
    from assistant.engine import Engine
    from assistant.settings import Settings

    index = Path(args.index) if args.index else Path(tempfile.mkdtemp(prefix="ra-eval-"))
    engine = Engine(Settings.from_env(index))
    if args.reports:
        engine.ingest([Path(args.reports)], show_progress=False)
    return engine


def run_search_eval(args: argparse.Namespace) -> None:
    gold = load_gold(Path(args.gold))
    engine = _engine_for(args)
    ours = search_recall(gold, project_search(engine))
    _print_recall("project", ours)
    if args.dense:
        _print_recall("dense", search_recall(gold, dense_search(engine)))
    if args.baseline:
        if not args.reports:
            raise SystemExit("--baseline needs --reports (the baseline indexes the raw files itself)")
        base = search_recall(gold, baseline_search(Path(args.reports), engine.embedder))
        _print_recall("baseline", base)
        for lang in sorted(ours):
            print(f"margin     {lang}: recall@5 {ours[lang][5] - base.get(lang, {5: 0})[5]:+.3f}")


def _canon_numbers(text: str) -> str:
    """ "06" reads as "6" and "39,4" as "39.4", as the gold set's rules say."""
    import re

    text = re.sub(r"(?<![\d.,])0+(\d)", r"\1", text)
    return re.sub(r"(\d),(\d)", r"\1.\2", text)


def must_contain_ok(answer: str, needle: str) -> bool:
    return fold(_canon_numbers(needle)) in fold(_canon_numbers(answer))


def grade(item: dict, answer: dict) -> dict:
    text = answer["answer"]
    if item["type"] == "unanswerable":
        correct = not answer["found"] and not any(
            _contains_token(text, n) for n in item.get("must_not_contain", [])
        )
    else:
        correct = all(must_contain_ok(text, n) for n in item["must_contain"]) and not any(
            _contains_token(text, n) for n in item.get("must_not_contain", [])
        )
    return {"id": item["id"], "type": item["type"], "lang": item["lang"], "correct": correct}


def _contains_token(text: str, needle: str) -> bool:
    """A forbidden number counts only as a whole number ("13" is not in "2013")."""
    import re

    return re.search(rf"(?<![\d.,]){re.escape(needle)}(?![\d])", text) is not None


def run_answer_eval(args: argparse.Namespace) -> None:
    gold = load_gold(Path(args.gold))
    engine = _engine_for(args)
    for item in gold[:2]:  # warm up: models loaded, caches filled
        engine.ask(item["question"], item.get("history") or [])
    rows, times, supported = [], [], []
    for item in gold:
        started = time.perf_counter()
        answer = engine.ask(item["question"], item.get("history") or []).to_dict()
        times.append((time.perf_counter() - started) * 1000)
        row = grade(item, answer)
        rows.append(row)
        supports = [c["text"] for c in answer["citations"]] + [c["title"] for c in answer["citations"]]
        # A difference the answer computed from two cited figures stands in no passage, by its nature.
        supports += [format_number(v, lang) for v in answer.get("computed", ()) for lang in ("vi", "en")]
        supports += [str(n) for n in answer.get("tallies", ())]  # "14 reports searched" claims nothing
        supported.append(not _long_unsupported(answer["answer"], supports, item["lang"]))
        if args.verbose or not row["correct"]:
            print(
                f"{'ok ' if row['correct'] else 'BAD'} {item['id']} [{item['type']}/{item['lang']}] {item['question']}"
            )
            if not row["correct"] or args.verbose:
                print("    " + answer["answer"][:600].replace("\n", "\n    "))
    _print_answer_table(rows)
    print(
        f"numbers supported by a cited passage: {sum(supported)}/{len(supported)} = {statistics.mean(supported):.3f}"
    )
    print(f"time per question: median {statistics.median(times):.1f} ms, max {max(times):.1f} ms")


def _long_unsupported(text: str, supports: list[str], lang: str) -> list[str]:
    """Numbers of two or more digits in the answer that no cited passage (or its report title) holds."""
    from assistant.citations import unsupported_numbers

    return [raw for raw in unsupported_numbers(text, supports, lang) if sum(ch.isdigit() for ch in raw) >= 2]


def _print_answer_table(rows: list[dict]) -> None:
    groups: dict[str, list[bool]] = defaultdict(list)
    for row in rows:
        if row["type"] == "unanswerable":
            groups["refusals (unanswerable)"].append(row["correct"])
        else:
            groups[f"lang={row['lang']}"].append(row["correct"])
        groups[f"type={row['type']}"].append(row["correct"])
    for name in sorted(groups):
        values = groups[name]
        print(f"{name:28s} {sum(values)}/{len(values)} = {sum(values) / len(values):.3f}")


def main(argv: list[str] | None = None) -> None:
    from assistant.settings import apply_offline_defaults

    apply_offline_defaults()
    parser = argparse.ArgumentParser(prog="python -m assistant.evaluation")
    parser.add_argument("what", choices=["search", "answers"])
    parser.add_argument("--gold", default="../shared/eval/public.json")
    parser.add_argument("--reports", default="../shared/reports", help="ingest these first ('' to skip)")
    parser.add_argument("--index", help="index directory (default: a new temporary one)")
    parser.add_argument("--baseline", action="store_true", help="also score the LangChain tutorial pipeline")
    parser.add_argument("--dense", action="store_true", help="also score plain dense retrieval of the chunks")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    (run_search_eval if args.what == "search" else run_answer_eval)(args)


if __name__ == "__main__":
    main()
