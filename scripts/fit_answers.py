"""Fit the answerers' models (assistant/answerers/models.json) on labelled questions: fit on one half,
measure on the other.

    python scripts/fit_answers.py [--shared ../shared] [--write]

Labelled questions: ../shared/eval/public.json and dev.json over ../shared/reports, and xquad-dev over its
articles. Each goes to the fitting or the measuring half by a hash of its id (as scripts/fit_fusion.py).

- "figure": which figure answers a count question. Candidates are every figure of the reports in the
  question's scope that is not ruled out (another year, another action); a candidate is right when its value
  is one the gold answer must contain and its sentence holds a gold quote. The threshold is the probability
  that best separates questions whose best candidate is right from questions with no right candidate.

Prints the fitted weights and, for each half, how often the best candidate is right and how the threshold
decides (answered and right / answered and wrong / refused with an answer there / refused rightly), then
writes models.json with --write.
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path

from assistant.answerers.model import Model, fit_ranking, logit, models, save
from assistant.engine import Engine
from assistant.evaluation import contains_most, load_gold
from assistant.question import QuestionKind
from assistant.settings import Settings, apply_offline_defaults
from ingest.numbers import numbers_in, same_number

ROOT = Path(__file__).resolve().parents[1]
THRESHOLDS = [i / 100 for i in range(5, 96)]


def half_of(item_id: str) -> str:
    base = item_id.replace("xq-vi-", "").replace("xq-en-", "")
    return "fit" if hashlib.sha1(base.encode()).digest()[0] % 2 == 0 else "measure"


@dataclass
class Group:
    """The candidates of one question, each with its features and label."""

    item: str
    half: str
    rows: list[dict[str, float]]
    labels: list[int]


def figure_groups(engine: Engine, gold: list[dict]) -> list[Group]:
    snap = engine._snapshot
    out = []
    for item in gold:
        q = engine.parse(item["question"], item.get("history") or [])
        if q.kind not in (QuestionKind.COUNT, QuestionKind.COMPARISON):
            continue
        found = snap.searcher.search(q.query(), 8)
        wanted = [v for needle in item["must_contain"] for v, *_ in numbers_in(needle)]
        quotes = [(s["doc"], s["quote"]) for s in item.get("sources") or []]
        rows, labels = [], []
        for key in q.scope or list(snap.reports):
            doc = snap.reports[key].meta.doc
            for fact in snap.library.facts(key):
                if snap.counts.excluded(q, fact):
                    continue
                start, end = snap.library.sentence_of(key, fact.start)
                sentence = snap.library.text(key)[start:end]
                right = any(same_number(fact.value, v) for v in wanted) and any(
                    d == doc and (contains_most(sentence, quote) or contains_most(quote, sentence))
                    for d, quote in quotes
                )
                rows.append(snap.counts.features(q, fact, found))
                labels.append(int(right))
        if rows:
            out.append(Group(item["id"], half_of(item["id"]), rows, labels))
    return out


def decisions(groups: list[Group], m: Model, threshold: float) -> dict[str, int]:
    """How the threshold decides each question by its best candidate."""
    out = {"answered right": 0, "answered wrong": 0, "refused, answer there": 0, "refused rightly": 0}
    for g in groups:
        probs = [m.probability(r) for r in g.rows]
        best = max(range(len(probs)), key=probs.__getitem__)
        there = any(g.labels)
        if probs[best] >= threshold:
            out["answered right" if g.labels[best] else "answered wrong"] += 1
        else:
            out["refused, answer there" if there else "refused rightly"] += 1
    return out


def calibrate(groups: list[Group], m: Model) -> float:
    def good(t: float) -> int:
        d = decisions(groups, m, t)
        return d["answered right"] + d["refused rightly"]

    return max(THRESHOLDS, key=lambda t: (good(t), -abs(t - 0.5)))


def fit_figures(groups: list[Group], old: Model, l2: float) -> Model:
    """Weights that rank the right figure first, then the bias that best parts answers from refusals."""
    train = [g for g in groups if g.half == "fit"]
    ranked = fit_ranking(old.features, [(g.rows, g.labels) for g in train], l2=l2, prior=old)
    zero = Model(ranked.features, ranked.weights, 0.0, 0.5)
    best = max(
        (zero.probability(r) for g in train for r in g.rows), default=0.5
    )  # scores on the fitting half set the range the threshold is looked for in
    cut = calibrate_score(train, zero, best)
    return Model(ranked.features, ranked.weights, round(-cut, 4), 0.5)


def calibrate_score(groups: list[Group], m: Model, _best: float) -> float:
    """The log-odds score above which a question's best figure is shown."""
    scores = sorted({logit(m.probability(r)) for g in groups for r in g.rows})
    candidates = [s - 1e-6 for s in scores] + [scores[-1] + 1e-6] if scores else [0.0]

    def good(cut: float) -> tuple[int, int]:
        shifted = Model(m.features, m.weights, -cut, 0.5)
        d = decisions(groups, shifted, 0.5)
        return d["answered right"] + d["refused rightly"], -d["answered wrong"]

    return max(candidates, key=good)


def report(name: str, groups: list[Group], m: Model) -> None:
    for half in ("fit", "measure"):
        part = [g for g in groups if g.half == half]
        print(f"  {name:10s} {half:8s} {len(part):3d} questions: {decisions(part, m, m.threshold)}")


def main() -> None:
    apply_offline_defaults()
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--index", type=Path, help="an index of the shared reports (default: a new one)")
    parser.add_argument("--write", action="store_true", help="write assistant/answerers/models.json")
    parser.add_argument("--l2", type=float, default=10.0, help="how strongly weights are held to the prior")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ra-fit-") as tmp:
        engine = Engine(Settings.from_env(args.index or Path(tmp) / "party"))
        engine.ingest([args.shared / "reports"], show_progress=False)
        gold = load_gold(args.shared / "eval" / "public.json") + load_gold(args.shared / "eval" / "dev.json")
        groups = figure_groups(engine, gold)
        old = models()["figure"]
        new = fit_figures(groups, old, args.l2)
        print(
            f"figure model: {dict(zip(new.features, new.weights, strict=True))}, bias {new.bias}, "
            f"threshold {new.threshold}"
        )
        report("in use", groups, old)
        report("fitted", groups, new)
        if args.write:
            save(
                {**models(), "figure": new}, {"note": "Fitted by scripts/fit_answers.py on the fitting half."}
            )


if __name__ == "__main__":
    main()
