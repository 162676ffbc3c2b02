"""Fit the answerers' models (assistant/answerers/models.json) on labelled questions: fit on one half,
measure on the other.

    python scripts/fit_answers.py [--shared ../shared] [--write]

Labelled questions: ../shared/eval/public.json and dev.json over ../shared/reports, and xquad-dev over its
articles. Each goes to the fitting or the measuring half by a hash of its id (as scripts/fit_fusion.py).

- "section": which section answers a list, why or part-of-report question. Candidates are the sections of
  the reports in scope; a candidate is right when it is the labelled section (tests/data/sections/gold.json,
  questions written for this fit, labelled by their heading's numbering) or the smallest section holding a
  gold quote (public.json, dev.json).
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
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from assistant.answerers.model import MODELS_FILE, Model, fit, fit_ranking, logit, models, save
from assistant.answerers.sections import SectionAnswerer
from assistant.engine import Engine
from assistant.evaluation import contains_most, half_of, load_gold
from assistant.question import QuestionKind
from assistant.settings import Settings, apply_offline_defaults
from ingest.numbers import numbers_in, same_number
from ingest.types import Section

ROOT = Path(__file__).resolve().parents[1]
THRESHOLDS = [i / 100 for i in range(5, 96)]
QUOTED = 3  # a quote answer shows its best few sentences
# Where each fit starts and what it is held toward: the hand-set scores the models replaced (so a fit on few
# questions moves only as far as they support), the same every run.
PRIORS = {
    "figure": Model(
        (
            "verb",
            "unit",
            "people",
            "unit_miss",
            "context",
            "counted",
            "near",
            "total",
            "target",
            "list",
            "meaning",
            "local",
            "opposed",
            "planned",
            "agent",
            "agent_miss",
            "unasked",
        ),
        (3.0, 2.0, 1.0, -1.5, 3.0, 2.0, 3.0, 0.5, 1.5, 2.0, 0.0, 0.0, -3.0, -2.0, 1.0, -2.0, -1.0),
        -2.0,
        0.5,
    ),
    "sentence": Model(
        (
            "words",
            "english_words",
            "no_words",
            "meaning",
            "prior",
            "cause",
            "cause_section",
            "name",
            "other_part",
        ),
        (10.0, 0.0, -20.0, 0.0, 2.0, 1.0, 2.0, 3.0, -3.0),
        -4.5,
        0.5,
    ),
    "section": Model(
        ("part", "other_part", "title", "items", "meaning", "item_meaning", "listed", "part_below"),
        (3.0, -2.0, 3.0, 1.0, 1.5, 1.0, 0.0, -2.0),
        -4.0,
        0.5,
    ),
    "sentence_accept": Model(("score", "lead", "no_words", "english"), (1.0, 0.0, 0.0, 0.0), 0.0, 0.5),
}


@dataclass
class Group:
    """The candidates of one question, each with its features and label."""

    item: str
    half: str
    rows: list[dict[str, float]]
    labels: list[int]
    answerable: bool = True  # the gold says the reports answer it


def figure_groups(engine: Engine, gold: list[dict]) -> list[Group]:
    snap = engine.snapshot
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
            answerable = item["type"] != "unanswerable"
            out.append(Group(item["id"], half_of(item["id"]), rows, labels, answerable))
    return out


def sentence_groups(engine: Engine, gold: list[dict]) -> list[Group]:
    """Candidates of the quote answerer for every question it may answer; a candidate is right when it
    holds (or is held by) a gold quote of its report."""
    snap = engine.snapshot
    out = []
    for item in gold:
        q = engine.parse(item["question"], item.get("history") or [])
        if q.kind in (QuestionKind.COUNT, QuestionKind.PROVINCE, QuestionKind.DOC_NUMBER):
            continue
        found = snap.searcher.search(q.query(), 12)
        quotes = [(s["doc"], s["quote"]) for s in item.get("sources") or []]
        rows, labels = [], []
        for ev, sentence, values in snap.quotes.candidates(q, found):
            doc = snap.reports[ev.doc_key].meta.doc
            right = any(
                d == doc and (contains_most(sentence, quote) or contains_most(quote, sentence))
                for d, quote in quotes
            )
            rows.append(values)
            labels.append(int(right))
        if rows:
            answerable = item["type"] != "unanswerable"
            out.append(Group(item["id"], half_of(item["id"]), rows, labels, answerable))
    return out


def at_heading(path: str, label: str) -> bool:
    """The section path is the labelled one: "V > 3" names "V > 3. Bài học kinh nghiệm." ("" a section
    without a heading)."""
    parts, wanted = path.split(" > "), label.split(" > ")
    if not label or len(parts) != len(wanted) or parts[:-1] != wanted[:-1]:
        return not label and not path
    last = parts[-1]
    return last == wanted[-1] or last.startswith((wanted[-1] + ".", wanted[-1] + " "))


def _holds_quote(text: str, section: Section, quotes: list[str]) -> int:
    inside = " ".join(text[a:b] for a, b in section.items)
    return sum(contains_most(inside, quote) for quote in quotes)


def section_groups(engine: Engine, gold: list[dict]) -> list[Group]:
    """Candidates of the section answerer for the questions it answers, with which are right."""
    snap = engine.snapshot
    docs = {r.meta.doc: key for key, r in snap.reports.items()}
    out = []
    for item in gold:
        q = engine.parse(item["question"], item.get("history") or [])
        if SectionAnswerer not in {type(a) for a in snap.chain(q)}:
            continue
        found = snap.searcher.search(q.query(), 12)
        quotes: dict[str, list[str]] = {}
        for source in item.get("sources") or []:
            quotes.setdefault(docs.get(source["doc"], ""), []).append(source["quote"])
        rows, labels, candidates = [], [], []
        for key in q.scope or list(snap.reports):
            for section in snap.sections.candidates(key):
                rows.append(snap.sections.features(q, key, section, found))
                if "section" in item:
                    right = key == docs.get(item["doc"]) and at_heading(section.path, item["section"])
                    labels.append(int(right))
                else:
                    candidates.append((len(labels), key, section))
                    labels.append(0)
        held = [(i, _holds_quote(snap.library.text(k), s, quotes.get(k, [])), s) for i, k, s in candidates]
        most = max((n for _, n, _ in held), default=0)
        if most:
            smallest = min(s.end - s.start for _, n, s in held if n == most)
            for i, n, s in held:
                labels[i] = int(n == most and s.end - s.start == smallest)
        if rows:
            answerable = item.get("type") != "unanswerable"
            out.append(Group(item["id"], half_of(item["id"]), rows, labels, answerable))
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


def fit_ranked(groups: list[Group], old: Model, l2: float) -> Model:
    """Weights that rank the right candidate first, then the bias that best parts answers from refusals."""
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


def accept_rows(
    groups: list[Group], ranking: Model
) -> tuple[list[dict[str, float]], list[int], list[str], list[bool]]:
    """For each question, what the decision to answer weighs (as the quote answerer computes it from its
    scored candidates), whether its best candidate is right, and its half."""
    rows, labels, halves, answerable = [], [], [], []
    for g in groups:
        scored = sorted(
            ((logit(ranking.probability(r)), r, y) for r, y in zip(g.rows, g.labels, strict=True)),
            key=lambda t: -t[0],
        )
        top = scored[0]
        rows.append(
            {
                "score": top[0],
                "lead": top[0] - scored[1][0] if len(scored) > 1 else 0.0,
                "no_words": top[1].get("no_words", 0.0),
                "english": top[1].get("english_words", 0.0) > 0 or top[1].get("no_words", 0.0) > 0,
            }
        )
        labels.append(int(any(y for *_, y in scored[:QUOTED])))  # the answer quotes the best few
        halves.append(g.half)
        answerable.append(g.answerable)
    return rows, labels, halves, answerable


def fit_accept(groups: list[Group], ranking: Model, old: Model, l2: float) -> Model:
    """Whether to answer at all: a logistic model over the best candidate's score and the question, its
    threshold where answers right and refusals right are most (on the fitting half)."""
    rows, labels, halves, answerable = accept_rows(groups, ranking)
    fit_rows = [r for r, h in zip(rows, halves, strict=True) if h == "fit"]
    fit_labels = [y for y, h in zip(labels, halves, strict=True) if h == "fit"]
    m = fit(old.features, fit_rows, fit_labels, l2=l2, prior=None)

    def good(t: float, part: str) -> dict[str, int]:
        out = {"answered right": 0, "answered wrong": 0, "refused": 0}
        for r, y, h in zip(rows, labels, halves, strict=True):
            if h != part:
                continue
            if m.probability(r) >= t:
                out["answered right" if y else "answered wrong"] += 1
            else:
                out["refused"] += 1
        return out

    def right(t: float) -> int:
        """Answered with the right sentence, or refused a question the reports do not answer."""
        m_t = Model(m.features, m.weights, m.bias, t)
        total = 0
        for r, y, h, a in zip(rows, labels, halves, answerable, strict=True):
            if h == "fit":
                answered = m_t.probability(r) >= t
                total += int(answered and y) + int(not answered and not a)
        return total

    best = max(THRESHOLDS, key=lambda t: (right(t), -t))
    print(
        f"sentence_accept: {dict(zip(m.features, m.weights, strict=True))}, bias {m.bias}, threshold {best}"
    )
    for t in (0.3, 0.4, 0.5, 0.6, 0.7, best):
        print(f"  threshold {t:.2f}: fit {good(t, 'fit')}  measure {good(t, 'measure')}")
    return Model(m.features, m.weights, m.bias, best)


def calibration(groups: list[Group], m: Model, half: str) -> None:
    """Answered precision (right among answered) and recall (right among answerable) by threshold."""
    part = [g for g in groups if g.half == half]
    answerable = sum(1 for g in part if any(g.labels))
    print(f"  calibration on the {half} half ({len(part)} questions, {answerable} answerable):")
    for t in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        d = decisions(part, m, t)
        answered = d["answered right"] + d["answered wrong"]
        precision = d["answered right"] / answered if answered else 1.0
        recall = d["answered right"] / answerable if answerable else 1.0
        print(
            f"    threshold {t:.1f}: answered {answered:3d}, precision {precision:.2f}, recall {recall:.2f}"
        )


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
    parser.add_argument("--xquad-index", type=Path, help="an index of the xquad-dev articles (default: new)")
    parser.add_argument("--write", action="store_true", help="write assistant/answerers/models.json")
    parser.add_argument(
        "--extra",
        nargs=2,
        action="append",
        default=[],
        metavar=("GOLD", "REPORTS"),
        help="more labelled questions over their own reports (figure and section fits), e.g. "
        "tests/data/others-dev/gold-a.json tests/data/others-dev/reports",
    )
    parser.add_argument(
        "--only",
        choices=["figure", "sentence", "section"],
        help="fit and write this model only, keep the others",
    )
    parser.add_argument("--l2", type=float, default=10.0, help="how strongly weights are held to the prior")
    parser.add_argument(
        "--work", type=Path, help="keep every index here and reuse it next run (default: new ones, removed)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ra-fit-") as temporary:
        tmp = args.work or Path(temporary)
        engine = Engine(Settings.from_env(args.index or Path(tmp) / "party"))
        engine.ingest([args.shared / "reports"], show_progress=False)
        general = Engine(Settings.from_env(args.xquad_index or Path(tmp) / "general"))
        general.ingest([args.shared / "eval" / "xquad-dev" / "reports"], show_progress=False)
        gold = load_gold(args.shared / "eval" / "public.json") + load_gold(args.shared / "eval" / "dev.json")
        xquad = load_gold(args.shared / "eval" / "xquad-dev" / "gold.json")
        fitted = dict(models())
        sentences = (
            []
            if args.only in ("figure", "section")
            else sentence_groups(engine, gold) + sentence_groups(general, xquad)
        )
        labelled_sections = load_gold(ROOT / "tests" / "data" / "sections" / "gold.json")
        extras = []
        engines: dict[str, Engine] = {}  # one index per folder of reports, however many gold files ask it
        for extra_gold, extra_reports in args.extra:
            if extra_reports not in engines:
                engines[extra_reports] = Engine(Settings.from_env(Path(tmp) / f"extra-{len(engines)}"))
                engines[extra_reports].ingest([Path(extra_reports)], show_progress=False)
            extras.append((engines[extra_reports], load_gold(Path(extra_gold))))
        for name, make in (
            (
                "figure",
                lambda: figure_groups(engine, gold) + [g for e, x in extras for g in figure_groups(e, x)],
            ),
            ("sentence", lambda: sentences),
            (
                "section",
                lambda: (
                    section_groups(engine, gold + labelled_sections)
                    + [g for e, x in extras for g in section_groups(e, x)]
                ),
            ),
        ):
            if args.only and name != args.only:
                continue
            groups = make()
            old = PRIORS[name]
            new = fit_ranked(groups, old, args.l2)
            print(f"{name} model: {dict(zip(new.features, new.weights, strict=True))}, bias {new.bias}")
            report("hand-set", groups, old)
            report("fitted", groups, new)
            if name in ("figure", "section"):
                calibration(groups, new, "measure")
            fitted[name] = new
        if args.only in (None, "sentence"):
            fitted["sentence_accept"] = fit_accept(
                sentences, fitted["sentence"], PRIORS["sentence_accept"], args.l2
            )
        if args.write:
            notes = {
                k[1:]: v
                for k, v in json.loads(MODELS_FILE.read_text(encoding="utf-8")).items()
                if k[0] == "_"
            }
            notes[f"fit_{args.only or 'all'}"] = f"scripts/fit_answers.py --only {args.only}, l2 {args.l2}"
            save(fitted, notes)


if __name__ == "__main__":
    main()
