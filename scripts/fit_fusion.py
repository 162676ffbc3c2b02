"""Choose hybrid search's fusion weights on labelled questions: fit on one half, measure on the other.

    python scripts/fit_fusion.py [--shared ../shared]

Questions: ../shared/eval/public.json and dev.json over ../shared/reports (Party reports), and
../shared/eval/xquad-dev over its articles (general text). Each question goes to the fitting half or the
measuring half by a hash of its id (a Vietnamese question and its English twin go together). For each
language, every weight combination of the grid is scored on the fitting half by the mean of recall@1 and
recall@5, averaged over the two kinds of text; the best is printed with its figures on both halves, next to
the weights in use and dense search alone. The weights in vectorstore/hybrid.py are set from this output.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import tempfile
from dataclasses import dataclass
from pathlib import Path

from assistant.engine import Engine
from assistant.evaluation import half_of, load_gold, recall_at
from assistant.settings import Settings, apply_offline_defaults
from ingest.types import Query
from vectorstore.hybrid import WEIGHTS, Rankings, Weights

ROOT = Path(__file__).resolve().parents[1]
GRID = {
    "lexical": (0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5),
    "figures": (0.0, 0.5, 1.0, 1.5),
    "names": (0.0, 0.25, 0.5, 0.75, 1.0),
    "sentences": (0.0, 0.5, 1.0, 1.5, 2.0),
}
DENSE_ONLY = Weights(1.0, 0.0, 0.0, 0.0, 0.0)


@dataclass
class Case:
    kind: str  # "party" or "general"
    lang: str
    half: str  # "fit" or "measure"
    engine: Engine
    query: Query
    rankings: Rankings
    quotes: list[str]


def cases_for(kind: str, gold: list[dict], engine: Engine) -> list[Case]:
    out = []
    for item in gold:
        if item["type"] == "unanswerable" or not item.get("sources"):
            continue
        q = engine.parse(item["question"], item.get("history") or [])
        query = q.query()
        out.append(
            Case(
                kind,
                item["lang"],
                half_of(item["id"]),
                engine,
                query,
                engine.searcher.rankings(query),
                [s["quote"] for s in item["sources"]],
            )
        )
    return out


def recalls(case: Case, weights: Weights) -> tuple[float, float]:
    searcher = case.engine.searcher
    passages = searcher.arrange(case.query, searcher.fuse(case.rankings, weights))[:5]
    texts = [p.chunk.text for p in passages]
    return recall_at(texts, case.quotes, 1), recall_at(texts, case.quotes, 5)


def score(cases: list[Case], weights: Weights) -> dict[str, tuple[float, float]]:
    """(recall@1, recall@5) per kind of text."""
    by_kind: dict[str, list[tuple[float, float]]] = {}
    for case in cases:
        by_kind.setdefault(case.kind, []).append(recalls(case, weights))
    return {
        k: (statistics.mean(r for r, _ in v), statistics.mean(r for _, r in v)) for k, v in by_kind.items()
    }


def objective(scores: dict[str, tuple[float, float]]) -> float:
    return statistics.mean((r1 + r5) / 2 for r1, r5 in scores.values())


def engine_for(reports: Path, index: Path) -> Engine:
    engine = Engine(Settings.from_env(index))
    engine.ingest([reports], show_progress=False)
    return engine


def show(name: str, fit: dict, measure: dict) -> None:
    cells = "  ".join(
        f"{half} {kind} r@1 {v[0]:.3f} r@5 {v[1]:.3f}"
        for half, table in (("fit", fit), ("measure", measure))
        for kind, v in sorted(table.items())
    )
    print(f"  {name:34s} {cells}")


def main() -> None:
    apply_offline_defaults()
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ra-fit-") as tmp:
        party = engine_for(args.shared / "reports", Path(tmp) / "party")
        general = engine_for(args.shared / "eval" / "xquad-dev" / "reports", Path(tmp) / "general")
        cases = [
            *cases_for("party", load_gold(args.shared / "eval" / "public.json"), party),
            *cases_for("party", load_gold(args.shared / "eval" / "dev.json"), party),
            *cases_for("general", load_gold(args.shared / "eval" / "xquad-dev" / "gold.json"), general),
        ]
        for lang in ("vi", "en"):
            fit = [c for c in cases if c.lang == lang and c.half == "fit"]
            measure = [c for c in cases if c.lang == lang and c.half == "measure"]
            grid = [Weights(1.0, *combo) for combo in itertools.product(*GRID.values())]
            best = max(grid, key=lambda w: (objective(score(fit, w)), -_distance(w, WEIGHTS[lang])))
            print(f"{lang}: {len(fit)} questions to fit, {len(measure)} to measure")
            for name, w in (("dense only", DENSE_ONLY), (f"in use {tuple(WEIGHTS[lang])}", WEIGHTS[lang])):
                show(name, score(fit, w), score(measure, w))
            show(f"best on the fitting half {tuple(best)}", score(fit, best), score(measure, best))


def _distance(a: Weights, b: Weights) -> float:
    return sum(abs(x - y) for x, y in zip(a, b, strict=True))


if __name__ == "__main__":
    main()
