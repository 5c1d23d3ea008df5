"""Fit recur.calibrate's logistic model on the starter KB; check it on the fixture KB's dev sets.

    python bench/calibrate_data.py            # once: cached per-query candidate scores
    python bench/calibrate_fit.py [--write] [--sets case,case-lopo,...] [--l2 1] [--only best_1s,title_1 --as-said]

Fitting data (starter KB only): see calibrate_data.py for the query sets. Every query's top-K
results are rows, labelled right/wrong. ``--write`` stores the coefficients in calibrate.py.
The report: no_known_pattern flag rates, precision of "high", reliability buckets, on
  starter (in-sample and leave-pattern-group-out), and fixture dev / dev-nomatch / dev-lopo.
"""

from __future__ import annotations

import argparse
import json
import pickle
import re
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from recur.retrieval import calibrate as cal  # noqa: E402

TRAIN_SETS = "case,case-lopo,inc-pos,inc-pos-lopo,inc-lopo,sym-lopo,offtopic-fit,tag,tag-lopo,offtopic-words-fit"
CHECK_SETS = ("offtopic-check", "offtopic-ask", "offtopic-words-check")  # starter KB, never fitted
K = 5


def rows(recs, extra=None):
    X, y, q = [], [], []
    for n, r in enumerate(recs):
        order, F = cal.features(r["fused"], r["comp"], r["signal"], top=K)
        if extra is not None:
            F = extra(n, r, order, F)
        X.append(F)
        y.append(r["label"][order])
        q += [n] * len(order)
    return np.vstack(X), np.concatenate(y).astype(float), np.asarray(q)


def report(name, recs, model, answerable_only_top3=True):
    X, y, q = rows(recs)
    p = cal.probability(X, model)
    first = np.r_[True, q[1:] != q[:-1]]
    p1, y1 = p[first], y[first]
    pos = np.asarray([r["label"].any() for r in recs])
    top3 = np.asarray([bool(r["label"][np.lexsort((np.arange(len(r["fused"])), -r["fused"]))[:3]].any()) for r in recs])
    flag = p1 < cal.NO_MATCH_BELOW
    hi = p1 >= cal.HIGH_AT
    out = {
        "queries": len(recs),
        "answerable": int(pos.sum()),
        "ans_top3": int(top3.sum()),
        "flag_nomatch": f"{flag[~pos].mean():.2f} ({flag[~pos].sum()}/{(~pos).sum()})" if (~pos).any() else "-",
        "flag_ans_top3": f"{flag[top3].mean():.2f} ({flag[top3].sum()}/{top3.sum()})" if top3.any() else "-",
        "high_prec": f"{y1[hi].mean():.2f} ({int(y1[hi].sum())}/{hi.sum()})" if hi.any() else "- (0)",
    }
    print(f"{name:28} " + " ".join(f"{k}={v}" for k, v in out.items()))
    return p, y, q


def buckets(p, y, edges=(0, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0001)):
    out = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        m = (p >= lo) & (p < hi)
        if m.any():
            out.append(f"[{lo:.1f},{min(hi, 1):.1f}) n={m.sum():3d} mean_p={p[m].mean():.2f} right={y[m].mean():.2f}")
    return out


def as_said(recs) -> list:
    """``recs`` with every one-word question weighed as one that says more (``comp["said"]``: "github down"):
    the recorded ones are bare words (a pattern's first tag), and no recorded question has a stop word beside
    its one BM25 word, so ``said``'s features (``best_1s``, ``title_1``) are fitted on the bare ones."""
    return [
        {**r, "comp": {**r["comp"], "said": r["comp"].get("solo", np.zeros(len(r["pids"]), dtype=bool))}} for r in recs
    ]


def refit_only(X, y, names: list, l2: float = 1.0, weights=None, iters: int = 50) -> dict:
    """The shipped model (cal.MODEL) with only the coefficients of ``names`` refitted, the rest kept.

    For features that are 0 on most rows and something else on a few (``best_1``, ``title_1``: one-word
    queries only): every row where they are all 0 keeps its logit exactly, so its probability is
    unchanged (to the 6 decimals a model is stored in), and the fit only moves the rows where they are not 0. Their scaling and
    clipping are computed from ``X`` as ``fit_logistic`` does; a feature the shipped model does not
    have yet (a new one) starts at coefficient 0. Newton steps with an offset and no intercept of
    their own: the intercept moves so that 0 on every one of ``names`` adds what it added before."""
    m = {k: list(cal.MODEL[k]) for k in ("mean", "scale", "coef", "lo", "hi")}
    for k, pad in (("mean", 0.0), ("scale", 1.0), ("coef", 0.0), ("lo", 0.0), ("hi", 0.0)):
        m[k] += [pad] * (len(cal.FEATURES) - len(m[k]))
    idx = [cal.FEATURES.index(n) for n in names]
    mean, scale, lo, hi = (np.asarray(m[k], dtype=np.float64) for k in ("mean", "scale", "lo", "hi"))
    coef = np.asarray(m["coef"], dtype=np.float64)

    def zero_part(c, mu, sd, a, b):  # what 0 on each of ``names`` adds to the logit
        return float(np.clip((0.0 - mu) / sd, a, b) @ c)

    before = zero_part(coef[idx], mean[idx], scale[idx], lo[idx], hi[idx])
    Z = np.clip((X - mean) / scale, lo, hi)
    keep = [k for k in range(len(cal.FEATURES)) if k not in idx]
    base = cal.MODEL["intercept"] + Z[:, keep] @ coef[keep] + before
    new_mean, new_scale = X[:, idx].mean(axis=0), X[:, idx].std(axis=0)
    new_scale[new_scale < 1e-9] = 1.0
    Zi = (X[:, idx] - new_mean) / new_scale
    new_lo, new_hi = np.quantile(Zi, cal.CLIP_SHARE, axis=0), np.quantile(Zi, 1 - cal.CLIP_SHARE, axis=0)
    z0 = np.clip((0.0 - new_mean) / new_scale, new_lo, new_hi)
    D = np.clip(Zi, new_lo, new_hi) - z0  # 0 on every row where all of ``names`` are 0
    w_s = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=np.float64)
    beta = np.zeros(len(idx))
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-(base + D @ beta)))
        g = D.T @ (w_s * (p - y)) + l2 * beta
        H = (D * (w_s * p * (1 - p))[:, None]).T @ D + l2 * np.eye(len(idx))
        step = np.linalg.solve(H, g)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    beta = beta.round(6)
    for j, k in enumerate(idx):
        m["mean"][k], m["scale"][k] = round(float(new_mean[j]), 6), round(float(new_scale[j]), 6)
        m["lo"][k], m["hi"][k], m["coef"][k] = round(float(new_lo[j]), 6), round(float(new_hi[j]), 6), float(beta[j])
    z0 = np.clip(
        (0.0 - np.asarray(m["mean"])[idx]) / np.asarray(m["scale"])[idx],
        np.asarray(m["lo"])[idx],
        np.asarray(m["hi"])[idx],
    )
    m["intercept"] = round(float(cal.MODEL["intercept"] + before - z0 @ beta), 6)
    return m


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", default="bench/out/calib/records.pkl")
    ap.add_argument("--sets", default=TRAIN_SETS)
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--features", default=",".join(cal.FEATURES), help="subset (others get coefficient 0)")
    ap.add_argument("--balance", action="store_true", help="weight no-match queries to the answerable ones' total")
    ap.add_argument("--null-share", type=float, default=0.7, help="share of no-match questions to flag")
    ap.add_argument(
        "--only",
        help="refit only these features' coefficients (comma-separated), keeping the shipped model's others and "
        "NO_MATCH_BELOW; rows where they are all 0 keep their probability exactly (refit_only)",
    )
    ap.add_argument(
        "--as-said",
        action="store_true",
        help="with --only: fit on the one-word questions as if each said more than its word (as_said)",
    )
    ap.add_argument("--write", action="store_true")
    a = ap.parse_args(argv)
    with open(a.records, "rb") as fh:
        recs = pickle.load(fh)
    if any("named" not in r["comp"] for r in recs):  # calibrate.features reads it for title_1
        sys.exit(f"{a.records}: recorded before comp['named'] was (title_1's signal); re-run bench/calibrate_data.py")
    sets = a.sets.split(",")
    train = [r for r in recs if r["set"] in sets]
    X, y, q = rows(train)
    use = np.asarray([f in a.features.split(",") for f in cal.FEATURES])
    w = None
    if a.balance:
        qpos = np.asarray([train[i]["label"].any() for i in q])
        w = np.where(qpos, 1.0, qpos.sum() / max((~qpos).sum(), 1))
    m = cal.fit_logistic(X[:, use], y, l2=a.l2, weights=w)
    Xo = rows(as_said(train))[0] if a.as_said else X
    only = refit_only(Xo, y, a.only.split(","), l2=a.l2, weights=w) if a.only else None
    full = {"mean": [0.0] * len(use), "scale": [1.0] * len(use), "coef": [0.0] * len(use), "intercept": m["intercept"]}
    full.update(lo=[0.0] * len(use), hi=[0.0] * len(use))  # an unused feature: coefficient 0, clipped to 0
    for k in ("mean", "scale", "coef", "lo", "hi"):
        vals = iter(m[k])
        full[k] = [next(vals) if u else full[k][i] for i, u in enumerate(use)]
    full = only or full
    print("coef:", dict(zip(cal.FEATURES, full["coef"])), "intercept", full["intercept"])

    # leave-pattern-group-out on the starter KB: 5 folds by expected/excluded pattern id
    def group(r):
        return (r["expect"] or r["exclude"] or [r["query"][:40]])[0]

    pats = sorted({group(r) for r in train})
    fold_of = {p: i % 5 for i, p in enumerate(pats)}
    cv_p = np.zeros(len(y))
    for f in range(5):
        test_q = np.asarray([fold_of[group(r)] == f for r in train])
        tr = ~test_q[q]
        mf = cal.fit_logistic(X[tr][:, use], y[tr], l2=a.l2, weights=None if w is None else w[tr])
        cv_p[~tr] = cal.probability(X[~tr][:, use], mf)
    first = np.r_[True, q[1:] != q[:-1]]
    print("starter CV (5 folds by pattern) buckets:", *buckets(cv_p, y), sep="\n  ")
    qpos = np.asarray([train[i]["label"].any() for i in q[first]])
    # the threshold's reference: the leave-one-pattern-out questions (real failures whose pattern is
    # missing), not off-topic ones, which are easy to flag and would lower it
    lopo = np.asarray([train[i]["set"].endswith("lopo") for i in q[first]])
    # no_known_pattern threshold: flag NULL_SHARE of the starter KB's own no-match (leave-one-pattern-
    # out) questions, from the cross-validated probabilities; the null side is what transfers across
    # KBs (top-1 scores of LOPO questions look alike on both KBs; answerable ones do not)
    if not a.only:  # a partial refit keeps the shipped threshold: the rows it was read from keep theirs
        cal.NO_MATCH_BELOW = round(float(np.quantile(cv_p[first][lopo], a.null_share)), 3)
    how = "kept: --only" if a.only else f"flags {a.null_share:.0%} of the starter KB's LOPO questions, CV"
    print(f"NO_MATCH_BELOW = {cal.NO_MATCH_BELOW} ({how})")
    print(
        f"starter CV: no_known_pattern on leave-one-pattern-out {np.mean(cv_p[first][lopo] < cal.NO_MATCH_BELOW):.2f}, "
        f"on answerable {np.mean(cv_p[first][qpos] < cal.NO_MATCH_BELOW):.2f}"
    )
    for s in sets + [x for x in CHECK_SETS if x not in sets]:
        report(f"starter {s}", [r for r in recs if r["set"] == s], full)
    print("--- fixture KB (never fitted on) ---")
    for s in ("dev", "nomatch", "dev-lopo", "fx-tag", "fx-tag-lopo"):
        report(f"fixture {s}", [r for r in recs if r["set"] == s], full)
    p, yy, qq = report("fixture dev+nomatch", [r for r in recs if r["set"] in ("dev", "nomatch")], full)
    print("fixture dev+nomatch reliability (top-5 rows):", *buckets(p, yy), sep="\n  ")
    fst = np.r_[True, qq[1:] != qq[:-1]]
    print("fixture dev+nomatch reliability (top-1 rows):", *buckets(p[fst], yy[fst]), sep="\n  ")

    # the decision's ceiling on the fixture KB: how well P(top-1) separates (threshold-free)
    def top1(r):
        o, F = cal.features(r["fused"], r["comp"], r["signal"], top=3)
        return cal.probability(F, full)[0], bool(r["label"][o].any())

    ans = np.asarray([p for r in recs if r["set"] == "dev" for p, a3 in [top1(r)] if a3])
    nom = np.asarray([top1(r)[0] for r in recs if r["set"] == "nomatch"])
    t70 = np.sort(nom)[int(np.ceil(0.7 * len(nom))) - 1] + 1e-12
    t15 = np.sort(ans)[int(np.floor(0.15 * len(ans)))]
    print(
        f"fixture operating curve: AUC(answerable top-3 vs nomatch) {np.mean(ans[:, None] > nom[None, :]):.2f}; "
        f"flagging 70% of nomatch needs p<{t70:.3f} and flags {np.mean(ans < t70):.2f} of answerable; "
        f"flagging <=15% of answerable (p<{t15:.3f}) flags {np.mean(nom < t15):.2f} of nomatch"
    )
    if a.write:
        path = ROOT / "tools" / "recur" / "retrieval" / "calibrate.py"
        src = path.read_text()
        # the block as ruff formats it (one key per line), or one line
        src = re.sub(r"^MODEL = \{.*?\}$", "MODEL = " + json.dumps(full), src, count=1, flags=re.M | re.S)
        src = re.sub(r"^NO_MATCH_BELOW = .*$", f"NO_MATCH_BELOW = {cal.NO_MATCH_BELOW}", src, count=1, flags=re.M)
        path.write_text(src)
        # the one-line MODEL as `make lint` checks it (ruff format): a refit leaves lint green
        subprocess.run([sys.executable, "-m", "ruff", "format", "--quiet", str(path)], check=True)
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
