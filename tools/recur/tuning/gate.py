"""The decision on held-out incidents: the paired per-incident difference in reciprocal rank.

For each held-out incident, delta = candidate 1/rank - current 1/rank (0 outside the top 10),
both ranked by the full hybrid search over the same fold index construction. The rule is the one
``recur tune`` always had, "never activate a model that measures worse", on real queries:

- better (activate): mean delta > 0 and >= --min-gain, and recall@3 loses at most one incident in
  30 (at least one);
- worse (refuse): mean delta < 0, or no mean gain with an interval that reaches below -0.02, or
  the model's own ranking (dense-only, same incidents) clearly worse: its whole interval below
  -0.02. BM25 carries the hybrid ranking, so a model whose vectors collapsed (a learning rate 1,000
  times too high: dense-only MRR 0.62 -> 0.29) can still tie or gain there on a few incidents;
  its probabilities, look-alikes and every question BM25 cannot read rest on those vectors;
- inconclusive (not activated): no change, a gain below --min-gain, or too many recall@3 losses.

A mean over a few dozen incidents is noisy (its standard error is about 0.3/sqrt(n)), so every
decision prints a paired-bootstrap interval too, and says when it does not rule out a loss. The
interval is not a condition for activating: at the 24 held-out incidents of an 80-incident KB, a
rule "lower end > -0.02" would activate a candidate whose true gain is +0.06 MRR about a third
of the time (0.37; normal approximation, standard error 0.3/sqrt(24)), against 0.84 for this one:
that is the refusal of a helpful model issue 13 is about (docs/tuning.md). ``--min-gain``
is there for a team that wants a margin.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from recur.util.text import plural

LOWER_LIMIT = -0.02  # a loss this small is noise: the wording of a gain, and 'worse' for no gain
LEVEL = 0.90  # two-sided interval
RESAMPLES = 10_000
LOSS_PER = 30  # recall@3 may lose one incident per this many (at least one)


@dataclass
class Gate:
    verdict: str  # "better" | "worse" | "inconclusive"
    n: int
    mean_delta: float
    interval: list  # [low, high], LEVEL paired bootstrap
    recall3_lost: int  # incidents in the top 3 before and not after, net
    recall3_allowed: int
    reason: str
    dense_mean_delta: float | None = None  # the same, ranked by the vectors alone (None: not measured)
    dense_interval: list | None = None

    def to_json(self) -> dict:
        return asdict(self)


def _rr(ranks: list) -> np.ndarray:
    return np.array([1.0 / r if r else 0.0 for r in ranks])


def bootstrap_interval(delta: np.ndarray, level: float = LEVEL, resamples: int = RESAMPLES, seed: int = 0) -> list:
    """Percentile interval of the mean of ``delta`` over resampled incidents (seeded: reproducible)."""
    if len(delta) == 0:
        return [0.0, 0.0]
    rng = np.random.default_rng(seed)
    means = delta[rng.integers(0, len(delta), size=(resamples, len(delta)))].mean(axis=1)
    tail = (1 - level) / 2 * 100
    return [round(float(v), 4) for v in np.percentile(means, [tail, 100 - tail])]


def dense_loss(before_ranks: list, after_ranks: list) -> dict:
    """The dense-only ranks compared, as the manifest keeps it (``dense_check``): mean delta, its
    interval, and whether it is clearly worse, i.e. the whole interval below LOWER_LIMIT, a loss
    larger than noise whatever the hybrid ranking says."""
    delta = _rr(after_ranks) - _rr(before_ranks)
    mean = round(float(delta.mean()), 4) if len(delta) else 0.0
    low, high = bootstrap_interval(delta)
    return {"mean_delta": mean, "interval": [low, high], "clearly_worse": bool(len(delta)) and high < LOWER_LIMIT}


def decide(before_ranks: list, after_ranks: list, min_gain: float = 0.0, dense: dict | None = None) -> Gate:
    """The verdict on paired ranks (1-10 or None), one per held-out incident, same order; ``dense``:
    ``dense_loss`` of the same incidents' dense-only ranks, a model's own ranking."""
    g = _decide_hybrid(before_ranks, after_ranks, min_gain)
    if dense is not None:
        g.dense_mean_delta, g.dense_interval = dense["mean_delta"], dense["interval"]
        if dense["clearly_worse"] and g.verdict != "worse":
            g.verdict = "worse"
            g.reason = (
                f"the model's own ranking (dense-only) measured clearly worse, mean Δ reciprocal rank "
                f"{g.dense_mean_delta:+.3f} ({g.dense_interval[0]:+.3f} … {g.dense_interval[1]:+.3f}): "
                "BM25 carried the hybrid ranking"
            )
    return g


def _decide_hybrid(before_ranks: list, after_ranks: list, min_gain: float) -> Gate:
    delta = _rr(after_ranks) - _rr(before_ranks)
    n = len(delta)
    mean = round(float(delta.mean()), 4) if n else 0.0
    low, high = bootstrap_interval(delta)
    hits_before = sum(1 for r in before_ranks if r and r <= 3)
    hits_after = sum(1 for r in after_ranks if r and r <= 3)
    lost, allowed = hits_before - hits_after, max(1, n // LOSS_PER)
    if mean < 0 or (mean <= 0 and low < LOWER_LIMIT):
        verdict, reason = "worse", "the mean reciprocal rank went down" if mean < 0 else "no gain, and it may lose"
    elif mean > 0 and mean >= min_gain - 1e-9 and lost <= allowed:
        verdict = "better"
        reason = (
            "a mean gain, and the interval rules out a loss larger than 0.02"
            if low > LOWER_LIMIT
            else "a mean gain, though the interval does not rule out a loss (few held-out incidents)"
        )
    elif mean > 0 and mean < min_gain - 1e-9:
        verdict, reason = "inconclusive", f"the mean gain is below --min-gain {min_gain:g}"
    elif lost > allowed:
        verdict, reason = "inconclusive", f"recall@3 lost {plural(lost, 'incident')}, at most {allowed} allowed"
    elif delta.any():  # incidents moved, but the ups and downs cancel (within the noise)
        verdict, reason = "inconclusive", "no mean gain: the incidents that moved up and down cancel out"
    else:
        # the weights changed; "nothing changed" read as if training had done nothing
        verdict, reason = "inconclusive", "no held-out incident moved"
    return Gate(verdict, n, mean, [low, high], lost, allowed, reason)


def gate_line(g: dict) -> str:
    """One line for the terminal and the report."""
    low, high = g["interval"]
    lost = g["recall3_lost"]  # net: negative when the candidate put more incidents in the top 3
    moved = f"lost {lost}" if lost >= 0 else f"gained {-lost}"
    dense = ""
    if g.get("dense_mean_delta") is not None:  # older manifests have no dense figures
        dlow, dhigh = g["dense_interval"]
        dense = f"; dense-only {g['dense_mean_delta']:+.3f} ({dlow:+.3f} … {dhigh:+.3f})"
    return (
        f"decision on {g['n']} held-out incidents: mean Δ reciprocal rank {g['mean_delta']:+.3f} "
        f"({int(LEVEL * 100)}% paired-bootstrap interval {low:+.3f} … {high:+.3f}){dense}; recall@3 {moved} "
        f"(at most {g['recall3_allowed']} lost) → {g['verdict']}: {g['reason']}"
    )
