"""Benchmarks that print their figures: ingest throughput, search and answer latency (warm process).

.venv/bin/python scripts/benchmark.py [--reports ../shared/reports] [--gold ../shared/eval/public.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from assistant.engine import Engine
from assistant.settings import Settings, apply_offline_defaults

ROOT = Path(__file__).resolve().parents[1]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def bench_ingest(reports: Path, index: Path) -> Engine:
    engine = Engine(Settings.from_env(index))
    started = time.perf_counter()
    summary = engine.ingest([reports], show_progress=False)
    seconds = time.perf_counter() - started
    chunks = summary.chunks_embedded
    size = sum(p.stat().st_size for p in reports.iterdir() if p.is_file())
    print(
        f"ingest: {len(summary.added)} reports, {size / 1024:.0f} KiB, {chunks} chunks in {seconds:.1f} s "
        f"= {chunks / seconds:.1f} chunks/s"
    )
    started = time.perf_counter()
    again = engine.ingest([reports], show_progress=False)
    print(
        f"re-ingest (unchanged): {len(again.unchanged)} unchanged, {again.chunks_embedded} embedded, "
        f"{time.perf_counter() - started:.2f} s"
    )
    return engine


def bench_latency(name: str, questions: list[dict], run) -> None:
    run(questions[0])  # warm: models loaded
    times = []
    for item in questions:
        started = time.perf_counter()
        run(item)
        times.append((time.perf_counter() - started) * 1000)
    print(
        f"{name}: {len(times)} questions, p50 {statistics.median(times):.1f} ms, "
        f"p95 {percentile(times, 95):.1f} ms, max {max(times):.1f} ms"
    )


def main() -> None:
    apply_offline_defaults()
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=Path, default=ROOT.parent / "shared" / "reports")
    parser.add_argument("--gold", type=Path, default=ROOT.parent / "shared" / "eval" / "public.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ra-bench-") as tmp:
        engine = bench_ingest(args.reports, Path(tmp))
        questions = json.loads(args.gold.read_text(encoding="utf-8"))
        bench_latency(
            "search", questions, lambda item: engine.search(item["question"], 10, history=item.get("history"))
        )
        bench_latency("ask", questions, lambda item: engine.ask(item["question"], item.get("history") or []))


if __name__ == "__main__":
    main()
