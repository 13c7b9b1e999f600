"""How the matcher scales: synthetic corpora of 1k-50k statements, timed stage by stage.

    python benchmarks/scale.py                      # sizes 1000,5000,20000
    python benchmarks/scale.py --sizes 1000,5000    # chosen sizes
    python benchmarks/scale.py --tiny               # one 200-statement corpus (the test suite's smoke run)
    python benchmarks/scale.py --json               # machine-readable figures instead of the table
    python benchmarks/scale.py --sizes 20000 --profile DIR   # also profile the compare (pyinstrument)
    python benchmarks/scale.py --from-json a.json b.json     # the table of figures saved with --json

Corpora are generated from a fixed seed: statement lengths drawn from the shipped statements
(clipped to 10-60 words), words drawn from the shipped corpus (per topic for statements that take a
stance on it) plus synthetic filler, the propositions of data/topics.yaml given stances by about
60% of the statements, and planted near-duplicates: a statement copied to another source with
light edits (word swaps, a dropped or added word, synonyms, a clause moved). Each corpus is
written as YAML files (topics.yaml, sources/KEY.yaml) and measured in fresh subprocesses, each
with its own peak memory (ru_maxrss), against a fresh POSITIONS_CACHE_DIR:

* cold run   load_corpus (cache empty), Matcher(), embeddings (computed; model load reported
             apart), compare_sources over all sources, search (6 queries), build_report + markdown
             render, and last a plain load (ruamel safe loader + the models) for comparison; when
             load_corpus refuses a generated corpus (a size limit), the plain load stands in and
             the table marks the load time with "!"
* warm run   load_corpus, embeddings and compare again with the caches the cold run wrote (the
             compare reads the scores of large source pairs from the score cache)
* reference  the other way of scoring, for recall: where the default compare scores candidate
             pairs only (a source pair above match.DENSE_PAIR_LIMIT pairs), exhaustive scoring with
             the limit lifted, on all source pairs when that is at most --exhaustive-budget scored
             pairs, else on a sample of source pairs; where the default compare is already
             exhaustive, candidate scoring forced on (limit 0), to show what candidates would lose

Figures:

* planted recall   share of the planted pairs aligned by the (default) compare
* vs exhaustive    candidate recall / exhaustive recall of the planted pairs, on the source
                   pairs both runs scored; `pairs kept` is the share of the exhaustive run's
                   aligned pairs that candidate scoring also aligns
* peak MB          the cold run's peak resident memory (whole process: model, corpus, compare,
                   report); the details give it after each stage, and CPU seconds per stage,
                   which vary less than wall time when the machine is busy
* again s          the warm run's compare: the same compare after the cold run, with the score
                   cache it wrote (large source pairs only; smaller ones are scored again)
* search ms        median of the 6 queries

The package measured is copied once at start (or taken from --src DIR, a folder holding
`positions/`) and every subprocess imports that copy, so edits made to src/ while the benchmark
runs cannot mix versions; the figures name the copy's hash (`code`).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from itertools import combinations
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DATA = REPO / "data"

DEFAULT_SIZES = (1000, 5000, 20000)
TINY_SIZE = 200
DEFAULT_SOURCES = 8
TINY_SOURCES = 4
SEED = 2026
MIN_WORDS, MAX_WORDS = 10, 60
TOPIC_SHARE = 0.6        # statements with curated stances
TOPIC_WORD_SHARE = 0.35  # words of a topical statement drawn from its topics' vocabulary
FILLER_SHARE = 0.12      # other words drawn from synthetic filler rather than the corpus
PLANTED_SHARE = 0.05     # statements that are edited copies of a statement of another source
STANCE_WEIGHTS = {"support": 0.75, "oppose": 0.17, "mixed": 0.08}  # no neutral: mentioning an area is no stance
QUERIES = (  # from benchmarks/gold.yaml; two edited statements of the corpus are added per run
    "bring probation back into the public sector",
    "caseloads are far too high",
    "community payback that actually benefits local people",
    "prisoners released with nowhere to live",
)
DATE = "2026-11-23"

# Small, hand-written synonym list for the planted edits (both directions are used).
SYNONYMS = {
    "offenders": "people on probation", "staff": "workforce", "reduce": "cut", "improve": "strengthen",
    "services": "provision", "important": "vital", "ensure": "make sure", "government": "ministry",
    "local": "regional", "need": "require", "sentences": "orders", "funding": "resources",
    "providers": "suppliers", "prison": "custody", "reoffending": "recidivism", "communities": "neighbourhoods",
    "courts": "judges", "quality": "standard", "believe": "think", "effective": "successful",
    "system": "framework", "clear": "explicit", "increase": "raise", "support": "help", "work": "labour",
    "new": "fresh", "public": "state", "should": "must", "probation": "probation service", "risk": "danger",
}
_REVERSE = {v: k for k, v in SYNONYMS.items() if " " not in v}
COMMON_FILLER = """
able accept account across action actually add address advice affect agency agree aim allow almost
already although amount another answer apart appear approach area argue around arrange aspect
attempt attention available avoid aware balance basis become begin behind benefit better beyond
bring build burden carry case cause certain challenge chance change choice claim close common
concern consider continue control cost create current deal decide degree deliver depend describe
design detail develop difference difficult direct discuss draw early easy effect effort enough
establish event evidence example exist expect experience explain face fact fail fair fall feature
figure final focus follow force form forward frame general given goal good great ground group grow
handle happen hard head hold idea impact include increase indeed instead issue keep kind known lack
large later lead learn least level likely limit line little long look lose main maintain major make
manage matter mean measure meet method mind model move national nature near necessary note number
offer open order outcome part particular pass pattern people period place plan point position
possible practice present pressure prevent problem process produce progress purpose question
range rather reach ready reason record reflect regard remain report require respect response result
return review right role rule scale scope seek sense serve set shape share short show side sign
simple single situation size small sort source space stage stand start state step strong structure
study subject success suggest take target task term test think time total towards trend turn type
understand unit value view wide wider work world year
""".split()

WORD_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9'-]*[A-Za-z0-9]|[A-Za-z]")


# -- corpus generation ---------------------------------------------------------------------------

class Vocabulary:
    """Word distributions taken from the shipped corpus, plus synthetic filler."""

    def __init__(self, data_dir: Path, rng: random.Random):
        from ruamel.yaml import YAML

        from positions.text import STOP_WORDS

        # read with a plain YAML loader, so that the generated corpora do not depend on the
        # version of positions being measured
        yaml = YAML(typ="safe")
        topics = yaml.load((data_dir / "topics.yaml").read_text(encoding="utf-8"))["topics"]
        statements = [st for path in sorted((data_dir / "sources").glob("*.yaml"))
                      for st in yaml.load(path.read_text(encoding="utf-8"))["statements"]]
        # the propositions statements take stances on (a topic without a list is its own proposition)
        claims = [(t, c) for t in topics
                  for c in (t.get("propositions") or [{"key": t["key"], "label": t["label"], "text": t.get("proposition", "")}])]
        self.topics = [c["key"] for _, c in claims]
        general: Counter = Counter()
        topical: dict[str, Counter] = {k: Counter() for k in self.topics}
        self.lengths = []
        for st in statements:
            toks = _tokens(st["text"])
            self.lengths.append(min(MAX_WORDS, max(MIN_WORDS, len(toks))))
            general.update(toks)
            content = [w for w in toks if w.lower() not in STOP_WORDS and len(w) > 2]
            for key in st.get("stances") or {}:
                topical[key].update(content)
        for t, c in claims:
            words = _tokens(" ".join([t["label"], c["label"], c.get("text") or "", t.get("description") or "",
                                      c.get("description") or ""]))
            topical[c["key"]].update(w for w in words if w.lower() not in STOP_WORDS and len(w) > 2)
            for alias in t.get("aliases") or []:  # aliases as phrases, so the normaliser meets them as written
                topical[c["key"]][alias] += 3
        self.general_words, self.general_weights = _cumulative(general)
        self.topic_words = {k: _cumulative(c) for k, c in topical.items() if c}
        syllables = [c + v for c in "bcdfghklmnprstvw" for v in ("a", "e", "i", "o", "u", "ai", "ou")]
        pseudo = {"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) + rng.choice(("", "n", "s", "t", "ment", "ity"))
                  for _ in range(3000)}
        self.filler = sorted(pseudo) + COMMON_FILLER
        # topic popularity: a few topics are common, as in the shipped corpus
        weights = sorted((len(c) for c in topical.values()), reverse=True)
        self.topic_popularity = list(zip(self.topics, [max(1, n) for n in weights]))

    def word(self, rng: random.Random, topics: list[str]) -> str:
        if topics and rng.random() < TOPIC_WORD_SHARE:
            words, cum = self.topic_words.get(rng.choice(topics), (self.general_words, self.general_weights))
            return rng.choices(words, cum_weights=cum)[0]
        if rng.random() < FILLER_SHARE:
            return rng.choice(self.filler)
        return rng.choices(self.general_words, cum_weights=self.general_weights)[0]

    def sentence(self, rng: random.Random, topics: list[str]) -> str:
        n = min(MAX_WORDS, max(MIN_WORDS, rng.choice(self.lengths) + rng.randint(-3, 3)))
        words: list[str] = []
        while len(words) < n:
            words.extend(self.word(rng, topics).split())
        words = words[:n]
        if rng.random() < 0.6 and n >= 12:  # one comma between two clauses
            cut = rng.randint(n // 3, 2 * n // 3)
            words[cut - 1] += ","
        return _finish(words)


def _tokens(text: str) -> list[str]:
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    toks = WORD_RE.findall(text)
    out = []
    for n, tok in enumerate(toks):
        acronym = sum(ch.isupper() for ch in tok) >= 2
        out.append(tok if acronym or n else tok.lower())
    # sentence-initial capitals of later sentences are left: proper nouns are common in policy text
    return out


def _cumulative(counter: Counter) -> tuple[list[str], list[int]]:
    words = sorted(counter)
    cum, total = [], 0
    for w in words:
        total += counter[w]
        cum.append(total)
    return words, cum


def _finish(words: list[str]) -> str:
    words = [w for w in words if w.strip(",")]
    text = " ".join(words).rstrip(",")
    return text[:1].upper() + text[1:] + "."


def _plain_words(text: str) -> list[str]:
    words = text.rstrip(".").split()
    if words and not (sum(ch.isupper() for ch in words[0]) >= 2):
        words[0] = words[0][:1].lower() + words[0][1:]
    return words


def edit(text: str, rng: random.Random, vocab: Vocabulary) -> tuple[str, list[str]]:
    """A light edit of a statement: 1-3 of word swap, drop, add, synonym, clause moved."""
    words = _plain_words(text)
    done = []
    for op in rng.sample(["swap", "drop", "add", "synonym", "clause"], rng.choice((1, 2, 2, 3))):
        if op == "swap" and len(words) > 3:
            i = rng.randrange(len(words) - 1)
            words[i], words[i + 1] = words[i + 1], words[i]
        elif op == "drop" and len(words) > MIN_WORDS:
            del words[rng.randrange(len(words))]
        elif op == "add":
            words.insert(rng.randrange(len(words) + 1), vocab.word(rng, []))
        elif op == "synonym":
            options = [i for i, w in enumerate(words) if w.strip(",").lower() in SYNONYMS or w.strip(",").lower() in _REVERSE]
            if not options:
                continue
            i = rng.choice(options)
            bare = words[i].strip(",").lower()
            words[i] = (SYNONYMS.get(bare) or _REVERSE[bare]) + ("," if words[i].endswith(",") else "")
        elif op == "clause":
            comma = next((i for i, w in enumerate(words) if w.endswith(",")), None)
            if comma is not None:
                first, second = words[:comma + 1], words[comma + 1:]
                first[-1] = first[-1].rstrip(",")
                if not second:
                    continue
                words = second[:-1] + [second[-1] + ","] + first
            elif len(words) > 8:
                k = rng.randint(3, 6)
                words = words[-k:-1] + [words[-1] + ","] + words[:-k]
        else:
            continue
        done.append(op)
    return _finish([w for part in words for w in part.split()]), done



def generate(size: int, n_sources: int, seed: int, vocab: Vocabulary) -> dict:
    """A synthetic corpus of exactly `size` statements: {"sources": {key: [statement dicts]}, "planted": [(a, b)]}."""
    rng = random.Random(f"{seed}-{size}-{n_sources}")
    keys = [f"source-{chr(ord('a') + i)}" if i < 26 else f"source-{i}" for i in range(n_sources)]
    planted_n = int(round(size * PLANTED_SHARE))
    base_n = size - planted_n
    shares = [rng.uniform(0.6, 1.4) for _ in keys]
    counts = [max(1, int(base_n * s / sum(shares))) for s in shares]
    counts[0] += base_n - sum(counts)
    sources: dict[str, list[dict]] = {k: [] for k in keys}
    topics, popularity = zip(*vocab.topic_popularity)
    serial = 0
    for key, n in zip(keys, counts):
        for _ in range(n):
            serial += 1
            stances = {}
            if rng.random() < TOPIC_SHARE:
                k = rng.choices((1, 2, 3), weights=(0.6, 0.3, 0.1))[0]
                while len(stances) < k:
                    stances[rng.choices(topics, weights=popularity)[0]] = rng.choices(
                        list(STANCE_WEIGHTS), weights=list(STANCE_WEIGHTS.values()))[0]
            text = vocab.sentence(rng, list(stances))
            sources[key].append({"id": f"st-{serial:06d}", "text": text, "stances": stances})
    planted = []
    originals = rng.sample([(k, st) for k in keys for st in sources[k]], planted_n)
    edits: Counter = Counter()
    for key, st in originals:
        target = rng.choice([k for k in keys if k != key])
        text, ops = edit(st["text"], rng, vocab)
        edits.update(ops)
        roll = rng.random()
        stances = dict(st["stances"])
        if roll < 0.15 and stances:  # the copy takes the other side on one topic: a disagreement
            topic = rng.choice(sorted(stances))
            stances[topic] = {"support": "oppose", "oppose": "support"}.get(stances[topic], "support")
        elif roll < 0.30:  # the copy is not curated
            stances = {}
        serial += 1
        copy = {"id": f"st-{serial:06d}", "text": text, "stances": stances}
        sources[target].append(copy)
        planted.append((f"{key}/{st['id']}", f"{target}/{copy['id']}"))
    for key in keys:
        rng.shuffle(sources[key])
    return {"sources": sources, "planted": planted, "edits": dict(edits)}


def write_corpus(gen: dict, folder: Path, data_dir: Path = DATA) -> Path:
    """Write a generated corpus as YAML files: topics.yaml (the shipped one) and sources/KEY.yaml."""
    (folder / "sources").mkdir(parents=True, exist_ok=True)
    (folder / "topics.yaml").write_text((data_dir / "topics.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    for n, (key, statements) in enumerate(gen["sources"].items()):
        lines = [f"name: Synthetic source {n + 1}", f'title: "Synthetic position paper {n + 1}"', 'date: "2026"',
                 "kind: synthetic", "statements:"]
        for st in statements:
            lines.append(f"  - id: {st['id']}")
            lines.append(f"    text: {json.dumps(st['text'])}")  # a JSON string is a YAML double-quoted scalar
            if st["stances"]:
                lines.append("    stances:")
                lines.extend(f"      {t}: {s}" for t, s in st["stances"].items())
        (folder / "sources" / f"{key}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


# -- the measuring subprocess --------------------------------------------------------------------

def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def snapshot_package(src: str | None, folder: Path) -> tuple[Path, dict]:
    """A copy of the `positions` package to measure (from --src, else the installed one), in folder.

    Returns the folder to put on PYTHONPATH and the copy's identity.
    """
    import importlib.util
    import shutil

    if src:
        package = Path(src) / "positions"
        if not (package / "__init__.py").is_file():
            raise SystemExit(f"--src {src}: no positions/__init__.py there")
    else:
        spec = importlib.util.find_spec("positions")
        package = Path(spec.origin).parent
    root = folder / "code"
    shutil.copytree(package, root / "positions", ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "data"))
    files = sorted(p for p in (root / "positions").rglob("*.py"))
    digest = _sha256(b"".join(str(p.relative_to(root)).encode() + b"\0" + p.read_bytes() for p in files))
    match_py = root / "positions" / "match.py"
    return root, {"source": str(package), "tree_sha256": digest[:16],
                  "match_sha256": _sha256(match_py.read_bytes())[:16] if match_py.exists() else None,
                  "python_files": len(files)}


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def worker(job_path: str) -> None:
    """Run one measurement job (a JSON file written by the parent) and write its figures.

    Figures are written after every stage, so a run killed for time or memory still says how far
    it got.
    """
    job = json.loads(Path(job_path).read_text(encoding="utf-8"))
    out_path = Path(job["out"])
    res: dict = {"stage": "import", "peak_mb": {}, "cpu_s": {}}
    cpu = [time.process_time()]

    def done(stage: str, **figures) -> None:
        # CPU seconds (all threads) as well as wall seconds: the machine may be busy with other work
        now = time.process_time()
        res["cpu_s"][stage] = round(now - cpu[0], 3)
        cpu[0] = now
        res.update(figures)
        res["stage"] = stage
        res["peak_mb"][stage] = round(_peak_mb(), 1)
        out_path.write_text(json.dumps(res), encoding="utf-8")
        print(f"[worker {job['mode']}] {stage} done", file=sys.stderr, flush=True)

    t = time.perf_counter()
    import positions
    from positions import __version__
    from positions import match
    from positions.corpus import corpus_hash, load_corpus
    res["code"] = {"package": str(Path(positions.__file__).parent), "version": __version__,
                   "match_sha256": _sha256(Path(match.__file__).read_bytes())[:16]}
    res["dense_pair_limit"] = getattr(match, "DENSE_PAIR_LIMIT", None)
    done("import", import_s=time.perf_counter() - t)

    if job.get("pair_limit") is not None:
        if not hasattr(match, "DENSE_PAIR_LIMIT"):
            raise SystemExit("match.DENSE_PAIR_LIMIT is gone: cannot switch between candidate and exhaustive scoring")
        match.DENSE_PAIR_LIMIT = job["pair_limit"]

    t = time.perf_counter()
    try:
        corpus = load_corpus(job["corpus"], use_cache=True)
    except Exception as exc:  # a size limit of the loader, or a bug: measure the matcher all the same
        from positions.errors import CorpusError

        refused = isinstance(exc, CorpusError)
        message = str(exc) if refused else f"{type(exc).__name__}: {exc}"
        res["load_refused" if refused else "load_error"] = message.strip().splitlines()[-1][:300]
        res["load_failed_s"] = time.perf_counter() - t  # the failed attempt (its CPU counts in cpu_s["load"])
        t = time.perf_counter()
        corpus = plain_load(Path(job["corpus"]))
    done("load", load_s=time.perf_counter() - t, statements=len(corpus.statements()), sources=len(corpus.sources))

    if job["mode"] == "cold":
        from positions.embed import load_model

        t = time.perf_counter()
        load_model()
        done("model", model_load_s=time.perf_counter() - t)

    t = time.perf_counter()
    matcher = match.Matcher(corpus, use_cache=True)
    done("matcher", matcher_s=time.perf_counter() - t)

    t = time.perf_counter()
    matcher.embeddings
    done("embed", embed_s=time.perf_counter() - t)
    keys = [s.key for s in corpus.sources]
    if job["mode"] == "warm":
        # the same compare again: the score cache the cold run wrote spares the scoring
        t = time.perf_counter()
        match.compare_sources(matcher, keys)
        done("compare", compare_s=time.perf_counter() - t)
        return

    pairs = [tuple(p) for p in job["source_pairs"]] if job.get("source_pairs") else list(combinations(keys, 2))
    res["source_pairs"] = [list(p) for p in pairs]
    limit = getattr(match, "DENSE_PAIR_LIMIT", None)
    res["scored_by"] = {f"{a}|{b}": "unknown" if limit is None else (
        "candidates" if len(corpus.source_map[a].statements) * len(corpus.source_map[b].statements) > limit else "exhaustive")
        for a, b in pairs}
    profiler = None
    if job.get("profile"):
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.001)
        profiler.start()
    t = time.perf_counter()
    if job.get("source_pairs"):
        comparisons = [matcher.align_sources(a, b) for a, b in pairs]
        comparison = None
    else:
        comparison = match.compare_sources(matcher, keys)
        comparisons = list(comparison.pairwise)
    compare_s = time.perf_counter() - t
    if profiler is not None:
        profiler.stop()
        _write_profile(profiler, Path(job["profile"]), compare_s)
    aligned = sorted("|".join(sorted((p.a.ref, p.b.ref))) for c in comparisons for p in c.pairs)
    res["aligned"] = aligned
    done("compare", compare_s=compare_s, aligned_pairs=len(aligned),
         relations=dict(Counter(p.relation for c in comparisons for p in c.pairs)))

    planted = [tuple(p) for p in job["planted"]]
    covered = {frozenset(p) for p in pairs}
    planted = [p for p in planted if frozenset((p[0].split("/")[0], p[1].split("/")[0])) in covered]
    found = set(aligned)
    missed = [p for p in planted if "|".join(sorted(p)) not in found]
    try:
        diagnosis = _diagnose(matcher, missed[:300])
    except Exception as exc:  # the matcher's internals may change; the diagnosis is a nicety
        diagnosis = {"error": repr(exc)}
    done("recall", planted=len(planted), planted_found=len(planted) - len(missed),
         planted_recall=(1 - len(missed) / len(planted)) if planted else None, missed=diagnosis)
    if job["mode"] != "cold" or job.get("profile"):
        return

    queries = list(job["queries"])
    times = []
    hits = []
    for q in queries:
        t = time.perf_counter()
        result = matcher.search(q, limit=10)
        times.append(time.perf_counter() - t)
        hits.append([h.ref.ref for h in result[:3]])
    done("search", search_ms=[round(x * 1000, 2) for x in times], search_top3=hits)

    from positions.render.markdown import render_report
    from positions.report import build_report

    t = time.perf_counter()
    report = build_report(corpus, comparison, corpus_hash=corpus_hash(corpus), version=__version__, date=DATE)
    build_s = time.perf_counter() - t
    t = time.perf_counter()
    text = render_report(report)
    done("report", report_build_s=build_s, report_render_s=time.perf_counter() - t, report_chars=len(text))
    del report, text

    # for comparison with load_corpus: the same files read by a plain YAML loader into the same models
    t = time.perf_counter()
    plain_load(Path(job["corpus"]))
    done("plain load", plain_load_s=time.perf_counter() - t)


def plain_load(folder: Path):
    """The corpus read with ruamel's safe loader and validated by the models, without load_corpus's
    positioned checks, limits and cache (the fallback when load_corpus refuses a generated corpus)."""
    from ruamel.yaml import YAML

    from positions.models import Corpus, Source, SourceFile, TopicsFile

    yaml = YAML(typ="safe")
    topics = TopicsFile.model_validate(yaml.load((folder / "topics.yaml").read_text(encoding="utf-8")))
    sources = tuple(Source(key=path.stem, path=str(path), data=SourceFile.model_validate(yaml.load(path.read_text(encoding="utf-8"))))
                    for path in sorted((folder / "sources").glob("*.yaml")))
    return Corpus(root=str(folder), topics=tuple(topics.topics), sources=sources)


def _diagnose(matcher, missed: list[tuple[str, str]]) -> dict:
    """Why planted pairs were missed: their combined score, and how many clear the threshold."""
    from positions.match import DEFAULT_THRESHOLD
    from positions.scoring import Pairs

    scores = []
    for a, b in missed:
        i, j = matcher.position[a], matcher.position[b]
        scores.append(float(matcher.scorer.score(Pairs.of([i], [j])).combined[0]))
    return {
        "count_diagnosed": len(scores),
        "above_threshold": sum(s >= DEFAULT_THRESHOLD for s in scores),
        "median_score": round(statistics.median(scores), 3) if scores else None,
        "examples": [{"a": a, "b": b, "score": round(s, 3)} for (a, b), s in list(zip(missed, scores))[:5]],
    }


def _write_profile(profiler, folder: Path, wall: float) -> None:
    """The pyinstrument call tree (text and HTML) and the functions with the most own and total time."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "compare.txt").write_text(profiler.output_text(unicode=False, color=False, show_all=False), encoding="utf-8")
    (folder / "compare.html").write_text(profiler.output_html(), encoding="utf-8")
    profiler.last_session.save(str(folder / "compare.pyisession"))
    summarise_profile(profiler.last_session, folder, wall)


def summarise_profile(session, folder: Path, wall: float | None = None) -> dict:
    """The functions with the most own time and the most total time (a function counted once per
    call stack), written to folder/compare-summary.json."""
    root = session.root_frame()
    own: Counter = Counter()
    total: Counter = Counter()

    def key(frame) -> str:
        return f"{frame.function} ({frame.file_path_short}:{frame.line_no})"

    def walk(frame, ancestors: frozenset) -> None:
        if frame.is_synthetic:  # "[self]" and the like: already in the parent's own time
            return
        k = key(frame)
        own[k] += frame.total_self_time
        if k not in ancestors:
            total[k] += frame.time
        for child in frame.children:
            walk(child, ancestors | {k})

    if root is not None:
        walk(root, frozenset())
    session_s = root.time if root is not None else wall
    wall = session_s if wall is None else wall
    summary = {
        "wall_s": wall,
        "sampled_s": session_s,
        "own": [{"function": k, "s": round(v, 3), "share": round(v / session_s, 4)} for k, v in own.most_common(25)],
        "total": [{"function": k, "s": round(v, 3), "share": round(v / session_s, 4)} for k, v in total.most_common(40)],
    }
    (folder / "compare-summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    return summary


# -- the parent: generate, run the subprocesses, tabulate ----------------------------------------

def _run(job: dict, folder: Path, cache: Path, timeout: float, max_mb: float, code: Path) -> dict:
    """Run a worker subprocess under a time and memory guard; return its (possibly partial) figures."""
    job_path = folder / f"job-{job['mode']}.json"
    job["out"] = str(folder / f"result-{job['mode']}.json")
    job_path.write_text(json.dumps(job), encoding="utf-8")
    env = {**os.environ, "POSITIONS_CACHE_DIR": str(cache),
           "PYTHONPATH": os.pathsep.join([str(code), *filter(None, [os.environ.get("PYTHONPATH")])])}
    log = open(folder / f"log-{job['mode']}.txt", "w", encoding="utf-8")
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--worker", str(job_path)],
                            env=env, stdout=log, stderr=log)
    status, seen_mb = "ok", 0.0
    while proc.poll() is None:
        rss = _rss_mb(proc.pid)
        seen_mb = max(seen_mb, rss)
        if rss > max_mb:
            status = f"killed at {rss:.0f} MB (limit {max_mb:.0f} MB)"
        elif time.perf_counter() - start > timeout:
            status = f"killed after {timeout:.0f} s (time limit)"
        if status != "ok":
            proc.kill()
            proc.wait()
            break
        time.sleep(0.2)
    log.close()
    wall = time.perf_counter() - start
    if status == "ok" and proc.returncode != 0:
        tail = (folder / f"log-{job['mode']}.txt").read_text(encoding="utf-8", errors="replace")[-1500:]
        status = f"failed (exit {proc.returncode}): {tail.strip().splitlines()[-1] if tail.strip() else ''}"
    try:
        res = json.loads(Path(job["out"]).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        res = {"stage": None, "peak_mb": {}}
    res.update(status=status, wall_s=wall, polled_peak_mb=round(seen_mb, 1),
               load_average=[round(load_before, 2), round(os.getloadavg()[0], 2)])
    return res


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except (OSError, ValueError):
        pass
    return 0.0


def measure(size: int, n_sources: int, opts, vocab: Vocabulary, code: Path) -> dict:
    t = time.perf_counter()
    gen = generate(size, n_sources, opts.seed, vocab)
    gen_s = time.perf_counter() - t
    sizes = {k: len(v) for k, v in gen["sources"].items()}
    keys = sorted(sizes)
    all_pairs = list(combinations(keys, 2))
    rng = random.Random(f"{opts.seed}-{size}-queries")
    queries = list(QUERIES)
    for key, st in rng.sample([(k, st) for k in keys for st in gen["sources"][k]], 2):
        queries.append(edit(st["text"], rng, vocab)[0])
    row: dict = {"size": size, "sources": n_sources, "generate_s": gen_s, "default_scoring": None,
                 "planted": len(gen["planted"]), "planted_edits": gen["edits"],
                 "pairs_per_source_pair_max": max(sizes[a] * sizes[b] for a, b in all_pairs)}
    base = tempfile.mkdtemp(prefix=f"positions-scale-{size}-", dir=opts.workdir)
    folder = Path(base)
    try:
        corpus_dir = write_corpus(gen, folder / "corpus")
        row["corpus_mb"] = round(sum(p.stat().st_size for p in (corpus_dir / "sources").iterdir()) / 1e6, 2)
        cache = folder / "cache"
        cache.mkdir()
        common = {"corpus": str(corpus_dir), "planted": gen["planted"], "queries": queries}
        _progress(f"size {size}: corpus written ({row['corpus_mb']} MB); cold run")
        cold = _run({**common, "mode": "cold"}, folder, cache, opts.timeout, opts.max_mb, code)
        row["cold"] = cold
        if cold["status"] != "ok":
            _progress(f"size {size}: cold run {cold['status']} (reached stage {cold.get('stage')})")
            return row
        # how the measured matcher scored each source pair by default
        modes = set(cold.get("scored_by", {}).values())
        default_mode = modes.pop() if len(modes) == 1 else ("mixed" if modes else "unknown")
        row["default_scoring"] = default_mode
        _progress(f"size {size}: warm run")
        row["warm"] = _run({**common, "mode": "warm"}, folder, cache, opts.timeout, opts.max_mb, code)

        # the reference run: the other scoring on (a sample of) the source pairs
        chosen: list = []
        if default_mode == "unknown":
            row["reference"] = {"kind": "none: match.DENSE_PAIR_LIMIT not found"}
        elif default_mode == "exhaustive":
            ref_job = {**common, "mode": "forced-candidates", "pair_limit": 0}
            row["reference"] = {"kind": "forced candidates (DENSE_PAIR_LIMIT = 0) on all source pairs"}
        else:
            # the source pairs scored by candidates (all of them, unless "mixed")
            eligible = [p for p in all_pairs if cold["scored_by"].get(f"{p[0]}|{p[1]}") == "candidates"]
            chosen = list(eligible)
            budget = opts.exhaustive_budget
            if sum(sizes[a] * sizes[b] for a, b in chosen) > budget:
                # a random sample of source pairs, as many as fit in the budget (possibly none)
                order = random.Random(f"{opts.seed}-{size}-sample").sample(eligible, len(eligible))
                chosen, used = [], 0
                for a, b in order:
                    cost = sizes[a] * sizes[b]
                    if used + cost <= budget:
                        chosen.append((a, b))
                        used += cost
            ref_job = {**common, "mode": "exhaustive", "pair_limit": 10 ** 15,
                       "source_pairs": [list(p) for p in chosen] if len(chosen) < len(all_pairs) else None}
            row["reference"] = {"kind": f"exhaustive (DENSE_PAIR_LIMIT lifted) on {len(chosen)} of {len(all_pairs)} source pairs",
                                "scored_pairs": sum(sizes[a] * sizes[b] for a, b in chosen)}
        if opts.no_reference:
            row["reference"]["status"] = "skipped (--no-reference)"
        elif default_mode == "unknown":
            row["reference"]["status"] = "skipped"
        elif default_mode != "exhaustive" and not chosen:
            row["reference"]["status"] = (f"skipped: the smallest source pair has {min(sizes[a] * sizes[b] for a, b in all_pairs):,} "
                                          f"pairs, over --exhaustive-budget {opts.exhaustive_budget:,}")
        else:
            _progress(f"size {size}: reference run: {row['reference']['kind']}")
            ref = _run(ref_job, folder, cache, opts.exhaustive_timeout, opts.exhaustive_max_mb, code)
            row["reference"].update({k: ref.get(k) for k in ("status", "stage", "compare_s", "planted", "planted_recall",
                                                             "aligned_pairs", "peak_mb", "wall_s", "missed")})
            if ref["status"] == "ok":
                row["reference"].update(_versus(cold, ref, default_mode, gen["planted"]))
        if opts.profile:
            _progress(f"size {size}: profiled compare")
            prof_dir = Path(opts.profile) / f"size-{size}"
            prof = _run({**common, "mode": "profile", "profile": str(prof_dir)}, folder, cache, opts.timeout, opts.max_mb, code)
            row["profile"] = {"status": prof["status"], "folder": str(prof_dir), "compare_s": prof.get("compare_s")}
            try:
                row["profile"]["summary"] = json.loads((prof_dir / "compare-summary.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                pass
        return row
    finally:
        if opts.keep:
            _progress(f"size {size}: kept {folder}")
        else:
            import shutil

            shutil.rmtree(folder, ignore_errors=True)


def _versus(cold: dict, ref: dict, default_mode: str, planted: list[tuple[str, str]]) -> dict:
    """Candidate scoring against exhaustive scoring on the source pairs the reference run scored."""
    if default_mode == "exhaustive":
        cand, exh = ref, cold
    else:
        cand, exh = cold, ref
    pairs = {"|".join(sorted(p)) for p in ref["source_pairs"]}

    def on_pairs(aligned: list[str]) -> set[str]:
        out = set()
        for item in aligned:
            a, b = item.split("|")
            if "|".join(sorted((a.split("/")[0], b.split("/")[0]))) in pairs:
                out.add(item)
        return out

    c_aligned, e_aligned = on_pairs(cand["aligned"]), on_pairs(exh["aligned"])
    # recall of each run on the same planted pairs (those of the reference's source pairs)
    c_recall = _recall_on(cand, planted, pairs)
    e_recall = _recall_on(exh, planted, pairs)
    return {
        "candidate_recall": c_recall,
        "exhaustive_recall": e_recall,
        "recall_ratio": (c_recall / e_recall) if e_recall else None,
        "pairs_kept": len(c_aligned & e_aligned) / len(e_aligned) if e_aligned else None,
        "candidate_aligned": len(c_aligned),
        "exhaustive_aligned": len(e_aligned),
    }


def _recall_on(run: dict, planted: list[tuple[str, str]], pairs: set[str]) -> float | None:
    found = set(run["aligned"])
    planted = [p for p in planted if "|".join(sorted((p[0].split("/")[0], p[1].split("/")[0]))) in pairs]
    if not planted:
        return None
    return sum("|".join(sorted(p)) in found for p in planted) / len(planted)


def _progress(message: str) -> None:
    print(f"[scale] {message}", file=sys.stderr, flush=True)


def _fmt(value, spec: str, missing: str = "-") -> str:
    return missing if value is None else format(value, spec)


def table(rows: list[dict], code: dict | None = None) -> str:
    head = (f"{'size':>6} {'src':>3} {'stmts':>6} {'load s':>7} {'embed s':>7} {'compare s':>9} {'again s':>7} {'peak MB':>7} "
            f"{'search ms':>9} {'report s':>8} {'planted':>7} {'vs exh.':>7} {'kept':>5}  scoring")
    lines = [head, "-" * len(head)]
    for r in rows:
        c = r.get("cold", {})
        ref = r.get("reference", {})
        search = c.get("search_ms")
        report = (c["report_build_s"] + c["report_render_s"]) if "report_render_s" in c else None
        peak = max(c.get("peak_mb", {}).values(), default=None)
        load = _fmt(c.get("load_s"), ".2f") + ("!" if c.get("load_refused") else "!!" if c.get("load_error") else "")
        line = (f"{r['size']:>6} {r['sources']:>3} {_fmt(c.get('statements'), 'd'):>6} {load:>7} "
                f"{_fmt(c.get('embed_s'), '.2f'):>7} {_fmt(c.get('compare_s'), '.2f'):>9} "
                f"{_fmt(r.get('warm', {}).get('compare_s'), '.2f'):>7} {_fmt(peak, '.0f'):>7} "
                f"{_fmt(statistics.median(search) if search else None, '.1f'):>9} {_fmt(report, '.2f'):>8} "
                f"{_fmt(c.get('planted_recall'), '.3f'):>7} {_fmt(ref.get('recall_ratio'), '.3f'):>7} "
                f"{_fmt(ref.get('pairs_kept'), '.2f'):>5}  {r.get('default_scoring') or '-'}")
        if c.get("status", "ok") != "ok":
            line += f"  [{c['status']}, reached {c.get('stage')}]"
        lines.append(line)
    lines.append("")
    lines.append("details:")
    for r in rows:
        c, w, ref = r.get("cold", {}), r.get("warm", {}), r.get("reference", {})
        lines.append(f"  {r['size']}: generated in {r['generate_s']:.1f} s, {r.get('corpus_mb', '-')} MB of YAML, "
                     f"{r['planted']} planted pairs, largest source pair {r['pairs_per_source_pair_max']:,} pairs")
        if c.get("load_refused"):
            lines.append(f"    ! load_corpus refused the corpus ({c['load_refused']}); load s is the plain load (safe YAML loader + models)")
        if c.get("load_error"):
            lines.append(f"    !! load_corpus failed ({c['load_error']}); load s is the plain load (safe YAML loader + models)")
        if "compare_s" in c:
            lines.append(f"    cold: import {c['import_s']:.2f} s, load {c['load_s']:.2f} s, model {c.get('model_load_s', 0):.2f} s, "
                         f"Matcher() {c['matcher_s']:.2f} s, embed {c['embed_s']:.2f} s, compare {c['compare_s']:.2f} s "
                         f"({c['aligned_pairs']} aligned pairs: {c['relations']})")
            pk = c["peak_mb"]
            lines.append("    peak MB after " + ", ".join(f"{k} {v:.0f}" for k, v in pk.items()))
            lines.append("    CPU s (all threads) " + ", ".join(f"{k} {v:.2f}" for k, v in c.get("cpu_s", {}).items())
                         + f"; load average {c.get('load_average')} before/after")
        if "search_ms" in c:
            lines.append(f"    search ms per query: {', '.join(f'{x:.0f}' for x in c['search_ms'])}; report build "
                         f"{c['report_build_s']:.2f} s + markdown {c['report_render_s']:.2f} s ({c['report_chars']:,} chars)")
        if "plain_load_s" in c:
            lines.append(f"    plain load (safe YAML loader + models, no checks or cache): {c['plain_load_s']:.2f} s")
        if "planted_recall" in c:
            m = c.get("missed", {})
            line = f"    planted recall {c['planted_found']}/{c['planted']} = {c['planted_recall']:.3f}"
            if m.get("count_diagnosed"):
                line += (f"; the missed score median {m['median_score']} (combined), {m['above_threshold']} of "
                         f"{m['count_diagnosed']} at or above the threshold")
            lines.append(line)
        if w:
            lines.append(f"    warm: load {_fmt(w.get('load_s'), '.2f')} s, Matcher() {_fmt(w.get('matcher_s'), '.2f')} s, "
                         f"embed {_fmt(w.get('embed_s'), '.2f')} s, compare again {_fmt(w.get('compare_s'), '.2f')} s "
                         f"[{w.get('status')}]")
        if ref:
            line = f"    reference: {ref['kind']}: {ref.get('status')}"
            if ref.get("compare_s") is not None:
                line += f", compare {ref['compare_s']:.1f} s, peak {max(ref['peak_mb'].values()):.0f} MB"
            if ref.get("recall_ratio") is not None or ref.get("candidate_recall") is not None:
                line += (f"; planted recall candidates {_fmt(ref.get('candidate_recall'), '.3f')} vs exhaustive "
                         f"{_fmt(ref.get('exhaustive_recall'), '.3f')}; exhaustive aligned pairs kept by candidates "
                         f"{_fmt(ref.get('pairs_kept'), '.3f')} ({ref.get('candidate_aligned')} vs {ref.get('exhaustive_aligned')})")
            lines.append(line)
        if r.get("profile", {}).get("summary"):
            s = r["profile"]["summary"]
            lines.append(f"    profile ({r['profile']['folder']}), compare {s['wall_s']:.1f} s; most own time:")
            for item in s["own"][:8]:
                lines.append(f"      {item['share'] * 100:5.1f}%  {item['function']}")
    if code:
        lines.append(f"code measured: {code['source']} (tree {code['tree_sha256']}, match.py {code['match_sha256']})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(str(s) for s in DEFAULT_SIZES),
                        help="comma-separated numbers of statements (default %(default)s)")
    parser.add_argument("--tiny", action="store_true", help=f"one corpus of {TINY_SIZE} statements in {TINY_SOURCES} sources")
    parser.add_argument("--sources", type=int, default=None, help=f"sources per corpus (default {DEFAULT_SOURCES})")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--timeout", type=float, default=900, help="seconds before a cold run is stopped (default %(default)s)")
    parser.add_argument("--max-mb", type=float, default=4096, help="resident MB at which a run is stopped (default %(default)s)")
    parser.add_argument("--exhaustive-budget", type=int, default=15_000_000,
                        help="most statement pairs the exhaustive reference scores; above it, a sample of source pairs (default %(default)s)")
    parser.add_argument("--exhaustive-timeout", type=float, default=600, help="seconds for the reference run (default %(default)s)")
    parser.add_argument("--exhaustive-max-mb", type=float, default=8192,
                        help="resident MB at which the reference run is stopped (default %(default)s)")
    parser.add_argument("--no-reference", action="store_true", help="skip the reference (recall versus exhaustive) run")
    parser.add_argument("--profile", metavar="DIR", help="also profile each size's compare with pyinstrument into DIR/size-N/")
    parser.add_argument("--src", metavar="DIR", help="measure the positions package in DIR/positions (default: the installed one)")
    parser.add_argument("--workdir", help="folder for the temporary corpora (default: the system temp folder)")
    parser.add_argument("--keep", action="store_true", help="keep the generated corpora, caches and logs")
    parser.add_argument("--from-json", metavar="FILE", nargs="+", help="print the table of figures saved earlier with --json")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    opts = parser.parse_args(argv)
    if opts.worker:
        worker(opts.worker)
        return []
    if opts.from_json:
        saved = [json.loads(Path(f).read_text(encoding="utf-8")) for f in opts.from_json]
        rows = [r for s in saved for r in s["rows"]]
        codes = {json.dumps(s.get("code"), sort_keys=True) for s in saved}
        print(table(rows, saved[0].get("code") if len(codes) == 1 else None))
        if len(codes) > 1:
            print("code measured differs between the files: " + "; ".join(sorted(codes)))
        return rows
    if opts.tiny:
        sizes, n_sources = [TINY_SIZE], opts.sources or TINY_SOURCES
    else:
        sizes, n_sources = [int(s) for s in opts.sizes.split(",") if s.strip()], opts.sources or DEFAULT_SOURCES
    vocab = Vocabulary(DATA, random.Random(opts.seed))
    rows = []
    with tempfile.TemporaryDirectory(prefix="positions-scale-code-", dir=opts.workdir) as tmp:
        code, identity = snapshot_package(opts.src, Path(tmp))
        _progress(f"measuring {identity['source']} (tree {identity['tree_sha256']}, match.py {identity['match_sha256']})")
        for size in sizes:
            rows.append(measure(size, n_sources, opts, vocab, code))
    for r in rows:  # the aligned-pair lists are for computing overlaps, not for printing
        r.get("cold", {}).pop("aligned", None)
    if opts.json:
        print(json.dumps({"date": time.strftime("%Y-%m-%d"), "cpus": os.cpu_count(), "python": sys.version.split()[0],
                          "code": identity, "rows": rows}, indent=1))
    else:
        print(table(rows, identity))
    return rows


if __name__ == "__main__":
    main()
