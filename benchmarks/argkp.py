"""External benchmark of the matcher on ArgKP-2021 (Key Point Analysis shared task, track 1).

Crowd arguments are matched to expert key points of the same topic and stance, which is the job
`positions` does when it aligns a new statement with curated ones. The data are not shipped with
the product; point --data (or $ARGKP_DIR) at a copy of the IBM/KPA_2021_shared_task files
(arguments_<split>.csv, key_points_<split>.csv, labels_<split>.csv).

Metric: the CURRENT official track-1 script (commit of 2021-09-23), re-implemented without
pandas/sklearn:
  1. each argument keeps its highest-scoring key point of its own topic and stance (ties: the first
     key point in file order); an argument with no candidate gets a dummy key point, score 0, label 0;
  2. per (topic, stance) group, pairs are sorted by score (descending, stable, file order) and the
     top int(n/2) kept; a surviving dummy gets score 0.99;
  3. labelled pairs use their label; unlabelled (undecided) kept pairs are 0 for strict, 1 for relaxed;
  4. per group: sklearn-style average precision times the share of kept pairs that are positive;
  5. mAP = unweighted mean over groups.
Scores from this metric are NOT comparable with the competition leaderboard (older script, plain AP).

Scorers: rapidfuzz token_set_ratio (metric check against the reference figures), raw WordLlama
cosine, the shipped lexical and semantic signals, the shipped default combination (`Weights()`, no
curated topics, so the topics signal is 0), and a logistic regression fitted on train over cheap
features (chosen on dev). Test is reported once, at the end.

    python benchmarks/argkp.py            # full run (train fit, dev selection, test), ~1-2 min
    python benchmarks/argkp.py --quick    # dev, first topic only, a few seconds (smoke test)
    python benchmarks/argkp.py --no-write   # do not (re)write benchmarks/argkp_weights.json
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

METRIC_VERSION = ("KPA-2021 track 1, current official script (2021-09-23): best key point per argument, "
                  "top int(n/2) per (topic, stance), dummy 0.99, AP x positive share, mean over groups")
DEFAULT_DATA = Path(os.environ.get("ARGKP_DIR", "/work/shared/benchmarks/argkp2021"))
WEIGHTS_PATH = Path(__file__).with_name("argkp_weights.json")

# Reference figures from the data README (current metric): dev strict, dev relaxed, test strict, test relaxed.
REFERENCE = [
    ("ref: rapidfuzz token_set_ratio (README)", (0.308, 0.500, 0.236, 0.339)),
    ("ref: WordLlama 0.4 256-d cosine (README)", (0.428, 0.636, 0.276, 0.410)),
    ("ref: all-MiniLM-L6-v2 cosine (README)", (0.438, 0.725, 0.327, 0.464)),
]


# ---------------------------------------------------------------------------------------------
# data

@dataclass
class Group:
    key: tuple[str, int]
    args: list[int]          # indices into Split.arg_ids
    kps: list[int]           # indices into Split.kp_ids


@dataclass
class Split:
    name: str
    arg_ids: list[str]
    arg_text: list[str]
    arg_group: list[tuple[str, int]]
    kp_ids: list[str]
    kp_text: list[str]
    labels: dict[tuple[str, str], int]
    groups: list[Group]
    topics: list[str] = field(default_factory=list)


def _read(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def load_split(data: Path, split: str, topics_limit: int | None = None) -> Split:
    args = _read(data / f"arguments_{split}.csv")
    kps = _read(data / f"key_points_{split}.csv")
    labels = {(r["arg_id"], r["key_point_id"]): int(r["label"]) for r in _read(data / f"labels_{split}.csv")}
    topics: list[str] = []
    for r in args:
        if r["topic"] not in topics:
            topics.append(r["topic"])
    if topics_limit is not None:
        topics = topics[:topics_limit]
        keep = set(topics)
        args = [r for r in args if r["topic"] in keep]
        kps = [r for r in kps if r["topic"] in keep]
    groups: dict[tuple[str, int], Group] = {}
    arg_group = []
    for i, r in enumerate(args):
        key = (r["topic"], int(r["stance"]))
        arg_group.append(key)
        groups.setdefault(key, Group(key, [], [])).args.append(i)
    for j, r in enumerate(kps):
        key = (r["topic"], int(r["stance"]))
        if key in groups:
            groups[key].kps.append(j)
    return Split(split, [r["arg_id"] for r in args], [r["argument"] for r in args], arg_group,
                 [r["key_point_id"] for r in kps], [r["key_point"] for r in kps], labels,
                 list(groups.values()), topics)


# ---------------------------------------------------------------------------------------------
# metric

def average_precision(y_true: np.ndarray, y_score: np.ndarray) -> float:
    """sklearn.metrics.average_precision_score for binary labels: sum over distinct score
    thresholds (descending) of (R_n - R_{n-1}) * P_n, tied scores forming one threshold."""
    y_true = np.asarray(y_true, dtype=float)
    y_score = np.asarray(y_score, dtype=float)
    if len(y_true) == 0:
        return 0.0
    order = np.argsort(-y_score, kind="mergesort")
    y_true, y_score = y_true[order], y_score[order]
    distinct = np.where(np.diff(y_score))[0]
    last = np.r_[distinct, len(y_true) - 1]          # last index of each tie block
    tps = np.cumsum(y_true)[last]
    fps = (last + 1) - tps
    if tps[-1] == 0:                                  # sklearn: no positives -> recall 1 everywhere -> AP 0
        return 0.0
    precision = tps / (tps + fps)
    recall = tps / tps[-1]
    prev = np.r_[0.0, recall[:-1]]
    return float(np.sum((recall - prev) * precision))


def _pandas_descending_order(scores: list[float]) -> np.ndarray:
    """The order of pandas' DataFrame.sort_values(ascending=False) (default quicksort, which is not
    stable: how it orders ties depends on numpy). Only used for the metric check."""
    s = np.asarray(scores, dtype=float)
    idx = np.arange(len(s))[::-1]
    return idx[s[::-1].argsort(kind="quicksort")][::-1]


def evaluate(split: Split, scores: dict[int, np.ndarray], ap=None, cut: str = "stable") -> tuple[float, float]:
    """Current track-1 metric. scores[g] is the (args x key points) matrix of group g (index into
    split.groups), rows in group.args order, columns in group.kps order. Ties in the top-half cut
    go to the earlier argument in file order (cut="pandas" mimics the official script instead)."""
    ap = ap or average_precision
    strict, relaxed = [], []
    for g, group in enumerate(split.groups):
        rows = []   # (score, label or None, is_dummy)
        m = scores.get(g)
        for r, ai in enumerate(group.args):
            if m is None or not group.kps:
                rows.append((0.0, 0, True))
                continue
            best = int(np.argmax(m[r]))               # first maximum, as max() over the submission
            kp = split.kp_ids[group.kps[best]]
            rows.append((float(m[r, best]), split.labels.get((split.arg_ids[ai], kp)), False))
        if cut == "pandas":
            order = list(_pandas_descending_order([r[0] for r in rows]))
        else:
            order = sorted(range(len(rows)), key=lambda k: -rows[k][0])   # stable: file order on ties
        kept = [rows[k] for k in order[: int(len(rows) / 2)]]
        if not kept:
            continue
        sc = np.array([0.99 if d else s for s, _, d in kept])
        for labels_of, out in ((lambda l: 0 if l is None else l, strict), (lambda l: 1 if l is None else l, relaxed)):
            y = np.array([0 if d else labels_of(l) for _, l, d in kept], dtype=float)
            out.append(ap(y, sc) * y.sum() / len(y))
    return float(np.mean(strict)), float(np.mean(relaxed))


# ---------------------------------------------------------------------------------------------
# features

@dataclass
class Features:
    """Per group, a dict name -> (args x key points) matrix."""
    split: Split
    mats: list[dict[str, np.ndarray]]


def compute_features(split: Split) -> Features:
    from rapidfuzz import fuzz, process
    from rapidfuzz.utils import default_process

    from positions.embed import embed_uncached
    from positions.scoring import Weights, centred, corpus_centre, fuzzy_matrix, semantic
    from positions.text import Normaliser
    from positions.tfidf import TermIndex

    fuzzy_share = Weights().fuzzy
    norm = Normaliser()
    a_norm = [norm.normalised(t) for t in split.arg_text]
    k_norm = [norm.normalised(t) for t in split.kp_text]
    # The split's arguments and key points play the part of the corpus: term weights (IDF) and the
    # embedding centre come from them, as the product takes them from all statements of a corpus.
    index = TermIndex([t.split() for t in a_norm + k_norm])
    n_args = len(a_norm)
    # embed every text of the split once
    emb = embed_uncached(split.arg_text + split.kp_text + split.topics)
    a_emb = emb[: len(split.arg_text)]
    k_emb = emb[len(split.arg_text): len(split.arg_text) + len(split.kp_text)]
    t_emb = {t: emb[len(split.arg_text) + len(split.kp_text) + n] for n, t in enumerate(split.topics)}
    centre = corpus_centre(emb[: len(split.arg_text) + len(split.kp_text)])
    a_cen, k_cen = centred(a_emb, centre), centred(k_emb, centre)

    def cd(a, b, scorer, processor=None):
        return process.cdist(a, b, scorer=scorer, processor=processor, dtype=np.float32, workers=-1) / 100.0

    mats = []
    for group in split.groups:
        if not group.kps:
            mats.append({})
            continue
        an = [a_norm[i] for i in group.args]
        kn = [k_norm[j] for j in group.kps]
        araw = [split.arg_text[i] for i in group.args]
        kraw = [split.kp_text[j] for j in group.kps]
        ae, ke = a_emb[group.args], k_emb[group.kps]
        te = t_emb[group.key[0]]
        f: dict[str, np.ndarray] = {}
        # reference scorer (metric check): raw texts, rapidfuzz default_process
        f["rf_token_set_raw"] = cd(araw, kraw, fuzz.token_set_ratio, default_process)
        # shipped signals
        f["tfidf"] = index.matrix(group.args, [n_args + j for j in group.kps])
        f["fuzzy"] = fuzzy_matrix(an, kn)
        f["lexical"] = (1 - fuzzy_share) * f["tfidf"] + fuzzy_share * f["fuzzy"]
        f["semantic"] = semantic(a_cen[group.args] @ k_cen[group.kps].T)
        # cheap extras
        cos = (ae @ ke.T).astype(np.float32)
        f["cosine"] = cos
        f["token_set"] = cd(an, kn, fuzz.token_set_ratio)
        f["token_sort"] = cd(an, kn, fuzz.token_sort_ratio)
        f["partial"] = cd(an, kn, fuzz.partial_ratio)
        a_sets = [set(t.split()) for t in an]
        k_sets = [set(t.split()) for t in kn]
        inter = np.array([[len(x & y) for y in k_sets] for x in a_sets], dtype=np.float32)
        asz = np.array([max(1, len(x)) for x in a_sets], dtype=np.float32)
        ksz = np.array([max(1, len(y)) for y in k_sets], dtype=np.float32)
        f["jaccard"] = inter / (asz[:, None] + ksz[None, :] - inter)
        f["kp_coverage"] = inter / ksz[None, :]            # share of the key point's stems in the argument
        f["len_ratio"] = (np.minimum.outer(asz, ksz) / np.maximum.outer(asz, ksz)).astype(np.float32)
        f["arg_log_len"] = np.repeat(np.log(asz)[:, None], len(kn), axis=1)
        # how far this key point stands out from the argument's other key points (0 when it is the only one)
        if len(kn) > 1:
            top2 = -np.sort(-cos, axis=1)[:, :2]
            other_best = np.where(cos >= top2[:, :1], top2[:, 1:2], top2[:, :1])
            f["cos_margin"] = cos - other_best
        else:
            f["cos_margin"] = np.zeros_like(cos)
        lex = f["lexical"]
        if len(kn) > 1:
            top2 = -np.sort(-lex, axis=1)[:, :2]
            f["lex_margin"] = lex - np.where(lex >= top2[:, :1], top2[:, 1:2], top2[:, :1])
        else:
            f["lex_margin"] = np.zeros_like(lex)
        # arguments that merely restate the topic tend to match no key point
        f["arg_topic_cos"] = np.repeat((ae @ te)[:, None], len(kn), axis=1)
        f["kp_topic_cos"] = np.repeat((ke @ te)[None, :], len(an), axis=0)
        # cosine after removing the group's common direction (mean of its arguments and key points)
        centre = np.vstack([ae, ke]).mean(axis=0)
        ac, kc = ae - centre, ke - centre
        ac /= np.linalg.norm(ac, axis=1, keepdims=True) + 1e-9
        kc /= np.linalg.norm(kc, axis=1, keepdims=True) + 1e-9
        f["centred_cosine"] = (ac @ kc.T).astype(np.float32)
        mats.append(f)
    return Features(split, mats)


# Features that can be computed for any two statements on their own (no topic, no group context).
PAIR_ONLY = ["lexical", "tfidf", "fuzzy", "semantic", "cosine", "token_set", "token_sort", "partial", "jaccard",
             "kp_coverage", "len_ratio", "arg_log_len"]
# ... plus context the product also has: the other candidates a statement is scored against
# (margins over the runner-up) and the mean embedding of the texts being compared.
WITH_CONTEXT = PAIR_ONLY + ["cos_margin", "lex_margin", "centred_cosine"]
# ... plus the topic sentence, which ArgKP gives but a statement without curated topics does not have.
FIT_CANDIDATES = WITH_CONTEXT + ["arg_topic_cos", "kp_topic_cos"]


def labelled_rows(feats: Features, names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Feature rows and labels of every labelled pair (undecided pairs are left out of fitting)."""
    split = feats.split
    X, y = [], []
    for group, f in zip(split.groups, feats.mats):
        if not f:
            continue
        for r, ai in enumerate(group.args):
            for c, kj in enumerate(group.kps):
                lab = split.labels.get((split.arg_ids[ai], split.kp_ids[kj]))
                if lab is None:
                    continue
                X.append([f[n][r, c] for n in names])
                y.append(lab)
    return np.array(X, dtype=np.float64), np.array(y, dtype=np.float64)


@dataclass
class Logistic:
    names: list[str]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray        # on standardised features
    intercept: float

    def raw(self) -> tuple[np.ndarray, float]:
        """Coefficients and intercept on the unstandardised features."""
        w = self.coef / self.scale
        return w, float(self.intercept - np.sum(w * self.mean))

    def logit_matrix(self, f: dict[str, np.ndarray]) -> np.ndarray:
        w, b = self.raw()
        out = np.full(next(iter(f.values())).shape, b, dtype=np.float64)
        for wi, n in zip(w, self.names):
            out += wi * f[n]
        return out


def fit_logistic(X: np.ndarray, y: np.ndarray, names: list[str], steps: int = 400, lr: float = 0.5,
                 l2: float = 1e-3) -> Logistic:
    """L2-regularised logistic regression by full-batch gradient descent on standardised features."""
    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale[scale == 0] = 1.0
    Z = (X - mean) / scale
    w = np.zeros(Z.shape[1])
    p0 = min(max(y.mean(), 1e-6), 1 - 1e-6)
    b = math.log(p0 / (1 - p0))
    n = len(y)
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(Z @ w + b)))
        g = p - y
        w -= lr * (Z.T @ g / n + l2 * w)
        b -= lr * float(g.mean())
    return Logistic(list(names), mean, scale, w, b)


def score_feature(feats: Features, name: str) -> dict[int, np.ndarray]:
    return {g: f[name] for g, f in enumerate(feats.mats) if f}


def score_linear(feats: Features, weights: dict[str, float]) -> dict[int, np.ndarray]:
    return {g: sum(w * f[n] for n, w in weights.items()) for g, f in enumerate(feats.mats) if f}


def score_model(feats: Features, model: Logistic) -> dict[int, np.ndarray]:
    # the logit is monotone in the probability, so ranking by it is the same
    return {g: model.logit_matrix(f) for g, f in enumerate(feats.mats) if f}


def forward_select(train: Features, dev: Features, candidates: list[str], log) -> tuple[list[str], tuple[float, float]]:
    """Greedy forward selection on dev (criterion: mean of dev strict and relaxed), fitting on train."""
    Xall, y = labelled_rows(train, candidates)
    col = {n: i for i, n in enumerate(candidates)}

    def dev_score(names):
        m = fit_logistic(Xall[:, [col[n] for n in names]], y, names)
        return evaluate(dev.split, score_model(dev, m))

    chosen: list[str] = []
    best, best_pair = -1.0, (0.0, 0.0)
    while True:
        trials = []
        for n in candidates:
            if n in chosen:
                continue
            s, r = dev_score(chosen + [n])
            trials.append(((s + r) / 2, s, r, n))
        if not trials:
            break
        crit, s, r, n = max(trials)
        if crit <= best + 1e-4:
            break
        chosen.append(n)
        best, best_pair = crit, (s, r)
        log(f"  + {n:<15} dev strict {s:.3f} relaxed {r:.3f}")
    return chosen, best_pair


# ---------------------------------------------------------------------------------------------
# the shipped claim scorer (positions.claimscore), fitted here on train

CLAIM_WEIGHTS = Path(__file__).resolve().parent.parent / "src" / "positions" / "weights" / "claim_scorer.json"
STAGE1 = ["lexical", "cosine", "lexical_margin", "cosine_margin", "align_f_margin", "align_cand", "align_query",
          "align_f", "lexical_colz", "cosine_colz", "align_f_colz"]
STAGE2 = ["s1", "s1_margin", "s1_colz", "nb3", "nb10", "nb3_margin", "nb10_margin"]


@dataclass
class ClaimData:
    """Per group of a split: the scorer's stage-1 features (arguments x key points) and the
    arguments' sentence vectors (for the neighbour features)."""
    split: Split
    mats: list[dict[str, np.ndarray]]
    vectors: list[np.ndarray]


def claim_features(split: Split) -> ClaimData:
    """Stage-1 features as the product computes them (positions.claimscore), each group's arguments
    being both the queries and the population, the key points the candidates, and term and token
    weights taken from the split's arguments and key points."""
    from positions import claimscore as cs
    from positions.embed import embed_uncached
    from positions.text import Normaliser

    norm = Normaliser()
    raw = split.arg_text + split.kp_text
    texts = cs.make_texts(raw, [norm.normalised(t) for t in raw], embed_uncached(raw))
    bg = cs.Background(texts.norm, texts.tokens)
    n_args = len(split.arg_text)
    mats, vectors = [], []
    for group in split.groups:
        if not group.kps:
            mats.append({})
            vectors.append(np.zeros((0, 0)))
            continue
        q = texts.take(group.args)
        k = texts.take([n_args + j for j in group.kps])
        f = cs.base_features(q, k, bg)
        columns = {name: cs.Column.of(f[name]) for name in cs.COLZ_OF}
        mats.append(cs.ClaimScorer(None, None).stage1_features(f, columns))
        vectors.append(q.vectors)
    return ClaimData(split, mats, vectors)


def add_stage2(data: ClaimData, stage1) -> None:
    """Stage 1's logit and the neighbour features, for a fitted stage 1 (positions.claimscore.Stage)."""
    from positions import claimscore as cs

    for f, v in zip(data.mats, data.vectors):
        if not f:
            continue
        s1 = stage1.logit(f)
        sims = (v @ v.T).astype(np.float32)
        np.fill_diagonal(sims, -np.inf)     # an argument is not its own neighbour
        cs.neighbour_features(f, s1, cs.Column.of(s1), cs.sigmoid(s1), sims)


def claim_rows(data: ClaimData, names: list[str], groups: set[int] | None = None) -> tuple[np.ndarray, np.ndarray]:
    return labelled_rows(Features(data.split, [f if (groups is None or g in groups) else {}
                                                for g, f in enumerate(data.mats)]), names)


def fit_adam(X: np.ndarray, y: np.ndarray, names: list[str], l2: float = 1e-3, steps: int = 500,
             lr: float = 0.05) -> Logistic:
    """L2-regularised logistic regression by full-batch Adam on standardised features."""
    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale[scale == 0] = 1.0
    Z = (X - mean) / scale
    w, b = np.zeros(Z.shape[1]), 0.0
    mw, vw, mb, vb = np.zeros_like(w), np.zeros_like(w), 0.0, 0.0
    n = len(y)
    for t in range(1, steps + 1):
        p = 1.0 / (1.0 + np.exp(-(Z @ w + b)))
        g = p - y
        gw, gb = Z.T @ g / n + l2 * w, float(g.mean())
        mw, vw = 0.9 * mw + 0.1 * gw, 0.999 * vw + 0.001 * gw ** 2
        mb, vb = 0.9 * mb + 0.1 * gb, 0.999 * vb + 0.001 * gb ** 2
        w -= lr * (mw / (1 - 0.9 ** t)) / (np.sqrt(vw / (1 - 0.999 ** t)) + 1e-8)
        b -= lr * (mb / (1 - 0.9 ** t)) / (math.sqrt(vb / (1 - 0.999 ** t)) + 1e-8)
    return Logistic(list(names), mean, scale, w, b)


def as_stage(m: Logistic):
    from positions.claimscore import Stage

    w, b = m.raw()
    return Stage(tuple(m.names), w, b)


def score_claim(data: ClaimData, stage) -> dict[int, np.ndarray]:
    return {g: stage.logit(f) for g, f in enumerate(data.mats) if f}


def evaluate_groups(split: Split, scores: dict[int, np.ndarray], groups: list[int]) -> tuple[float, float]:
    sub = Split(split.name, split.arg_ids, split.arg_text, split.arg_group, split.kp_ids, split.kp_text,
                split.labels, [split.groups[g] for g in groups], split.topics)
    return evaluate(sub, {n: scores[g] for n, g in enumerate(groups) if g in scores})


def fit_claim_scorer(train: ClaimData, l2: float, folds: int = 0) -> tuple:
    """Stage 1 then stage 2 on train. With folds, also the mean metric on held-out train topics
    (each fold's topics scored by a scorer fitted on the other topics)."""
    import copy

    def fit(data, groups=None):
        X, y = claim_rows(data, STAGE1, groups)
        s1 = as_stage(fit_adam(X, y, STAGE1, l2=l2))
        data2 = copy.copy(data)
        data2.mats = [dict(f) for f in data.mats]
        add_stage2(data2, s1)
        X, y = claim_rows(data2, STAGE2, groups)
        return s1, as_stage(fit_adam(X, y, STAGE2, l2=l2))

    cv = None
    if folds:
        topics = train.split.topics
        results = []
        for n in range(folds):
            held = set(topics[n::folds])
            test_groups = [g for g, gr in enumerate(train.split.groups) if gr.key[0] in held]
            fit_groups = set(range(len(train.split.groups))) - set(test_groups)
            s1, s2 = fit(train, fit_groups)
            data2 = copy.copy(train)
            data2.mats = [dict(f) for f in train.mats]
            add_stage2(data2, s1)
            results.append(evaluate_groups(train.split, score_claim(data2, s2), test_groups))
        cv = tuple(float(v) for v in np.mean(results, axis=0))
    return fit(train), cv


CLAIM_L2 = (1e-3, 1e-2)
CLAIM_FOLDS = 6


def write_claim_weights(s1, s2, l2: float, cv: tuple, figures: tuple, stage1_only: tuple) -> None:
    def stage(st):
        return {"features": list(st.features),
                "coefficients": {n: round(float(c), 6) for n, c in zip(st.features, st.coef)},
                "intercept": round(float(st.intercept), 6)}

    out = {
        "scorer": "positions.claimscore two-stage logistic scorer",
        "fitted_on": "ArgKP-2021 train split, labelled pairs only (undecided pairs left out)",
        "selected_on": f"l2 in {list(CLAIM_L2)}: mean of strict mAP on {CLAIM_FOLDS} held-out folds of train topics "
                       "and strict mAP on dev",
        "training": {"method": "logistic regression, full-batch Adam on standardised features, stage 1 then stage 2",
                     "steps": 500, "learning_rate": 0.05, "l2": l2},
        "metric_version": METRIC_VERSION,
        "scores": {"train_topic_folds_strict": round(cv[0], 4), "train_topic_folds_relaxed": round(cv[1], 4),
                   **dict(zip(("dev_strict", "dev_relaxed", "test_strict", "test_relaxed"),
                              (round(v, 4) for v in figures))),
                   "stage1_only": dict(zip(("dev_strict", "dev_relaxed", "test_strict", "test_relaxed"),
                                           (round(v, 4) for v in stage1_only)))},
        "stage1": stage(s1),
        "stage2": stage(s2),
    }
    CLAIM_WEIGHTS.parent.mkdir(parents=True, exist_ok=True)
    CLAIM_WEIGHTS.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


def claim_scores(data: ClaimData, s1, s2) -> dict[int, np.ndarray]:
    import copy

    data2 = copy.copy(data)
    data2.mats = [dict(f) for f in data.mats]
    add_stage2(data2, s1)
    return score_claim(data2, s2)


# ---------------------------------------------------------------------------------------------
# main

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with the ArgKP-2021 csv files")
    ap.add_argument("--quick", action="store_true", help="dev split, first topic only, no test (smoke test)")
    ap.add_argument("--no-write", action="store_true", help=f"do not write the fitted models to {WEIGHTS_PATH.name}")
    opts = ap.parse_args(argv)

    from positions.scoring import Weights

    t0 = time.time()
    log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    if not (opts.data / "arguments_dev.csv").exists():
        print(f"ArgKP-2021 data not found in {opts.data} (set --data or ARGKP_DIR)", file=sys.stderr)
        return 2

    w = Weights()
    text_total = w.lexical + w.semantic
    fixed = [
        ("rapidfuzz token_set_ratio, default_process", lambda F: score_feature(F, "rf_token_set_raw")),
        ("WordLlama raw cosine", lambda F: score_feature(F, "cosine")),
        ("rapidfuzz part of lexical (fuzzy_matrix)", lambda F: score_feature(F, "fuzzy")),
        ("IDF-weighted term cosine (TermIndex)", lambda F: score_feature(F, "tfidf")),
        (f"shipped lexical ({1 - w.fuzzy:g} term cosine + {w.fuzzy:g} rapidfuzz)", lambda F: score_feature(F, "lexical")),
        ("shipped semantic (centred cosine)", lambda F: score_feature(F, "semantic")),
        (f"shipped default Weights() {w.lexical:g}*lex+{w.semantic:g}*sem (topics=0)",
         lambda F: score_linear(F, {"lexical": w.lexical, "semantic": w.semantic})),
        (f"  same, renormalised to text signals ({w.lexical / text_total:.3f}/{w.semantic / text_total:.3f})",
         lambda F: score_linear(F, {"lexical": w.lexical / text_total, "semantic": w.semantic / text_total})),
    ]

    if opts.quick:
        dev = compute_features(load_split(opts.data, "dev", topics_limit=1))
        rows = [(name, evaluate(dev.split, fn(dev)) + (float("nan"), float("nan"))) for name, fn in fixed]
        X, y = labelled_rows(dev, PAIR_ONLY)
        m = fit_logistic(X, y, PAIR_ONLY, steps=50)
        rows.append(("logistic fitted on this subset (smoke)", evaluate(dev.split, score_model(dev, m)) + (float("nan"),) * 2))
        print_table(rows, f"QUICK: dev, first topic only ({dev.split.topics[0]!r}); no test", [])
        log(f"done in {time.time() - t0:.1f}s")
        return 0

    log("computing features (train, dev, test) ...")
    train = compute_features(load_split(opts.data, "train"))
    dev = compute_features(load_split(opts.data, "dev"))
    test = compute_features(load_split(opts.data, "test"))
    log(f"  features in {time.time() - t0:.1f}s")

    metric_check(dev, test)
    print("\nsingle features, dev only (zero-shot, used for choosing; test is not looked at here):")
    for n in FIT_CANDIDATES:
        print(f"  {n:<15} dev strict {{:.3f}} relaxed {{:.3f}}".format(*evaluate(dev.split, score_feature(dev, n))))

    # Model selection uses train (fit) and dev (choice) only.
    print("\ngreedy forward selection (fit on train, criterion mean of dev strict and relaxed):")
    out = lambda msg: print(msg, flush=True)  # noqa: E731
    print(" pair-only features (no topic, no group context):")
    chosen_pair, _ = forward_select(train, dev, PAIR_ONLY, out)
    print(" pair features + candidate context (margins over the runner-up, centred cosine):")
    chosen_ctx, _ = forward_select(train, dev, WITH_CONTEXT, out)
    print(" all features (adds the topic sentence):")
    chosen_all, _ = forward_select(train, dev, FIT_CANDIDATES, out)

    fitted: list[tuple[str, Logistic]] = []
    for label, names in (("fitted LR, shipped 2 signals", ["lexical", "semantic"]),
                         ("fitted LR, pair-only features, dev-selected", chosen_pair),
                         ("fitted LR, pair + candidate-context features, dev-selected", chosen_ctx),
                         ("fitted LR, all features, dev-selected", chosen_all)):
        X, y = labelled_rows(train, names)
        fitted.append((f"{label}: " + "+".join(names), fit_logistic(X, y, names)))

    rows = []
    for name, fn in fixed:
        rows.append((name, evaluate(dev.split, fn(dev)) + evaluate(test.split, fn(test))))
    for name, m in fitted:
        rows.append((name, evaluate(dev.split, score_model(dev, m)) + evaluate(test.split, score_model(test, m))))
    log("the shipped claim scorer: features, fit on train (topic folds for the choice), dev ...")
    claim = {name: claim_features(split.split) for name, split in (("train", train), ("dev", dev), ("test", test))}
    trials = []
    for l2 in CLAIM_L2:
        (s1, s2), cv = fit_claim_scorer(claim["train"], l2, folds=CLAIM_FOLDS)
        dev_fig = evaluate(claim["dev"].split, claim_scores(claim["dev"], s1, s2))
        print(f"  claim scorer l2={l2:g}: train topic folds strict {cv[0]:.3f} relaxed {cv[1]:.3f}; "
              f"dev strict {dev_fig[0]:.3f} relaxed {dev_fig[1]:.3f}")
        trials.append(((cv[0] + dev_fig[0]) / 2, l2, s1, s2, cv))
    _, l2, s1, s2, cv = max(trials, key=lambda t: t[0])
    stage1_only = evaluate(claim["dev"].split, score_claim(claim["dev"], s1)) + evaluate(claim["test"].split, score_claim(claim["test"], s1))
    claim_fig = (evaluate(claim["dev"].split, claim_scores(claim["dev"], s1, s2))
                 + evaluate(claim["test"].split, claim_scores(claim["test"], s1, s2)))
    rows.append((f"claim scorer, stage 1 only (pair + candidate context, l2={l2:g})", stage1_only))
    rows.append((f"SHIPPED claim scorer (positions.claimscore: stage 1 + neighbours, l2={l2:g})", claim_fig))
    print_table(rows, "ArgKP-2021, zero-shot except the fitted rows (fitted on train, chosen on dev)", REFERENCE)
    if not opts.no_write:
        write_claim_weights(s1, s2, l2, cv, claim_fig, stage1_only)
        log(f"wrote {CLAIM_WEIGHTS}")

    print("\nfitted coefficients (raw feature scale; score = intercept + sum(coef * feature), a logit):")
    for name, m in fitted:
        wr, br = m.raw()
        print(f"  {name}\n    intercept {br:+.4f}  " + "  ".join(f"{n} {c:+.4f}" for n, c in zip(m.names, wr)))

    if not opts.no_write:
        out = {
            "benchmark": "ArgKP-2021 track 1 (benchmarks/argkp.py)",
            "metric_version": METRIC_VERSION,
            "fitted_on": "train split, labelled pairs only (undecided pairs left out)",
            "selected_on": "dev split, greedy forward selection, criterion mean(dev strict, dev relaxed)",
            "training": {"method": "logistic regression, full-batch gradient descent on standardised features",
                         "steps": 400, "learning_rate": 0.5, "l2": 1e-3},
            "feature_definitions": {
                "lexical": "the shipped lexical signal: (1 - Weights.fuzzy) * tfidf + Weights.fuzzy * fuzzy",
                "tfidf": "positions.tfidf.TermIndex cosine, IDF over the split's arguments and key points",
                "fuzzy": "positions.scoring.fuzzy_matrix (rapidfuzz) on Normaliser().normalised text",
                "semantic": "positions.scoring.semantic of the cosines of embeddings centred on the split's mean (positions.scoring.centred)",
                "cosine": "raw WordLlama cosine (unit vectors)",
                "token_set": "rapidfuzz token_set_ratio / 100 on normalised text",
                "token_sort": "rapidfuzz token_sort_ratio / 100 on normalised text",
                "partial": "rapidfuzz partial_ratio / 100 on normalised text",
                "jaccard": "Jaccard of the two sets of normalised stems",
                "kp_coverage": "share of the key point's (second text's) stems found in the argument",
                "len_ratio": "min/max of the two stem counts",
                "arg_log_len": "log of the argument's (first text's) stem count",
                "cos_margin": "cosine minus the best cosine of the argument to the other key points of its group",
                "lex_margin": "lexical minus the best lexical score of the argument to the other key points of its group",
                "arg_topic_cos": "cosine of the argument to the topic sentence",
                "kp_topic_cos": "cosine of the key point to the topic sentence",
                "centred_cosine": "cosine after subtracting the mean embedding of the group's texts",
            },
            "models": [],
        }
        for (name, m), row in zip(fitted, rows[len(fixed):]):
            wr, br = m.raw()
            out["models"].append({
                "name": name, "features": m.names,
                "coefficients": {n: round(float(c), 6) for n, c in zip(m.names, wr)},
                "intercept": round(br, 6),
                "standardisation": {"mean": {n: round(float(v), 6) for n, v in zip(m.names, m.mean)},
                                    "scale": {n: round(float(v), 6) for n, v in zip(m.names, m.scale)}},
                "scores": dict(zip(("dev_strict", "dev_relaxed", "test_strict", "test_relaxed"),
                                   (round(v, 4) for v in row[1]))),
            })
        WEIGHTS_PATH.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
        log(f"wrote {WEIGHTS_PATH}")
    log(f"done in {time.time() - t0:.1f}s")
    return 0


def _ap_ungrouped(y_true: np.ndarray, y_score: np.ndarray) -> float:
    """AP with every pair its own threshold (tied scores NOT grouped; stable order). Not sklearn:
    only used to show where the data README's reference figures come from."""
    order = np.argsort(-np.asarray(y_score, float), kind="mergesort")
    y = np.asarray(y_true, float)[order]
    if y.sum() == 0:
        return 0.0
    return float(np.sum(np.cumsum(y) / np.arange(1, len(y) + 1) * y) / y.sum())


def metric_check(dev: Features, test: Features) -> None:
    """rapidfuzz token_set_ratio against the figures in the data README."""
    print("\nmetric check, rapidfuzz token_set_ratio (default_process), dev strict/relaxed, test strict/relaxed:")
    cases = [("this script (sklearn AP, ties grouped)", {}),
             ("  same, top-half ties cut as pandas does", {"cut": "pandas"}),
             ("  same, tied pairs NOT grouped in AP", {"ap": _ap_ungrouped})]
    for label, kw in cases:
        vals = (evaluate(dev.split, score_feature(dev, "rf_token_set_raw"), **kw)
                + evaluate(test.split, score_feature(test, "rf_token_set_raw"), **kw))
        print(f"  {label:<42} " + " / ".join(f"{v:.3f}" for v in vals))
    print(f"  {'README reference (this project)':<42} 0.308 / 0.500 / 0.236 / 0.339")
    print(f"  {'README: official script on same scores':<42} 0.298 / 0.490 / 0.231 / 0.333")


def print_table(rows, title: str, reference) -> None:
    width = max(len(r[0]) for r in list(rows) + list(reference)) + 1
    print(f"\n{title}\nmetric: {METRIC_VERSION}\n")
    head = f"{'scorer':<{width}}| dev strict | dev relaxed | test strict | test relaxed"
    print(head)
    print("-" * len(head))
    fmt = lambda v: "    -" if v != v else f"{v:.3f}"  # noqa: E731
    for name, vals in list(reference) + list(rows):
        print(f"{name:<{width}}|      {fmt(vals[0])} |       {fmt(vals[1])} |       {fmt(vals[2])} |        {fmt(vals[3])}")


if __name__ == "__main__":
    sys.exit(main())
