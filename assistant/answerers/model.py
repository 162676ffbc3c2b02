"""The answerers' few fitted parameters: a logistic model per decision (which figure answers, which
sentence answers, whether anything does), over named features, with the threshold above which its
probability counts as an answer. Fitted by scripts/fit_answers.py on labelled questions and kept as data
in models.json, so no weight is set by hand."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

MODELS_FILE = Path(__file__).with_name("models.json")


@dataclass(frozen=True)
class Model:
    features: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float  # a probability at or above it answers

    def probability(self, values: Mapping[str, float]) -> float:
        z = self.bias + sum(
            w * float(values.get(name, 0.0)) for name, w in zip(self.features, self.weights, strict=True)
        )
        return expit(z)

    def ceiling(self, known: Mapping[str, float], highest: Mapping[str, float]) -> float:
        """The highest probability the features can give: those `known` as they are, each other one at
        the end of its range [0, highest] that raises it most."""
        z = self.bias
        for name, w in zip(self.features, self.weights, strict=True):
            z += w * known[name] if name in known else max(0.0, w * highest[name])
        return expit(z)


def expit(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def logit(p: float) -> float:
    p = min(max(p, 1e-12), 1 - 1e-12)
    return math.log(p / (1 - p))


@cache
def models() -> dict[str, Model]:
    data = json.loads(MODELS_FILE.read_text(encoding="utf-8"))
    return {
        name: Model(tuple(m["features"]), tuple(m["weights"]), m["bias"], m["threshold"])
        for name, m in data.items()
        if not name.startswith("_")
    }


def model(name: str) -> Model:
    return models()[name]


def fit(
    features: Sequence[str],
    rows: Sequence[Mapping[str, float]],
    labels: Sequence[int],
    l2: float = 1.0,
    prior: Model | None = None,
) -> Model:
    """Logistic regression by Newton's method, the weights held toward the prior's (or 0) by an L2 penalty:
    with little data the fit moves only as far as the data supports. The threshold is left at 0.5 for the
    caller to calibrate."""
    import numpy as np

    x = np.array([[float(r.get(f, 0.0)) for f in features] for r in rows])
    x = np.hstack([x, np.ones((len(rows), 1))])
    y = np.array(labels, dtype=float)
    centre = np.array([*_prior_weights(features, prior), prior.bias if prior is not None else 0.0])
    w = centre.copy()
    penalty = np.eye(x.shape[1]) * l2
    penalty[-1, -1] = 0.0 if prior is None else l2
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -30, 30)))
        gradient = x.T @ (p - y) + penalty @ (w - centre)
        hessian = x.T @ (x * (p * (1 - p))[:, None]) + penalty + 1e-9 * np.eye(x.shape[1])
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return Model(tuple(features), tuple(round(float(v), 4) for v in w[:-1]), round(float(w[-1]), 4), 0.5)


def _prior_weights(features: Sequence[str], prior: Model | None) -> list[float]:
    """The prior's weight of each feature (0 for a feature it lacks, or without a prior): where a fit starts
    and what its penalty holds it toward."""
    known = dict(zip(prior.features, prior.weights, strict=True)) if prior is not None else {}
    return [known.get(f, 0.0) for f in features]


def save(fitted: Mapping[str, Model], notes: Mapping[str, object]) -> None:
    data: dict[str, object] = {f"_{k}": v for k, v in notes.items()}
    data.update({name: asdict(m) for name, m in fitted.items()})
    MODELS_FILE.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def fit_ranking(
    features: Sequence[str],
    groups: Sequence[tuple[Sequence[Mapping[str, float]], Sequence[int]]],
    l2: float = 1.0,
    prior: Model | None = None,
) -> Model:
    """Weights that rank each group's right candidates first (a conditional logit: a softmax over the
    group's candidates), held toward the prior's weights by an L2 penalty. Groups without a right candidate
    do not take part. The bias is the prior's (or 0): the caller sets it from where answers and refusals
    part."""
    import numpy as np

    centre = np.array(_prior_weights(features, prior))
    data = [
        (np.array([[float(r.get(f, 0.0)) for f in features] for r in rows]), np.array(labels, dtype=float))
        for rows, labels in groups
        if any(labels)
    ]
    w = centre.copy()
    for _ in range(100):
        gradient = l2 * (w - centre)
        hessian = l2 * np.eye(len(features))
        for x, y in data:
            z = x @ w
            p = np.exp(z - z.max())
            p /= p.sum()
            target = y / y.sum()
            gradient += x.T @ (p - target)
            mean = p @ x
            hessian += (x * p[:, None]).T @ x - np.outer(mean, mean)
        step = np.linalg.solve(hessian + 1e-9 * np.eye(len(features)), gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    bias = prior.bias if prior is not None else 0.0
    return Model(tuple(features), tuple(round(float(v), 4) for v in w), bias, 0.5)
